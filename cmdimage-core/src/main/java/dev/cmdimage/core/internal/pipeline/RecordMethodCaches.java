package dev.cmdimage.core.internal.pipeline;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.lang.runtime.ObjectMethods;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lets go of the record types the JDK remembers for the last record it linked, so that they do not pin cmdimage's
 * class loader after {@code close()}.
 *
 * <p>Why: a record's {@code equals}, {@code hashCode} and {@code toString} are linked through
 * {@link ObjectMethods#bootstrap}, which adapts a few method handles held in static fields of {@code ObjectMethods}
 * ({@code OBJECTS_EQUALS}, {@code OBJECT_EQ}, {@code OBJECTS_HASHCODE}, {@code OBJECTS_TOSTRING}, ...) to the record
 * and component types. Each of these handles remembers its last adaptation ({@code MethodHandle.asType}'s one-entry
 * cache). On JDK 17 that memory is a strong reference: when the last record linked in the JVM is one of ours (say
 * {@code ImageMap}), the JDK holds {@code ImageMap.class}, and through it our class loader, until some other record is
 * linked, which may be never (measured: a plug-in loader was not collected after close). Newer JDKs keep such
 * entries only softly. {@link #release()} links the three methods of a record of the JDK's own
 * ({@code jdk.net.UnixDomainPrincipal}), whose types belong to the boot loader: that replaces every entry.
 */
public final class RecordMethodCaches {
    private static final Logger LOG = LoggerFactory.getLogger(RecordMethodCaches.class);
    private static final String JDK_RECORD = "jdk.net.UnixDomainPrincipal";

    private RecordMethodCaches() {}

    /**
     * Links {@code equals}, {@code hashCode} and {@code toString} of a JDK record, replacing what the JDK remembers
     * of ours. Costs a few microseconds; does nothing (logs at DEBUG) where that record is missing.
     */
    public static void release() {
        try {
            Class<?> record = Class.forName(JDK_RECORD, false, null);
            RecordComponent[] components = record.getRecordComponents();
            MethodHandle[] getters = new MethodHandle[components.length];
            StringBuilder names = new StringBuilder();
            for (int i = 0; i < components.length; i++) {
                getters[i] = MethodHandles.publicLookup().unreflect(components[i].getAccessor());
                names.append(i == 0 ? "" : ";").append(components[i].getName());
            }
            MethodHandles.Lookup lookup = MethodHandles.lookup();
            ObjectMethods.bootstrap(lookup, "equals", MethodType.methodType(boolean.class, record, Object.class),
                    record, names.toString(), getters);
            ObjectMethods.bootstrap(lookup, "hashCode", MethodType.methodType(int.class, record), record,
                    names.toString(), getters);
            ObjectMethods.bootstrap(lookup, "toString", MethodType.methodType(String.class, record), record,
                    names.toString(), getters);
        } catch (VirtualMachineError e) {
            throw e;
        } catch (Throwable t) { // ObjectMethods.bootstrap declares Throwable
            LOG.debug("could not release the JDK's record method caches", t);
        }
    }
}

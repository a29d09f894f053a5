package dev.cmdimage.core.internal.process;

import java.io.IOException;

/**
 * Starts processes without lending them the caller's context class loader. The first process a JVM starts creates
 * its "process reaper" thread, and on JDK 17 that thread inherits the starting thread's context class loader: in a
 * plug-in host that is the plug-in's own, which the reaper would then keep from being collected.
 */
public final class ProcessStarts {
    private ProcessStarts() {}

    /** {@link ProcessBuilder#start()} with the current thread's context class loader cleared for the call. */
    public static Process start(ProcessBuilder builder) throws IOException {
        Thread thread = Thread.currentThread();
        ClassLoader contextLoader = thread.getContextClassLoader();
        thread.setContextClassLoader(null);
        try {
            return builder.start();
        } finally {
            thread.setContextClassLoader(contextLoader);
        }
    }
}

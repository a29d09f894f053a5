package dev.cmdimage.embedding;

import java.lang.ref.WeakReference;
import java.lang.reflect.Array;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Optional;

/**
 * Run by {@link ClassLoaderUnloadIT} in a JVM of its own, with only the test classes on its class path: loads
 * cmdimage in a throwaway {@link URLClassLoader} whose parent is the platform loader (as an IDE loads a plug-in),
 * runs a daemonless OCI build with a 10-minute timeout and a controller build, closes both, drops every reference
 * and reports, one fact per line, whether the loader was collected and what was left: threads, shutdown hooks.
 *
 * <p>It talks to cmdimage through reflection only (cmdimage is not on its own class path). While it works, the
 * thread's context class loader is the throwaway loader, as in a plug-in host: threads the JDK starts from there
 * inherit it, which is what pins a loader in practice.
 *
 * <p>Arguments: the class path of cmdimage and its dependencies, a work directory (holding {@code hello-oci/}),
 * how long to wait for the collection in seconds, and optionally a file to dump the heap into when it fails.
 */
public final class UnloadChecker {
    private UnloadChecker() {}

    public static void main(String[] args) throws Exception {
        List<URL> urls = new ArrayList<>();
        for (String entry : args[0].split(java.io.File.pathSeparator)) {
            if (!entry.isEmpty()) {
                urls.add(Paths.get(entry).toUri().toURL());
            }
        }
        Path work = Paths.get(args[1]);
        Duration wait = Duration.ofSeconds(Long.parseLong(args[2]));
        String heapDump = args.length > 3 ? args[3] : null;

        WeakReference<ClassLoader> ref = buildAndClose(urls, work);

        long start = System.nanoTime();
        boolean collected = false;
        while (System.nanoTime() - start < wait.toNanos()) {
            System.gc();
            if (ref.get() == null) {
                collected = true;
                break;
            }
            Thread.sleep(100);
        }
        long took = Duration.ofNanos(System.nanoTime() - start).toMillis();
        System.out.println("COLLECTED " + collected + " " + took + "ms");
        ClassLoader loader = ref.get();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            boolean ours = loader != null && (t.getContextClassLoader() == loader
                    || t.getClass().getClassLoader() == loader);
            if (ours || t.getName().startsWith("cmdimage")) {
                System.out.println("THREAD " + t.getName() + (ours ? " (of the loader)" : ""));
            }
        }
        for (Thread hook : shutdownHooks()) {
            boolean ours = loader != null && (hook.getContextClassLoader() == loader
                    || hook.getClass().getClassLoader() == loader);
            if (ours || hook.getName().startsWith("cmdimage")) {
                System.out.println("HOOK " + hook.getName());
            }
        }
        if (!collected && heapDump != null) {
            loader = null;
            dumpHeap(heapDump);
            System.out.println("HEAPDUMP " + heapDump);
        }
        System.out.println("END");
    }

    /** Everything that touches the throwaway loader, in a frame of its own so no local keeps it alive. */
    private static WeakReference<ClassLoader> buildAndClose(List<URL> urls, Path work) throws Exception {
        URLClassLoader loader = new URLClassLoader("cmdimage-plugin", urls.toArray(new URL[0]),
                ClassLoader.getPlatformClassLoader());
        WeakReference<ClassLoader> ref = new WeakReference<>(loader);
        Thread thread = Thread.currentThread();
        ClassLoader before = thread.getContextClassLoader();
        thread.setContextClassLoader(loader);
        try {
            run(loader, work);
        } finally {
            thread.setContextClassLoader(before);
        }
        loader.close();
        return ref;
    }

    private static void run(ClassLoader loader, Path work) throws Exception {
        Path layout = work.resolve("oci");
        Path project = work.resolve("hello-oci");
        Object store = loader.loadClass("dev.cmdimage.core.OciLayoutStore").getConstructor(Path.class)
                .newInstance(layout);
        Object builderConfig = callStatic(loader.loadClass("dev.cmdimage.core.CmdImages"), "builder");
        call(builderConfig, "imageStore", store);
        Object pusherConfig = callStatic(loader.loadClass("dev.cmdimage.core.RegistryHttpPusher"), "builder", store);
        call(builderConfig, "registryPusher", call(pusherConfig, "build"));
        Object builder = call(builderConfig, "build");
        try {
            // 1. a daemonless build with a 10-minute timeout
            Object image = cmdImage(loader, "hello-oci", project);
            Object requestConfig = callStatic(loader.loadClass("dev.cmdimage.api.BuildRequest"), "builder", image);
            call(requestConfig, "timeout", Duration.ofMinutes(10));
            call(requestConfig, "baseDirectory", project);
            Object result = call(builder, "build", call(requestConfig, "build"));
            System.out.println("BUILD " + call(result, "localRef"));

            // 2. a controller build
            Object controllerConfig = callStatic(loader.loadClass("dev.cmdimage.core.CmdImageControllers"),
                    "builder", builder);
            call(controllerConfig, "baseDirectory", project);
            call(controllerConfig, "buildTimeout", Duration.ofMinutes(10));
            Object controller = call(controllerConfig, "build");
            try {
                call(controller, "apply", cmdImage(loader, "hello-again", project));
                // 3. a FileWatch, so that the controller's watch thread runs too (close() must end it)
                call(controller, "apply", callStatic(loader.loadClass("dev.cmdimage.api.FileWatch"), "of",
                        "hello-files", java.util.List.of(project.toString())));
                boolean idle = (Boolean) call(controller, "awaitIdle", Duration.ofMinutes(2));
                long watchDeadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                Object watched = null;
                while (watched == null && System.nanoTime() < watchDeadline) {
                    Object fileWatch = ((Optional<?>) call(controller, "fileWatch", "hello-files")).orElseThrow();
                    watched = call(call(fileWatch, "status"), "monitorStartTime");
                    Thread.sleep(10);
                }
                System.out.println("WATCHING since " + watched);
                Optional<?> built = (Optional<?>) call(controller, "cmdImage", "hello-again");
                System.out.println("CONTROLLER idle=" + idle + " "
                        + built.map(c -> String.valueOf(call(c, "status"))).orElse("missing"));
            } finally {
                call(controller, "close");
            }

            // 4. a push that a registry refuses (anonymous, to the Basic-auth test registry): its error body is read
            String authRegistry = System.getenv("CMDIMAGE_TEST_AUTH_REGISTRY");
            if (authRegistry != null && !authRegistry.isBlank()) {
                Class<?> hostingType = loader.loadClass("dev.cmdimage.api.RegistryHosting");
                Object hosting = java.util.Arrays.stream(hostingType.getConstructors())
                        .filter(c -> c.getParameterCount() == 5).findFirst().orElseThrow()
                        .newInstance(authRegistry, null, null, null, null);
                Object cluster = callStatic(loader.loadClass("dev.cmdimage.api.Cluster"), "of", "default", hosting,
                        null);
                Object pushConfig = callStatic(loader.loadClass("dev.cmdimage.api.BuildRequest"), "builder",
                        cmdImage(loader, "hello-push", project));
                call(pushConfig, "timeout", Duration.ofMinutes(10));
                call(pushConfig, "baseDirectory", project);
                call(pushConfig, "cluster", cluster);
                try {
                    call(builder, "build", call(pushConfig, "build"));
                    System.out.println("PUSH accepted (unexpected)");
                } catch (IllegalStateException e) {
                    System.out.println("PUSH refused: " + e.getCause().getMessage().lines().findFirst().orElse(""));
                }
            } else {
                System.out.println("PUSH not tried: CMDIMAGE_TEST_AUTH_REGISTRY is not set");
            }
        } finally {
            call(builder, "close");
        }
    }

    private static Object cmdImage(ClassLoader loader, String name, Path project) throws Exception {
        Object specConfig = callStatic(loader.loadClass("dev.cmdimage.api.CmdImageSpec"), "builder");
        call(specConfig, "ref", name);
        call(specConfig, "args", (Object) new String[] {"sh", "build.sh"});
        call(specConfig, "dir", project.toString());
        Object spec = call(specConfig, "build");
        return callStatic(loader.loadClass("dev.cmdimage.api.CmdImage"), "of", name, spec);
    }

    /** Calls the public instance method {@code name} whose parameters take {@code args}. */
    private static Object call(Object target, String name, Object... args) {
        return invoke(target.getClass(), target, name, args);
    }

    /** Calls the public static method {@code name} of {@code type} whose parameters take {@code args}. */
    private static Object callStatic(Class<?> type, String name, Object... args) {
        return invoke(type, null, name, args);
    }

    private static Object invoke(Class<?> type, Object target, String name, Object... args) {
        for (Method m : type.getMethods()) {
            if (!m.getName().equals(name) || m.getParameterCount() != args.length
                    || (target == null) != Modifier.isStatic(m.getModifiers()) || !accepts(m, args)) {
                continue;
            }
            try {
                m.setAccessible(true);
                return m.invoke(target, args);
            } catch (ReflectiveOperationException e) {
                Throwable cause = e.getCause() != null ? e.getCause() : e;
                throw new IllegalStateException(name + ": " + cause, cause);
            }
        }
        throw new IllegalStateException("no method " + name + " on " + type.getName());
    }

    private static boolean accepts(Method m, Object[] args) {
        Class<?>[] types = m.getParameterTypes();
        for (int i = 0; i < types.length; i++) {
            Class<?> t = types[i].isPrimitive() ? boxed(types[i]) : types[i];
            if (args[i] != null && !t.isInstance(args[i])) {
                return false;
            }
        }
        return true;
    }

    private static Class<?> boxed(Class<?> primitive) {
        return Array.get(Array.newInstance(primitive, 1), 0).getClass();
    }

    /** The JVM's shutdown hooks (needs {@code --add-opens java.base/java.lang=ALL-UNNAMED}); empty if hidden. */
    @SuppressWarnings("unchecked")
    private static List<Thread> shutdownHooks() {
        try {
            Class<?> hooks = Class.forName("java.lang.ApplicationShutdownHooks");
            Field field = hooks.getDeclaredField("hooks");
            field.setAccessible(true);
            synchronized (hooks) {
                return new ArrayList<>(((IdentityHashMap<Thread, Thread>) field.get(null)).keySet());
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            System.out.println("HOOKS unreadable: " + e);
            return List.of();
        }
    }

    @SuppressWarnings("unchecked")
    private static void dumpHeap(String file) throws Exception {
        Files.deleteIfExists(Paths.get(file));
        Class<?> bean = Class.forName("com.sun.management.HotSpotDiagnosticMXBean");
        Object diagnostic = java.lang.management.ManagementFactory.getPlatformMXBean(
                (Class<? extends java.lang.management.PlatformManagedObject>) bean);
        bean.getMethod("dumpHeap", String.class, boolean.class).invoke(diagnostic, file, true);
    }
}

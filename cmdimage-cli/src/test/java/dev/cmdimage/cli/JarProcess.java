package dev.cmdimage.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The real {@code java -jar cmdimage-cli/target/cmdimage.jar}, started as a process, its stdout and stderr
 * collected as they come. For the *IT tests, which failsafe runs after {@code package}.
 */
final class JarProcess implements AutoCloseable {
    /** The shaded jar, relative to the module directory (where failsafe runs). */
    static final Path JAR = Path.of("target", "cmdimage.jar").toAbsolutePath();
    /** The repository root (holding examples/). */
    static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    private final Process process;
    private final StringBuffer out = new StringBuffer();
    private final StringBuffer err = new StringBuffer();
    private final Thread outReader;
    private final Thread errReader;

    private JarProcess(Process process) {
        this.process = process;
        this.outReader = pump(process.getInputStream(), out, "out");
        this.errReader = pump(process.getErrorStream(), err, "err");
    }

    /** Starts {@code java -jar cmdimage.jar args...} in {@code cwd} with extra environment entries. */
    static JarProcess start(Path cwd, Map<String, String> env, String stdin, String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new AssertionError(JAR + " is missing: run mvn package (failsafe runs the *IT tests after it)");
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-jar");
        command.add(JAR.toString());
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(cwd.toFile());
        pb.environment().putAll(env);
        try {
            Process p = pb.start();
            try (OutputStream in = p.getOutputStream()) {
                if (stdin != null) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            return new JarProcess(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs to its end (bounded) and returns it. */
    static JarProcess run(Path cwd, Map<String, String> env, String stdin, String... args) {
        JarProcess p = start(cwd, env, stdin, args);
        p.waitFor(Duration.ofMinutes(2));
        return p;
    }

    static JarProcess run(Path cwd, String... args) {
        return run(cwd, Map.of(), null, args);
    }

    /** Waits for the process to end, killing it (and failing) when it takes longer than {@code max}. */
    int waitFor(Duration max) {
        try {
            if (!process.waitFor(max.toMillis(), TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new AssertionError("cmdimage did not end within " + max + "\n" + this);
            }
            outReader.join(10_000);
            errReader.join(10_000);
            return process.exitValue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    int exit() {
        return process.exitValue();
    }

    String out() {
        return out.toString();
    }

    String err() {
        return err.toString();
    }

    long pid() {
        return process.pid();
    }

    /**
     * Sends SIGTERM (what {@code kill -TERM} sends), through the process handle: {@code Process.destroy()} would
     * also close our ends of its stdout and stderr, and lose what it prints while it stops.
     */
    void terminate() {
        process.toHandle().destroy();
    }

    /** Ids of live processes whose environment holds {@code marker} (descendants of a build inherit it). */
    static List<Long> processesWithMarker(String marker) {
        List<Long> found = new ArrayList<>();
        try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
            procs.filter(p -> p.getFileName().toString().matches("\\d+")).forEach(p -> {
                try {
                    String environ = new String(Files.readAllBytes(p.resolve("environ")), StandardCharsets.UTF_8);
                    String cmdline = new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
                    if ((environ.contains(marker) || cmdline.contains(marker))
                            && ProcessHandle.of(Long.parseLong(p.getFileName().toString())).isPresent()) {
                        found.add(Long.parseLong(p.getFileName().toString()));
                    }
                } catch (IOException | RuntimeException e) {
                    // gone, or not ours to read
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return found;
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }
    }

    @Override
    public String toString() {
        return "--- stdout\n" + out + "--- stderr\n" + err;
    }

    private static Thread pump(InputStream in, StringBuffer into, String name) {
        Thread t = new Thread(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                String line;
                while ((line = r.readLine()) != null) {
                    into.append(line).append('\n');
                }
            } catch (IOException e) {
                // the process ended
            }
        }, "jar-" + name);
        t.setDaemon(true);
        t.start();
        return t;
    }
}

package dev.cmdimage.core.process;

import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessSpec;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Runs a long shell command through {@link JdkProcessRunner} on a non-daemon thread, prints {@code RUNNING} once
 * the command has printed its first line, and waits to be killed (SIGTERM or SIGINT, like Ctrl-C). The tests then
 * check that the JVM's shutdown hook ended the command's processes.
 *
 * <p>Usage: {@code ShutdownHookMain <shell command> [nohook|report]} ({@code nohook} turns the runner's hook off, to
 * show what happens without it; {@code report} adds a shutdown hook of this program's own that waits for the run to
 * return, like an application waiting for its build's outcome, and prints
 * {@code RESULT termination=<termination> exit=<exit code>})
 */
public final class ShutdownHookMain {
    private ShutdownHookMain() {}

    public static void main(String[] args) throws Exception {
        ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", args[0]), Paths.get("."),
                Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(120), Duration.ofSeconds(1));
        String mode = args.length > 1 ? args[1] : "";
        Thread run = new Thread(() -> {
            try {
                JdkProcessRunner runner = JdkProcessRunner.builder()
                        .shutdownHook(!mode.equals("nohook"))
                        .build();
                ProcessResult result = runner.run(spec, (stream, line) -> {
                    System.out.println("RUNNING " + line);
                    System.out.flush();
                }, Cancellation.never());
                System.out.println("RESULT termination=" + result.termination() + " exit=" + result.exitCode());
                System.out.flush();
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "run");
        if (mode.equals("report")) {
            Thread await = new Thread(() -> {
                try {
                    run.join(TimeUnit.SECONDS.toMillis(15));
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }, "await-result");
            Runtime.getRuntime().addShutdownHook(await);
        }
        run.start();
        run.join();
    }
}

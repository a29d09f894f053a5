package dev.cmdimage.core.process;

import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessSpec;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a long shell command through {@link JdkProcessRunner} on a non-daemon thread, prints {@code RUNNING} once
 * the command has printed its first line, and waits to be killed (SIGTERM or SIGINT, like Ctrl-C). The tests then
 * check that the JVM's shutdown hook ended the command's processes.
 *
 * <p>Usage: {@code ShutdownHookMain <shell command> [nohook]} ({@code nohook} turns the runner's hook off, to show
 * what happens without it)
 */
public final class ShutdownHookMain {
    private ShutdownHookMain() {}

    public static void main(String[] args) throws Exception {
        ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", args[0]), Paths.get("."),
                Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(120), Duration.ofSeconds(1));
        Thread run = new Thread(() -> {
            try {
                JdkProcessRunner runner = JdkProcessRunner.builder()
                        .shutdownHook(!(args.length > 1 && args[1].equals("nohook")))
                        .build();
                runner.run(spec, (stream, line) -> {
                    System.out.println("RUNNING " + line);
                    System.out.flush();
                }, Cancellation.never());
            } catch (Exception e) {
                e.printStackTrace();
            }
        }, "run");
        run.start();
        run.join();
    }
}

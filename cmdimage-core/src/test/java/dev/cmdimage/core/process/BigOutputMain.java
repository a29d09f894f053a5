package dev.cmdimage.core.process;

import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessSpec;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Runs a shell command that prints a lot through {@link JdkProcessRunner} and prints what arrived, as
 * {@code RESULT exit=.. termination=.. lines=.. chars=.. longest=.. maxMemory=..}. Started in a JVM of its own
 * with a small heap (-Xmx64m) by the tests, to show that memory stays bounded whatever the command prints.
 *
 * <p>Usage: {@code BigOutputMain <shell command>}
 */
public final class BigOutputMain {
    private BigOutputMain() {}

    public static void main(String[] args) throws Exception {
        long[] stdout = new long[3]; // lines, chars, longest line
        long[] stderr = new long[1];
        ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", args[0]), Paths.get("."),
                Map.of("PATH", "/usr/bin:/bin"), Duration.ofSeconds(150), Duration.ofSeconds(2));
        long started = System.nanoTime();
        ProcessResult result = new JdkProcessRunner().run(spec, (stream, line) -> {
            if (stream == StdStream.STDOUT) {
                stdout[0]++;
                stdout[1] += line.length();
                stdout[2] = Math.max(stdout[2], line.length());
            } else {
                stderr[0]++;
            }
        }, Cancellation.never());
        long millis = (System.nanoTime() - started) / 1_000_000;
        System.out.println("RESULT exit=" + result.exitCode() + " termination=" + result.termination()
                + " lines=" + stdout[0] + " chars=" + stdout[1] + " longest=" + stdout[2] + " stderr=" + stderr[0]
                + " tail=" + result.outputTail().size() + " maxMemory=" + Runtime.getRuntime().maxMemory()
                + " millis=" + millis);
    }
}

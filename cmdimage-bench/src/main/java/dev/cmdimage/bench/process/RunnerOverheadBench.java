package dev.cmdimage.bench.process;

import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessSpec;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The process runner's own cost per command: {@code n} runs of {@code true} through {@link JdkProcessRunner}
 * (defaults) and {@code n} through a plain {@link ProcessBuilder} that does what a careful caller would do without
 * it (stdin from {@code /dev/null}, stdout and stderr read to their end, wait for the exit), alternating, after a
 * warm-up of {@code n / 4} of each. Prints the median and the 90th percentile of each and the difference of the
 * medians.
 *
 * <p>Run: {@code scripts/bench.sh runner}, or after {@code mvn -pl cmdimage-bench -am package -DskipTests}:
 * {@code java -cp cmdimage-bench/target/cmdimage-bench.jar dev.cmdimage.bench.process.RunnerOverheadBench [n]}
 * (default 200). Needs {@code /bin/true}; numbers depend on the machine and on what else runs on it.
 */
public final class RunnerOverheadBench {
    private static final File DEV_NULL = new File("/dev/null");
    private static final List<String> TRUE = List.of("/bin/true");

    private RunnerOverheadBench() {}

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 200;
        JdkProcessRunner runner = new JdkProcessRunner();
        ProcessSpec spec = new ProcessSpec(TRUE, Paths.get("."), Map.of("PATH", "/usr/bin:/bin"),
                Duration.ofSeconds(30), Duration.ofSeconds(5));
        for (int i = 0; i < n / 4; i++) {
            plain();
            runner(runner, spec);
        }
        long[] plain = new long[n];
        long[] viaRunner = new long[n];
        for (int i = 0; i < n; i++) {
            plain[i] = plain();
            viaRunner[i] = runner(runner, spec);
        }
        Arrays.sort(plain);
        Arrays.sort(viaRunner);
        System.out.println(runner);
        print("ProcessBuilder", plain);
        print("JdkProcessRunner", viaRunner);
        System.out.printf(Locale.ROOT, "runner overhead per command (difference of the medians, n=%d): %.2f ms%n",
                n, (viaRunner[n / 2] - plain[n / 2]) / 1e6);
    }

    private static long plain() throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        Process p = new ProcessBuilder(TRUE).redirectInput(ProcessBuilder.Redirect.from(DEV_NULL)).start();
        try (InputStream out = p.getInputStream(); InputStream err = p.getErrorStream()) {
            out.readAllBytes();
            err.readAllBytes();
        }
        if (p.waitFor() != 0) {
            throw new IllegalStateException("true failed");
        }
        return System.nanoTime() - t0;
    }

    private static long runner(JdkProcessRunner runner, ProcessSpec spec) throws IOException {
        long t0 = System.nanoTime();
        ProcessResult result = runner.run(spec, (stream, line) -> { }, Cancellation.never());
        if (result.exitCode() != 0) {
            throw new IllegalStateException("true failed: " + result);
        }
        return System.nanoTime() - t0;
    }

    private static void print(String what, long[] sorted) {
        System.out.printf(Locale.ROOT, "%-18s median %.2f ms, p90 %.2f ms%n", what, sorted[sorted.length / 2] / 1e6,
                sorted[sorted.length * 9 / 10] / 1e6);
    }
}

package dev.cmdimage.bench.cli;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The command line's start-up, side by side with the JVM's own: each run a fresh process started as the README
 * tells users, wall time from start to exit.
 *
 * <ul>
 *   <li>{@code java -version}: what any Java program pays before its first line;</li>
 *   <li>{@code validate examples/hello-oci/cmdimage.yaml} and {@code build examples/hello-oci/cmdimage.yaml
 *       --image-store oci:DIR} (a fresh temporary OCI layout each run, so every build runs the example's build
 *       script), each both through the launcher {@code bin/cmdimage} (which uses a class data sharing archive it
 *       records on its first run) and as {@code java -jar cmdimage-cli/target/cmdimage.jar}.</li>
 * </ul>
 * First the launcher's archives are removed and one {@code build} through the launcher records a new one: that run
 * is reported on its own (the archive's creation, paid once per java and jar). Then the five commands alternate,
 * after 2 warm-up runs of each (page cache, not the JIT: every run is a new JVM). No flags beyond what the README
 * shows. Ends with {@code RESULT cli_validate_jvm_ratio <median validate / median java -version>} and
 * {@code RESULT cli_build_jvm_ratio <median build / median java -version>}, through the launcher.
 *
 * <p>Run from the repository root after {@code mvn -pl cmdimage-bench,cmdimage-cli -am package -DskipTests}:
 * {@code java -cp cmdimage-bench/target/cmdimage-bench.jar dev.cmdimage.bench.cli.CliStartupBench [runs]}
 * (default 10). Uses the {@code java} of the JVM running it (for the launcher too, through {@code JAVA_HOME}).
 */
public final class CliStartupBench {
    private static final String JAR = "cmdimage-cli/target/cmdimage.jar";
    private static final String LAUNCHER = "bin/cmdimage";
    private static final String EXAMPLE = "examples/hello-oci/cmdimage.yaml";

    private CliStartupBench() {}

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        if (!Files.isRegularFile(Path.of(JAR)) || !Files.isRegularFile(Path.of(EXAMPLE))
                || !Files.isExecutable(Path.of(LAUNCHER))) {
            throw new IllegalStateException("run from the repository root after packaging cmdimage-cli (" + JAR
                    + ", " + LAUNCHER + ", " + EXAMPLE + ")");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Path work = Files.createTempDirectory("cmdimage-bench-cli");
        long[] jvm = new long[runs];
        long[] validate = new long[runs];
        long[] build = new long[runs];
        long[] jarValidate = new long[runs];
        long[] jarBuild = new long[runs];
        long recording;
        long archiveBytes;
        try {
            try (var old = Files.newDirectoryStream(Path.of(JAR).getParent(), "cmdimage-*.jsa")) {
                for (Path archive : old) {
                    Files.delete(archive);
                }
            }
            recording = time(List.of(LAUNCHER, "build", EXAMPLE, "--image-store", "oci:" + work.resolve("record")));
            archiveBytes = 0;
            try (var made = Files.newDirectoryStream(Path.of(JAR).getParent(), "cmdimage-*.jsa")) {
                for (Path archive : made) {
                    archiveBytes += Files.size(archive);
                }
            }
            if (archiveBytes == 0) {
                throw new IllegalStateException(LAUNCHER + " recorded no archive next to " + JAR);
            }
            for (int i = -2; i < runs; i++) {
                long j = time(List.of(java, "-version"));
                long v = time(List.of(LAUNCHER, "validate", EXAMPLE));
                long b = time(List.of(LAUNCHER, "build", EXAMPLE, "--image-store", "oci:" + work.resolve("l" + i)));
                long jv = time(List.of(java, "-jar", JAR, "validate", EXAMPLE));
                long jb = time(List.of(java, "-jar", JAR, "build", EXAMPLE, "--image-store",
                        "oci:" + work.resolve("j" + i)));
                if (i >= 0) {
                    jvm[i] = j;
                    validate[i] = v;
                    build[i] = b;
                    jarValidate[i] = jv;
                    jarBuild[i] = jb;
                }
            }
        } finally {
            deleteTree(work);
        }
        System.out.printf(Locale.ROOT, "%d runs of each after 2 warm-up runs, alternating; %s%n", runs, java);
        System.out.printf(Locale.ROOT, "the launcher's first run (build, recording its class data sharing archive of "
                + "%.1f MiB): %.1f ms, once per java and jar%n", archiveBytes / 1048576.0, recording / 1e6);
        System.out.printf(Locale.ROOT, "%-45s %10s %10s %10s%n", "fresh process", "median ms", "p90 ms", "min ms");
        row("java -version", jvm);
        row("bin/cmdimage validate", validate);
        row("bin/cmdimage build (OCI store)", build);
        row("java -jar cmdimage.jar validate", jarValidate);
        row("java -jar cmdimage.jar build (OCI store)", jarBuild);
        System.out.printf(Locale.ROOT, "java -jar / launcher: validate %.2fx, build %.2fx%n",
                (double) median(jarValidate) / median(validate), (double) median(jarBuild) / median(build));
        System.out.printf(Locale.ROOT, "RESULT cli_validate_jvm_ratio %.2f%n",
                (double) median(validate) / median(jvm));
        System.out.printf(Locale.ROOT, "RESULT cli_build_jvm_ratio %.2f%n", (double) median(build) / median(jvm));
    }

    private static long time(List<String> cmd) throws IOException, InterruptedException {
        long t0 = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(cmd).redirectErrorStream(true);
        builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
        Process p = builder.start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " did not finish within 5 minutes");
        }
        long nanos = System.nanoTime() - t0;
        if (p.exitValue() != 0) {
            throw new IllegalStateException(String.join(" ", cmd) + " failed (exit " + p.exitValue() + "):\n" + out);
        }
        return nanos;
    }

    private static long median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    private static void row(String name, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        System.out.printf(Locale.ROOT, "%-45s %10.1f %10.1f %10.1f%n", name, s[s.length / 2] / 1e6,
                s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)] / 1e6, s[0] / 1e6);
    }

    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths = new ArrayList<>();
        try (var walk = Files.walk(dir)) {
            walk.forEach(paths::add);
        }
        paths.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }
}

package dev.cmdimage.bench.codec;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.core.CmdImageCodec;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What an embedder pays for the first {@link CmdImageCodec} read in a fresh JVM: {@code runs} fresh
 * {@code java -cp CLASSPATH} processes (no flags, no archive of ours), each timing, inside the JVM, from just
 * before {@code CmdImageCodec.create().read(text, source)} of {@code examples/hello-oci/cmdimage.yaml} to just
 * after it (the file's text is read before the clock starts). The class path is cmdimage-core and its runtime
 * dependencies and this harness's own classes, nothing else: what an embedder's class path holds.
 *
 * <p>Run from the repository root ({@code scripts/bench.sh codec} builds the class path):
 * {@code java -cp cmdimage-bench/target/cmdimage-bench.jar dev.cmdimage.bench.codec.CodecFirstReadBench
 * CLASSPATH [runs]} (default 10). Ends with {@code RESULT codec_first_read_ms <median ms>}.
 */
public final class CodecFirstReadBench {
    private static final String EXAMPLE = "examples/hello-oci/cmdimage.yaml";

    private CodecFirstReadBench() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Path.of(args[1]));
            return;
        }
        if (args.length < 1) {
            throw new IllegalArgumentException("usage: CodecFirstReadBench CLASSPATH [runs]");
        }
        String classPath = args[0];
        int runs = args.length > 1 ? Integer.parseInt(args[1]) : 10;
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = List.of(java, "-cp", classPath, CodecFirstReadBench.class.getName(), "--child", EXAMPLE);
        Pattern result = Pattern.compile("FIRST_READ nanos=(\\d+) objects=(\\d+)");
        double[] ms = new double[runs];
        for (int i = -1; i < runs; i++) {
            String out = run(cmd);
            Matcher m = result.matcher(out);
            if (!m.find() || !m.group(2).equals("1")) {
                throw new IllegalStateException("the child printed no result (or not one object):\n" + out);
            }
            if (i >= 0) {
                ms[i] = Long.parseLong(m.group(1)) / 1e6;
            }
        }
        double[] sorted = ms.clone();
        Arrays.sort(sorted);
        System.out.printf(Locale.ROOT, "first CmdImageCodec.create().read(...) of %s in a fresh JVM, %d JVMs after"
                + " 1 warm-up: median %.1f ms, min %.1f ms, max %.1f ms%n", EXAMPLE, runs, sorted[runs / 2],
                sorted[0], sorted[runs - 1]);
        System.out.printf(Locale.ROOT, "RESULT codec_first_read_ms %.1f%n", sorted[runs / 2]);
    }

    /** In the fresh JVM: the first read, timed around the call. */
    private static void child(Path file) throws Exception {
        String text = Files.readString(file);
        long t0 = System.nanoTime();
        List<ApiObject> objects = CmdImageCodec.create().read(text, file.toString());
        long nanos = System.nanoTime() - t0;
        System.out.println("FIRST_READ nanos=" + nanos + " objects=" + objects.size());
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }
}

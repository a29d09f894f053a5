package dev.cmdimage.bench.oci;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pushes a single-layer image of random data (256 MiB by default) from an OCI image layout to a loopback registry,
 * with cmdimage's {@link RegistryHttpPusher} and, side by side in the same run, with
 * {@code skopeo copy --preserve-digests --dest-tls-verify=false oci:<dir>:<tag> docker://<registry>/<repo>:<tag>}:
 * what a user would otherwise run. Each push goes to a fresh repository, so every blob is uploaded. The layer is
 * labelled {@code tar+gzip} (its random bytes do not compress) so neither tool recompresses it and both must
 * store the very same manifest digest, which the table checks.
 *
 * <p>Measured per push: wall time (process start to exit) and peak resident memory. cmdimage runs in a forked JVM
 * ({@code -Xmx32m}, the bound: the upload streams in constant memory) that reports its own push time, peak RSS
 * ({@code VmHWM} of {@code /proc/self/status}) and, with {@code -Dbench.heap=true}, peak heap use; skopeo runs under
 * {@code /usr/bin/time -v} (maximum resident set size). The two tools alternate.
 *
 * <p>Run (the registry of {@code scripts/services.sh}, or any loopback registry):
 * <pre>
 * mvn -B -ntp -q -pl cmdimage-bench -am package -DskipTests
 * java -cp cmdimage-bench/target/cmdimage-bench.jar dev.cmdimage.bench.oci.PushBenchmark [registry] [MiB] [rounds]
 * </pre>
 * Defaults: {@code $CMDIMAGE_TEST_REGISTRY} or {@code 127.0.0.1:5000}, 256 MiB, 3 rounds. Ends with
 * {@code RESULT oci_push_wall_ratio <median wall cmdimage / median wall skopeo>} and
 * {@code RESULT oci_push_peak_rss_mib <the largest VmHWM of the pushing JVMs, MiB>}.
 */
public final class PushBenchmark {
    private static final String TAG = "bench";

    private PushBenchmark() {}

    public static void main(String[] args) throws Exception {
        if (args.length > 0 && args[0].equals("--child")) {
            child(Path.of(args[1]), ImageRef.parse(args[2]));
            return;
        }
        String env = System.getenv("CMDIMAGE_TEST_REGISTRY");
        String registry = args.length > 0 ? args[0] : env == null || env.isBlank() ? "127.0.0.1:5000" : env;
        int mib = args.length > 1 ? Integer.parseInt(args[1]) : 256;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;

        Path dir = Files.createTempDirectory("cmdimage-bench-oci");
        try {
            System.out.printf(Locale.ROOT, "registry: %s, one %d MiB layer, %d rounds; every push gets new random data"
                    + " and a new repository (nothing can be skipped or mounted)%n%n", registry, mib, rounds);
            System.out.printf(Locale.ROOT, "%-10s %5s %9s %9s %9s %13s %13s %s%n", "tool", "round", "wall s", "push s",
                    "MiB/s", "peak RSS MiB", "peak heap MiB", "digest ok");
            List<double[]> ours = new ArrayList<>();
            List<double[]> theirs = new ArrayList<>();
            long seed = System.nanoTime();
            for (int round = 1; round <= rounds; round++) {
                boolean oursFirst = round % 2 == 1;
                for (int k = 0; k < 2; k++) {
                    boolean cmdimage = (k == 0) == oursFirst;
                    Path layout = dir.resolve("layout-" + round + "-" + k);
                    String manifestDigest = writeLayout(layout, mib, seed++);
                    String repo = "bench/" + (cmdimage ? "cmdimage" : "skopeo") + "-"
                            + UUID.randomUUID().toString().substring(0, 8);
                    Result r = cmdimage ? runCmdimage(layout, registry + "/" + repo + ":" + TAG)
                            : runSkopeo(layout, registry + "/" + repo + ":" + TAG);
                    deleteTree(layout);
                    boolean ok = manifestDigest.equals(r.digest);
                    double seconds = r.pushSeconds > 0 ? r.pushSeconds : r.wallSeconds;
                    System.out.printf(Locale.ROOT, "%-10s %5d %9.2f %9s %9.1f %13.1f %13s %s%n",
                            cmdimage ? "cmdimage" : "skopeo", round, r.wallSeconds,
                            r.pushSeconds > 0 ? String.format(Locale.ROOT, "%.2f", r.pushSeconds) : "-",
                            mib / seconds, r.peakRssKiB / 1024.0, r.peakHeapBytes < 0 ? "-"
                                    : String.format(Locale.ROOT, "%.1f", r.peakHeapBytes / 1048576.0),
                            ok ? "yes" : "NO (" + r.digest + ")");
                    (cmdimage ? ours : theirs).add(new double[] {r.wallSeconds, r.peakRssKiB / 1024.0});
                }
            }
            System.out.println();
            summary("cmdimage", ours);
            summary("skopeo", theirs);
            System.out.printf(Locale.ROOT, "RESULT oci_push_wall_ratio %.2f%n", medianWall(ours) / medianWall(theirs));
            System.out.printf(Locale.ROOT, "RESULT oci_push_peak_rss_mib %.1f%n",
                    ours.stream().mapToDouble(r -> r[1]).max().orElse(0));
        } finally {
            deleteTree(dir);
        }
    }

    private static double medianWall(List<double[]> rows) {
        double[] walls = rows.stream().mapToDouble(r -> r[0]).sorted().toArray();
        return walls[walls.length / 2];
    }

    private static void summary(String tool, List<double[]> rows) {
        double[] walls = rows.stream().mapToDouble(r -> r[0]).sorted().toArray();
        double maxRss = rows.stream().mapToDouble(r -> r[1]).max().orElse(0);
        System.out.printf(Locale.ROOT, "%-10s median wall %.2f s, peak RSS (max over rounds) %.1f MiB%n", tool,
                walls[walls.length / 2], maxRss);
    }

    /** In the forked JVM: one push, then a line with the numbers. */
    private static void child(Path layout, ImageRef ref) throws Exception {
        long t0 = System.nanoTime();
        String digest = RegistryHttpPusher.builder(new OciLayoutStore(layout)).build()
                .push(ref, line -> {}, Cancellation.never());
        double seconds = (System.nanoTime() - t0) / 1e9;
        // the peak heap only when asked (-Dbench.heap=true): loading JMX adds ~25-30 ms to the child's wall time,
        // which is not what a user's push costs
        long heap = -1;
        if (Boolean.getBoolean("bench.heap")) {
            heap = 0;
            for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
                if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                    heap += pool.getPeakUsage().getUsed();
                }
            }
        }
        System.out.println("RESULT digest=" + digest + " pushSeconds=" + seconds + " vmhwmKiB=" + vmHwm()
                + " peakHeapBytes=" + heap);
    }

    private static long vmHwm() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", ""));
            }
        }
        return -1;
    }

    private static Result runCmdimage(Path layout, String ref) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        List<String> cmd = new ArrayList<>(List.of(java, "-Xmx32m"));
        if (Boolean.getBoolean("bench.heap")) {
            cmd.add("-Dbench.heap=true");
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), PushBenchmark.class.getName(), "--child",
                layout.toString(), ref));
        long t0 = System.nanoTime();
        String out = run(cmd);
        double wall = (System.nanoTime() - t0) / 1e9;
        Matcher m = Pattern.compile("RESULT digest=(\\S+) pushSeconds=(\\S+) vmhwmKiB=(\\d+) peakHeapBytes=(-?\\d+)")
                .matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("the cmdimage child printed no result:\n" + out);
        }
        return new Result(m.group(1), wall, Double.parseDouble(m.group(2)), Long.parseLong(m.group(3)),
                Long.parseLong(m.group(4)));
    }

    private static Result runSkopeo(Path layout, String ref) throws Exception {
        List<String> cmd = List.of("/usr/bin/time", "-v", "skopeo", "copy", "--quiet", "--preserve-digests",
                "--dest-tls-verify=false",
                "--digestfile", layout.resolveSibling("skopeo.digest").toString(),
                "oci:" + layout + ":" + TAG, "docker://" + ref);
        long t0 = System.nanoTime();
        String out = run(cmd);
        double wall = (System.nanoTime() - t0) / 1e9;
        Matcher m = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)").matcher(out);
        long rss = m.find() ? Long.parseLong(m.group(1)) : -1;
        String digest = Files.readString(layout.resolveSibling("skopeo.digest")).trim();
        return new Result(digest, wall, -1, rss, -1);
    }

    private static String run(List<String> cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (!p.waitFor(30, TimeUnit.MINUTES) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IllegalStateException(String.join(" ", cmd) + " failed:\n" + out);
        }
        return out;
    }

    /** Writes a layout with one image: a layer of random bytes, its config and manifest; returns the digest. */
    static String writeLayout(Path layout, int mib, long seed) throws Exception {
        Path blobs = layout.resolve("blobs/sha256");
        Files.createDirectories(blobs);
        Files.writeString(layout.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        Path tmp = layout.resolve("layer.tmp");
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        SplittableRandom random = new SplittableRandom(seed);
        byte[] buf = new byte[1 << 20];
        try (OutputStream out = Files.newOutputStream(tmp)) {
            for (int i = 0; i < mib; i++) {
                for (int j = 0; j < buf.length; j += 8) {
                    long v = random.nextLong();
                    for (int b = 0; b < 8; b++) {
                        buf[j + b] = (byte) (v >>> (8 * b));
                    }
                }
                md.update(buf);
                out.write(buf);
            }
        }
        String layerDigest = "sha256:" + HexFormat.of().formatHex(md.digest());
        long layerSize = (long) mib << 20;
        Files.move(tmp, blobs.resolve(layerDigest.substring(7)));
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\""
                + layerDigest + "\"]}}";
        String configDigest = store(blobs, config);
        String manifest = "{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\""
                + configDigest + "\",\"size\":" + config.getBytes(StandardCharsets.UTF_8).length + "},"
                + "\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\""
                + layerDigest + "\",\"size\":" + layerSize + "}]}";
        String manifestDigest = store(blobs, manifest);
        Files.writeString(layout.resolve("index.json"), "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":"
                + "\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"" + manifestDigest + "\",\"size\":"
                + manifest.getBytes(StandardCharsets.UTF_8).length
                + ",\"annotations\":{\"org.opencontainers.image.ref.name\":\"" + TAG + "\"}}]}");
        return manifestDigest;
    }

    private static String store(Path blobs, String content) throws Exception {
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        String digest = "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        Files.write(blobs.resolve(digest.substring(7)), bytes);
        return digest;
    }

    private static void deleteTree(Path dir) throws IOException {
        try (var paths = Files.walk(dir)) {
            paths.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // best effort
                }
            });
        }
    }

    private record Result(String digest, double wallSeconds, double pushSeconds, long peakRssKiB,
            long peakHeapBytes) {}
}

package dev.cmdimage.bench.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.docker.DockerEngine;
import dev.cmdimage.docker.DockerImageStore;
import dev.cmdimage.docker.DockerRegistryPusher;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * What cmdimage adds to a build beyond the user's command, against a real Docker engine and registry, side by
 * side with what a user would otherwise script: the same steps with the {@code docker} command line.
 *
 * <ul>
 *   <li><b>verify + retag</b>: {@link DockerImageStore#inspect} + {@link DockerImageStore#tag} (one JVM, one
 *       connection) versus {@code docker image inspect --format {{.Id}} REF} + {@code docker tag ID REF2}, and
 *       versus the floor: the same inspect + tag with docker-java directly (one client on the same engine, what
 *       the library itself uses underneath);</li>
 *   <li><b>push</b> of a fresh small image (FROM scratch, one ~50-byte layer):
 *       {@link DockerRegistryPusher#push} versus {@code docker push REF}.</li>
 * </ul>
 * Each iteration works on a freshly built image, so every push uploads a new layer. The first library call
 * (connection and API version negotiation) is reported separately.
 *
 * <p>Run against the test services ({@code source scripts/services.sh && services_start}):
 * <pre>
 * mvn -B -ntp -q -pl cmdimage-bench -am package -DskipTests
 * java -cp cmdimage-bench/target/cmdimage-bench.jar dev.cmdimage.bench.docker.DockerOverheadBench [iterations]
 * </pre>
 * Uses {@code CMDIMAGE_TEST_DOCKER_HOST} and {@code CMDIMAGE_TEST_REGISTRY} (defaults
 * {@code unix:///run/cmdimage-test/docker.sock}, {@code 127.0.0.1:5000}) and the {@code docker} CLI on the PATH.
 * Ends with {@code RESULT verify_retag_floor_ratio <median cmdimage / median docker-java>}.
 */
public final class DockerOverheadBench {
    private static final String HOST = env("CMDIMAGE_TEST_DOCKER_HOST", "unix:///run/cmdimage-test/docker.sock");
    private static final String REGISTRY = env("CMDIMAGE_TEST_REGISTRY", "127.0.0.1:5000");

    private DockerOverheadBench() {}

    public static void main(String[] args) throws Exception {
        int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warmup = Math.max(3, iterations / 5);
        Path work = Files.createTempDirectory("cmdimage-bench-docker");
        Path cliConfig = Files.createDirectories(work.resolve("docker-config"));
        Map<String, String> cliEnv = new HashMap<>();
        cliEnv.put("DOCKER_HOST", HOST);
        cliEnv.put("DOCKER_CONFIG", cliConfig.toString());
        cliEnv.put("DOCKER_BUILDKIT", "0");
        String repo = REGISTRY + "/cmdimage-bench/img-" + UUID.randomUUID().toString().substring(0, 8);
        List<String> made = new ArrayList<>();

        try (DockerEngine engine = DockerEngine.builder().host(HOST).environment(Map.of()).build();
                DockerClient direct = dockerJava(HOST)) {
            DockerImageStore store = new DockerImageStore(engine);
            DockerRegistryPusher pusher = new DockerRegistryPusher(engine, CredentialsProvider.ANONYMOUS);

            String first = build(cliEnv, work, repo + ":first", made);
            long t0 = System.nanoTime();
            String firstId = store.inspect(ImageRef.parse(first), null).orElseThrow();
            long firstCall = System.nanoTime() - t0;

            long[] libVerify = new long[iterations];
            long[] cliVerify = new long[iterations];
            long[] floorVerify = new long[iterations];
            long[] libPush = new long[iterations];
            long[] cliPush = new long[iterations];
            for (int i = -warmup; i < iterations; i++) {
                // verify + retag, library
                String a = build(cliEnv, work, repo + ":lib-" + (i + warmup), made);
                long s = System.nanoTime();
                String id = store.inspect(ImageRef.parse(a), null).orElseThrow();
                ImageRef content = ImageRef.parse(repo + ":tilt-" + id.substring(7, 23));
                store.tag(id, content);
                long libV = System.nanoTime() - s;
                made.add(content.toString());
                // push, library
                s = System.nanoTime();
                pusher.push(content, line -> {}, Cancellation.never());
                long libP = System.nanoTime() - s;

                // verify + retag, docker CLI
                String b = build(cliEnv, work, repo + ":cli-" + (i + warmup), made);
                s = System.nanoTime();
                String cliId = docker(cliEnv, work, "image", "inspect", "--format", "{{.Id}}", b).trim();
                String cliContent = repo + ":tilt-" + cliId.substring(7, 23);
                docker(cliEnv, work, "tag", cliId, cliContent);
                long cliV = System.nanoTime() - s;
                made.add(cliContent);
                // verify + retag, docker-java directly (the floor)
                String f = build(cliEnv, work, repo + ":floor-" + (i + warmup), made);
                s = System.nanoTime();
                String floorId = direct.inspectImageCmd(f).exec().getId();
                String floorContent = repo + ":tilt-" + floorId.substring(7, 23);
                direct.tagImageCmd(floorId, repo, "tilt-" + floorId.substring(7, 23)).withForce(true).exec();
                long floorV = System.nanoTime() - s;
                made.add(floorContent);
                // push, docker CLI
                s = System.nanoTime();
                docker(cliEnv, work, "push", "-q", cliContent);
                long cliP = System.nanoTime() - s;

                if (i >= 0) {
                    libVerify[i] = libV;
                    libPush[i] = libP;
                    cliVerify[i] = cliV;
                    floorVerify[i] = floorV;
                    cliPush[i] = cliP;
                }
            }
            System.out.printf(Locale.ROOT, "Docker engine %s (API %s), registry %s; %d iterations after %d warm-up%n",
                    HOST, engine.apiVersion(), REGISTRY, iterations, warmup);
            System.out.printf(Locale.ROOT, "first library call (connect + negotiate + inspect): %.1f ms (%s)%n",
                    firstCall / 1e6, firstId.substring(0, 19));
            System.out.printf(Locale.ROOT, "%-26s %10s %10s %10s %10s%n", "step", "median ms", "p90 ms", "min ms",
                    "mean ms");
            row("verify+retag  cmdimage", libVerify);
            row("verify+retag  docker CLI", cliVerify);
            row("verify+retag  docker-java", floorVerify);
            row("push          cmdimage", libPush);
            row("push          docker CLI", cliPush);
            System.out.printf(Locale.ROOT, "RESULT verify_retag_floor_ratio %.2f%n",
                    (double) median(libVerify) / median(floorVerify));
        } finally {
            for (int i = 0; i < made.size(); i += 50) {
                List<String> cmd = new ArrayList<>(List.of("image", "rm", "-f"));
                cmd.addAll(made.subList(i, Math.min(made.size(), i + 50)));
                try {
                    docker(cliEnv, work, cmd.toArray(String[]::new));
                } catch (IOException e) {
                    System.err.println("cleanup: " + e.getMessage());
                }
            }
            deleteTree(work);
        }
    }

    /** Removes the harness's own temporary directory (build contexts, the docker CLI's config). */
    private static void deleteTree(Path dir) throws IOException {
        List<Path> paths;
        try (var walk = Files.walk(dir)) {
            paths = new ArrayList<>(walk.toList());
        }
        paths.sort((a, b) -> b.getNameCount() - a.getNameCount());
        for (Path p : paths) {
            Files.deleteIfExists(p);
        }
    }

    private static long median(long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        return s[s.length / 2];
    }

    /** A docker-java client of the engine at {@code host}, built as docker-java's own documentation shows. */
    private static DockerClient dockerJava(String host) {
        DefaultDockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(host).withDockerTlsVerify(false).build();
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder().dockerHost(URI.create(host))
                .maxConnections(16).build();
        return DockerClientImpl.getInstance(config, http);
    }

    private static void row(String name, long[] nanos) {
        long[] s = nanos.clone();
        Arrays.sort(s);
        double mean = Arrays.stream(s).average().orElse(0);
        System.out.printf(Locale.ROOT, "%-26s %10.1f %10.1f %10.1f %10.1f%n", name, s[s.length / 2] / 1e6,
                s[(int) Math.min(s.length - 1, Math.ceil(s.length * 0.9) - 1)] / 1e6, s[0] / 1e6, mean / 1e6);
    }

    private static String build(Map<String, String> env, Path work, String tag, List<String> made) throws Exception {
        Path ctx = Files.createDirectories(work.resolve("ctx-" + UUID.randomUUID()));
        Files.writeString(ctx.resolve("content.txt"), "bench " + UUID.randomUUID() + "\n");
        Files.writeString(ctx.resolve("Dockerfile"), "FROM scratch\nCOPY content.txt /content.txt\n");
        docker(env, ctx, "build", "-q", "-t", tag, ".");
        made.add(tag);
        return tag;
    }

    private static String docker(Map<String, String> env, Path dir, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add("docker");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("docker " + String.join(" ", args) + " timed out");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String text = new String(out, StandardCharsets.UTF_8);
        if (p.exitValue() != 0) {
            throw new IOException("docker " + String.join(" ", args) + " failed: " + text);
        }
        return text;
    }

    private static String env(String key, String def) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? def : v;
    }
}

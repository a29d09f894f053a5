package dev.cmdimage.docker;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * The real test services started by {@code scripts/services.sh} ({@code source scripts/services.sh &&
 * services_start}): a Docker engine and two registries on loopback. When {@code CI=true} a test that cannot reach
 * them fails; elsewhere it is skipped with a message saying how to start them.
 */
final class TestServices {
    static final String DOCKER_HOST = env("CMDIMAGE_TEST_DOCKER_HOST", "unix:///run/cmdimage-test/docker.sock");
    static final String REGISTRY = env("CMDIMAGE_TEST_REGISTRY", "127.0.0.1:5000");
    static final String AUTH_REGISTRY = env("CMDIMAGE_TEST_AUTH_REGISTRY", "127.0.0.1:5001");
    static final String AUTH_USER = env("CMDIMAGE_TEST_AUTH_USER", "cmdimage");
    static final String AUTH_PASSWORD = env("CMDIMAGE_TEST_AUTH_PASSWORD", "cmdimage-test-password");

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String HOW = "start them with: source scripts/services.sh && services_start";

    private TestServices() {}

    private static String env(String key, String def) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? def : v;
    }

    /** Skips (or with CI=true fails) unless the engine answers /_ping. */
    static void requireEngine() {
        require(engineAnswers(), "the Docker engine at " + DOCKER_HOST + " does not answer");
    }

    /** Skips (or with CI=true fails) unless the registry answers /v2/. */
    static void requireRegistry(String hostPort) {
        require(registryStatus(hostPort) > 0, "the registry at " + hostPort + " does not answer");
    }

    private static void require(boolean ok, String what) {
        if (ok) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(what + " and CI=true, so this integration test fails instead of skipping; " + HOW);
        }
        assumeTrue(false, what + "; skipping. To run the integration tests, " + HOW);
    }

    static boolean engineAnswers() {
        if (!DOCKER_HOST.startsWith("unix://")) {
            return registryStatusUrl("http://" + DOCKER_HOST.replaceFirst("^tcp://", "") + "/_ping") == 200;
        }
        Path sock = Path.of(DOCKER_HOST.substring("unix://".length()));
        if (!Files.exists(sock)) {
            return false;
        }
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(sock));
            ch.write(ByteBuffer.wrap("GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII)));
            ByteBuffer buf = ByteBuffer.allocate(4096);
            ch.read(buf);
            return new String(buf.array(), 0, buf.position(), StandardCharsets.US_ASCII).startsWith("HTTP/1.");
        } catch (IOException e) {
            return false;
        }
    }

    static int registryStatus(String hostPort) {
        return registryStatusUrl("http://" + hostPort + "/v2/");
    }

    private static int registryStatusUrl(String url) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** An engine for the test services, reading nothing from the JVM's environment. */
    static DockerEngine engine() {
        return DockerEngine.builder().host(DOCKER_HOST).environment(Map.of()).home(Path.of("/nonexistent")).build();
    }

    /** A loopback port nothing listens on. */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** The result of a command: exit status and combined output. */
    record Run(int exit, String output) {}

    /** Runs a command with the given extra environment (on top of the JVM's PATH/HOME), bounded in time. */
    static Run run(Map<String, String> env, Path dir, String... command) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readAllBytes();
        }
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("command timed out: " + List.of(command));
        }
        return new Run(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /**
     * Writes a build context whose image is FROM scratch with unique content (so each call makes a new image).
     *
     * @return the context directory
     */
    static Path uniqueContext(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("content.txt"), "cmdimage test " + UUID.randomUUID() + "\n");
        Files.writeString(dir.resolve("Dockerfile"), "FROM scratch\nCOPY content.txt /content.txt\n");
        return dir;
    }

    /** Runs {@code docker build -t tag ctx} against the test engine and returns the image ID. */
    static String dockerBuild(Map<String, String> engineEnv, Path ctx, String tag) throws Exception {
        Map<String, String> env = new HashMap<>(engineEnv);
        env.put("DOCKER_BUILDKIT", "0");
        Run build = run(env, ctx, "docker", "build", "-q", "-t", tag, ".");
        if (build.exit() != 0) {
            fail("docker build failed: " + build.output());
        }
        Run id = run(env, ctx, "docker", "image", "inspect", "--format", "{{.Id}}", tag);
        return id.output().trim();
    }

    /** Removes images by ref from the test engine, ignoring failures. */
    static void dockerRmi(String... refs) {
        try {
            List<String> cmd = new ArrayList<>(List.of("docker", "image", "rm", "-f"));
            cmd.addAll(List.of(refs));
            run(Map.of("DOCKER_HOST", DOCKER_HOST), Path.of("."), cmd.toArray(String[]::new));
        } catch (Exception ignored) {
            // best effort cleanup
        }
    }

    /** GET or HEAD against the registry API, optionally with Basic auth. */
    static HttpResponse<String> registryGet(String hostPort, String path, String accept, boolean auth)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://" + hostPort + path))
                .timeout(Duration.ofSeconds(10));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (auth) {
            b.header("Authorization", "Basic " + Base64.getEncoder().encodeToString(
                    (AUTH_USER + ":" + AUTH_PASSWORD).getBytes(StandardCharsets.UTF_8)));
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The Accept header that asks for the manifest types the engine pushes. */
    static final String MANIFEST_TYPES = "application/vnd.docker.distribution.manifest.v2+json,"
            + "application/vnd.oci.image.manifest.v1+json,application/vnd.docker.distribution.manifest.list.v2+json,"
            + "application/vnd.oci.image.index.v1+json";
}

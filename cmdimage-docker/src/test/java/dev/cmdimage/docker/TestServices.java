package dev.cmdimage.docker;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
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
 * services_start}): a Docker engine and two registries on loopback, at the addresses the test kit's
 * {@link dev.cmdimage.testing.TestServices} reads. When {@code CI=true} a test that cannot reach them fails; elsewhere
 * it is skipped with a message saying how to start them (the kit's rule; {@code @RequiresDocker} and
 * {@code @RequiresRegistry} apply it to a whole test).
 */
final class TestServices {
    static final String DOCKER_HOST = dev.cmdimage.testing.TestServices.dockerHost();
    static final String REGISTRY = dev.cmdimage.testing.TestServices.registry();
    static final String AUTH_REGISTRY = dev.cmdimage.testing.TestServices.authRegistry();
    static final String AUTH_USER = dev.cmdimage.testing.TestServices.authUser();
    static final String AUTH_PASSWORD = dev.cmdimage.testing.TestServices.authPassword();

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServices() {}

    /** Skips (or with CI=true fails) unless the engine answers /_ping. */
    static void requireEngine() {
        dev.cmdimage.testing.TestServices.requireDocker();
    }

    /** Skips (or with CI=true fails) unless the registry answers /v2/. */
    static void requireRegistry(String hostPort) {
        dev.cmdimage.testing.TestServices.requireRegistry(hostPort);
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

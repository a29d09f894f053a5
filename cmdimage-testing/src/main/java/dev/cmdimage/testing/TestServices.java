package dev.cmdimage.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * The real services integration tests need, a Docker engine and registries, and the rule for a test whose service
 * does not answer: it is skipped, saying why and how to start the service; but when the environment variable
 * {@code CI} is {@code true} it fails, so that a CI run never passes by skipping. The conditions
 * {@link RequiresDocker} and {@link RequiresRegistry} apply the rule to a test class or method; the {@code require}
 * methods apply it inside a test (JUnit 5 needed for those two; the rest works without).
 *
 * <p>Addresses come from the environment, with the defaults of cmdimage's {@code scripts/services.sh}, which starts
 * all of them on loopback:
 * <ul>
 *   <li>{@code CMDIMAGE_TEST_DOCKER_HOST} [{@code unix:///run/cmdimage-test/docker.sock}] a Docker engine
 *       ({@code unix://} or {@code tcp://}); set it to {@code unix:///var/run/docker.sock} for the system's;</li>
 *   <li>{@code CMDIMAGE_TEST_REGISTRY} [{@code 127.0.0.1:5000}] a plain HTTP registry, anonymous;</li>
 *   <li>{@code CMDIMAGE_TEST_AUTH_REGISTRY} [{@code 127.0.0.1:5001}] a plain HTTP registry with Basic auth, user
 *       {@code CMDIMAGE_TEST_AUTH_USER} [{@code cmdimage}], password {@code CMDIMAGE_TEST_AUTH_PASSWORD}
 *       [{@code cmdimage-test-password}].</li>
 * </ul>
 * For a registry without Docker in the test's own JVM, use {@link TestRegistry} instead.
 */
public final class TestServices {
    /** How to start the services, as the skip and failure messages say it. */
    public static final String HOW_TO_START = "start them with `source scripts/services.sh && services_start` (in a"
            + " cmdimage checkout), or point CMDIMAGE_TEST_DOCKER_HOST / CMDIMAGE_TEST_REGISTRY /"
            + " CMDIMAGE_TEST_AUTH_REGISTRY at your own";
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(5);

    private TestServices() {}

    /** The Docker engine's address ({@code CMDIMAGE_TEST_DOCKER_HOST}). */
    public static String dockerHost() {
        return env("CMDIMAGE_TEST_DOCKER_HOST", "unix:///run/cmdimage-test/docker.sock");
    }

    /** The anonymous registry, {@code host:port} ({@code CMDIMAGE_TEST_REGISTRY}). */
    public static String registry() {
        return env("CMDIMAGE_TEST_REGISTRY", "127.0.0.1:5000");
    }

    /** The registry with Basic auth, {@code host:port} ({@code CMDIMAGE_TEST_AUTH_REGISTRY}). */
    public static String authRegistry() {
        return env("CMDIMAGE_TEST_AUTH_REGISTRY", "127.0.0.1:5001");
    }

    /** The user of {@link #authRegistry()} ({@code CMDIMAGE_TEST_AUTH_USER}). */
    public static String authUser() {
        return env("CMDIMAGE_TEST_AUTH_USER", "cmdimage");
    }

    /** The password of {@link #authRegistry()} ({@code CMDIMAGE_TEST_AUTH_PASSWORD}). */
    public static String authPassword() {
        return env("CMDIMAGE_TEST_AUTH_PASSWORD", "cmdimage-test-password");
    }

    /** Whether {@code CI} is {@code true}: then a missing service fails a test instead of skipping it. */
    public static boolean ci() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** Why the Docker engine cannot be used, or empty when it answers {@code /_ping} (within 5 seconds). */
    public static Optional<String> dockerProblem() {
        return dockerProblem(dockerHost());
    }

    /** Why the Docker engine at {@code host} ({@code unix://...} or {@code tcp://...}) cannot be used, or empty. */
    static Optional<String> dockerProblem(String host) {
        return dockerAnswers(host) ? Optional.empty()
                : Optional.of("the Docker engine at " + host + " does not answer");
    }

    /** Why the registry {@code hostPort} cannot be used, or empty when it answers {@code /v2/} (within 5 s). */
    public static Optional<String> registryProblem(String hostPort) {
        int status = httpStatus("http://" + hostPort + "/v2/");
        return status == 200 || status == 401 ? Optional.empty()
                : Optional.of("the registry at " + hostPort + " does not answer"
                        + (status > 0 ? " /v2/ with 200 or 401 (it said " + status + ")" : ""));
    }

    /** Skips the running test, or fails it when {@code CI=true}, unless the Docker engine answers. */
    public static void requireDocker() {
        dockerProblem().ifPresent(TestServices::unavailable);
    }

    /** Skips the running test, or fails it when {@code CI=true}, unless the registry {@code hostPort} answers. */
    public static void requireRegistry(String hostPort) {
        registryProblem(hostPort).ifPresent(TestServices::unavailable);
    }

    /**
     * Ends the running test because {@code what} is missing: an {@link org.opentest4j.AssertionFailedError} when
     * {@code CI=true}, else an {@link org.opentest4j.TestAbortedException} (JUnit reports it skipped). Both say how
     * to start the services.
     */
    public static void unavailable(String what) {
        throw ServiceRule.skipOrFail(what);
    }

    /**
     * The same rule for anything else a test needs (a tool on the PATH, a second JDK): ends the running test
     * because {@code what} is missing, skipped, or failed when {@code CI=true}; {@code how} says how to get it, e.g.
     * {@code install it with: apt-get install skopeo}.
     */
    public static void unavailable(String what, String how) {
        throw ServiceRule.skipOrFail(what, how, ci());
    }

    private static boolean dockerAnswers(String host) {
        if (host.startsWith("tcp://") || host.startsWith("http://")) {
            return httpStatus("http://" + host.replaceFirst("^(tcp|http)://", "") + "/_ping") == 200;
        }
        if (!host.startsWith("unix://")) {
            return false;
        }
        Path socket = Path.of(host.substring("unix://".length()));
        return Files.exists(socket) && status(UnixDomainSocketAddress.of(socket), "/_ping") == 200;
    }

    private static int httpStatus(String url) {
        URI uri = URI.create(url);
        if (uri.getHost() == null) {
            return -1;
        }
        InetSocketAddress address = new InetSocketAddress(uri.getHost(), uri.getPort() < 0 ? 80 : uri.getPort());
        return address.isUnresolved() ? -1 : status(address, uri.getRawPath());
    }

    /**
     * The status of {@code GET path} over HTTP/1.0, or -1 when there is no answer within the probe timeout. A plain
     * socket, so that probing leaves no thread behind (an HttpClient keeps one until it is collected).
     */
    private static int status(SocketAddress address, String path) {
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        try (SocketChannel ch = SocketChannel.open(address instanceof UnixDomainSocketAddress
                ? StandardProtocolFamily.UNIX : StandardProtocolFamily.INET);
                Selector selector = Selector.open()) {
            ch.configureBlocking(false);
            boolean connected = ch.connect(address);
            ByteBuffer request = ByteBuffer.wrap(("GET " + path + " HTTP/1.0\r\nHost: localhost\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            ByteBuffer answer = ByteBuffer.allocate(64);
            SelectionKey key = ch.register(selector, connected ? SelectionKey.OP_WRITE : SelectionKey.OP_CONNECT);
            while (answer.position() < 12) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return -1;
                }
                selector.select(left);
                if (key.isConnectable() && ch.finishConnect()) {
                    key.interestOps(SelectionKey.OP_WRITE);
                } else if (key.isWritable()) {
                    ch.write(request);
                    if (!request.hasRemaining()) {
                        key.interestOps(SelectionKey.OP_READ);
                    }
                } else if (key.isReadable() && ch.read(answer) < 0) {
                    break;
                }
                selector.selectedKeys().clear();
            }
            String line = new String(answer.array(), 0, answer.position(), StandardCharsets.US_ASCII);
            return line.matches("HTTP/1\\.[01] \\d{3}(?s).*") ? Integer.parseInt(line.substring(9, 12)) : -1;
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private static String env(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}

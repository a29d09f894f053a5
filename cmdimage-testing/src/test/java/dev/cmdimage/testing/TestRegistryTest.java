package dev.cmdimage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real pushes, by cmdimage's own registry pusher, to the in-process registry. */
class TestRegistryTest {
    @TempDir
    Path dir;
    TestRegistry registry;

    @AfterEach
    void close() {
        if (registry != null) {
            registry.close();
        }
    }

    /** Writes an image named {@code <host>/team/app:v1} into a layout and pushes it; returns the digest. */
    private String push(CredentialsProvider credentials) throws Exception {
        OciLayoutStore store = new OciLayoutStore(dir.resolve("layout"), "amd64");
        ImageRef ref = ImageRef.parse(registry.host() + "/team/app:v1");
        OciTestImages.write(store.directory(), ref.familiarString(), "hello");
        RegistryHttpPusher pusher = RegistryHttpPusher.builder(store).credentials(credentials)
                .plainHttpHosts(Set.of(registry.host())).retries(3, Duration.ofMillis(10)).build();
        return pusher.push(ref, line -> { }, Cancellation.never());
    }

    @Test
    void holdsWhatWasPushed() throws Exception {
        registry = new TestRegistry().start();

        String digest = push(CredentialsProvider.ANONYMOUS);

        TestRegistry.Manifest manifest = registry.manifest("team/app", "v1").orElseThrow();
        assertThat(manifest.digest()).isEqualTo(digest);
        assertThat(manifest.mediaType()).isEqualTo(OciTestImages.MANIFEST_TYPE);
        assertThat(manifest.json()).contains("\"layers\"");
        assertThat(registry.manifest("team/app", digest)).contains(manifest);
        assertThat(registry.tags("team/app")).containsExactly("v1");
        assertThat(registry.tags("other")).isEmpty();
        String layer = manifest.json().replaceAll(".*\"layers\":\\[\\{[^}]*\"digest\":\"(sha256:[0-9a-f]+)\".*",
                "$1");
        assertThat(registry.blob(layer)).isPresent();
    }

    @Test
    void answersManifestsAndTagsOverHttp() throws Exception {
        registry = new TestRegistry().start();
        String digest = push(CredentialsProvider.ANONYMOUS);
        HttpClient http = HttpClient.newHttpClient();

        HttpResponse<String> manifest = http.send(HttpRequest.newBuilder(
                URI.create("http://" + registry.host() + "/v2/team/app/manifests/v1")).build(),
                HttpResponse.BodyHandlers.ofString());
        HttpResponse<String> tags = http.send(HttpRequest.newBuilder(
                URI.create("http://" + registry.host() + "/v2/team/app/tags/list")).build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(manifest.headers().firstValue("Content-Type")).contains(OciTestImages.MANIFEST_TYPE);
        assertThat(tags.body()).isEqualTo("{\"name\":\"team/app\",\"tags\":[\"v1\"]}");
    }

    @Test
    void chunkedUploadsWithPatchAreJoined() throws Exception {
        registry = new TestRegistry().start();
        HttpClient http = HttpClient.newHttpClient();
        String base = "http://" + registry.host();
        HttpResponse<Void> started = http.send(HttpRequest.newBuilder(URI.create(base + "/v2/r/blobs/uploads/"))
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding());
        String location = started.headers().firstValue("Location").orElseThrow();

        http.send(HttpRequest.newBuilder(URI.create(base + location)).method("PATCH",
                HttpRequest.BodyPublishers.ofString("hello ")).build(), HttpResponse.BodyHandlers.discarding());
        String digest = OciTestImages.sha256("hello world".getBytes());
        HttpResponse<Void> done = http.send(HttpRequest.newBuilder(URI.create(base + location + "?digest=" + digest))
                .PUT(HttpRequest.BodyPublishers.ofString("world")).build(), HttpResponse.BodyHandlers.discarding());

        assertThat(started.statusCode()).isEqualTo(202);
        assertThat(done.statusCode()).isEqualTo(201);
        assertThat(registry.blob(digest)).hasValueSatisfying(b -> assertThat(new String(b)).isEqualTo("hello world"));
    }

    @Test
    void basicAuthLetsOnlyTheRightUserPush() throws Exception {
        registry = new TestRegistry().basicAuth("alice", "s3cret").start();

        assertThatThrownBy(() -> push(CredentialsProvider.ANONYMOUS)).isInstanceOf(PushException.class)
                .hasMessageContaining("401");
        FakeCredentialsProvider credentials = new FakeCredentialsProvider().basic(registry.host(), "alice", "s3cret");
        push(credentials);

        assertThat(registry.tags("team/app")).containsExactly("v1");
        assertThat(credentials.lookups()).contains(registry.host());
        assertThat(credentials.toString()).doesNotContain("s3cret");
    }

    @Test
    void bearerAuthHandsOutTokensForBasicCredentials() throws Exception {
        registry = new TestRegistry().bearerAuth("alice", "s3cret").start();

        push(new FakeCredentialsProvider().basic(registry.host(), "alice", "s3cret"));

        assertThat(registry.tags("team/app")).containsExactly("v1");
        assertThat(registry.requests()).anyMatch(r -> r.startsWith("GET /token"));
    }

    @Test
    void anInjectedServerErrorIsRetriedByThePusher() throws Exception {
        registry = new TestRegistry().start().failNext("PUT", "/manifests/", 503);

        push(CredentialsProvider.ANONYMOUS);

        assertThat(registry.requests().stream().filter(r -> r.equals("PUT /v2/team/app/manifests/v1"))).hasSize(2);
        assertThat(registry.tags("team/app")).containsExactly("v1");
    }

    @Test
    void anInjectedServerErrorReachesTheClient() throws Exception {
        registry = new TestRegistry().start().failNext("GET", "/v2/", 500);

        HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + registry.host() + "/v2/")).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(answer.statusCode()).isEqualTo(500);
        assertThat(answer.body()).contains("TEST_FAULT");
    }

    @Test
    void aDroppedConnectionClosesWithoutAnAnswer() throws Exception {
        registry = new TestRegistry().start().dropNext("GET", "/v2/");
        String[] hostPort = registry.host().split(":");

        try (java.net.Socket socket = new java.net.Socket(hostPort[0], Integer.parseInt(hostPort[1]))) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /v2/ HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
            assertThat(socket.getInputStream().read()).isEqualTo(-1);
        }
        // the fault is used up: the next request is answered
        HttpResponse<Void> next = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + registry.host() + "/v2/")).build(), HttpResponse.BodyHandlers.discarding());
        assertThat(next.statusCode()).isEqualTo(200);
    }

    @Test
    void slowBodiesAreReadAtTheGivenRate() throws Exception {
        registry = new TestRegistry().start().readBodiesAt(2000);
        long start = System.nanoTime();

        HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://" + registry.host()
                + "/v2/r/blobs/uploads/")).POST(HttpRequest.BodyPublishers.ofByteArray(new byte[2000])).build(),
                HttpResponse.BodyHandlers.discarding());

        // 2000 bytes at 2000 bytes per second: not before about a second (a lower bound, never flaky)
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
    }

    @Test
    void closeEndsItsThreadsAndFreesThePort() throws Exception {
        registry = new TestRegistry().start();
        String host = registry.host();
        push(CredentialsProvider.ANONYMOUS);

        registry.close();

        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.isAlive()
                && t.getName().startsWith("test-registry-"));
        assertThatThrownBy(() -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://" + host + "/v2/")).timeout(Duration.ofSeconds(5)).build(),
                HttpResponse.BodyHandlers.discarding())).isInstanceOf(java.io.IOException.class);
    }
}

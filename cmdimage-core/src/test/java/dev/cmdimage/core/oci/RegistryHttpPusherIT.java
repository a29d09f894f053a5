package dev.cmdimage.core.oci;

import static dev.cmdimage.core.oci.TestLayout.OCI_INDEX;
import static dev.cmdimage.core.oci.TestLayout.withPlatform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
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
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Pushes to the real registries of scripts/services.sh and reads back what they stored. */
class RegistryHttpPusherIT {
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path dir;

    TestLayout layout;
    OciLayoutStore store;
    final List<String> progress = new ArrayList<>();

    @BeforeEach
    void setUp() {
        layout = new TestLayout(dir.resolve("layout"));
        store = new OciLayoutStore(layout.root, "amd64");
    }

    static String uniqueRepo() {
        return "cmdimage-it/" + UUID.randomUUID().toString().substring(0, 8);
    }

    static CredentialsProvider creds(String password) {
        return host -> Optional.of(RegistryCredentials.basic(TestRegistries.USER, password));
    }

    RegistryHttpPusher.Builder pusher() {
        return RegistryHttpPusher.builder(store).retries(3, Duration.ofMillis(100));
    }

    static HttpResponse<byte[]> get(String url, String accept, String authorization) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
        if (accept != null) {
            b.header("Accept", accept);
        }
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** Reads tags, manifest and every blob back over HTTP and compares digests with the layout's. */
    static void assertStored(String registry, String repo, String tag, TestLayout.Image image, String basicAuth)
            throws Exception {
        String base = "http://" + registry + "/v2/" + repo;
        JsonNode tags = TestLayout.JSON.readTree(get(base + "/tags/list", null, basicAuth).body());
        assertThat(tags.path("tags").toString()).contains("\"" + tag + "\"");
        HttpResponse<byte[]> manifest = get(base + "/manifests/" + tag, TestLayout.OCI_MANIFEST + ", "
                + OCI_INDEX, basicAuth);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(TestLayout.sha256(manifest.body())).isEqualTo(image.digest());
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(image.digest());
        for (String blob : List.of(image.configDigest(), image.layerDigest())) {
            HttpResponse<byte[]> b = get(base + "/blobs/" + blob, null, basicAuth);
            assertThat(b.statusCode()).isEqualTo(200);
            assertThat(TestLayout.sha256(b.body())).isEqualTo(blob);
        }
    }

    @Test
    void pushedImageReadsBackWithIdenticalDigests() throws Exception {
        TestRegistries.require(TestRegistries.PLAIN);
        TestLayout.Image image = layout.image("amd64");
        String repo = uniqueRepo();
        ImageRef ref = ImageRef.parse(TestRegistries.PLAIN + "/" + repo + ":v1");
        layout.entry(image.descriptor(), ref.familiarString());

        String digest = pusher().build().push(ref, progress::add, Cancellation.never());

        assertThat(digest).isEqualTo(image.digest());
        assertStored(TestRegistries.PLAIN, repo, "v1", image, null);
    }

    @Test
    void theSameImagePushedTwiceUploadsNoBlobTheSecondTime() throws Exception {
        TestRegistries.require(TestRegistries.PLAIN);
        try (TcpProxy proxy = new TcpProxy(TestRegistries.PLAIN)) {
            TestLayout.Image image = layout.image("amd64");
            ImageRef ref = ImageRef.parse(proxy.domain() + "/" + uniqueRepo() + ":v1");
            layout.entry(image.descriptor(), ref.familiarString());
            RegistryHttpPusher p = pusher().build();

            p.push(ref, progress::add, Cancellation.never());
            int uploadsFirst = proxy.count("POST /v2/");
            int blobPutsFirst = proxy.count("PUT /v2/") - proxy.count("PUT /v2/" + ref.path() + "/manifests/");
            String second = p.push(ref, progress::add, Cancellation.never());

            assertThat(uploadsFirst).isEqualTo(2);
            assertThat(blobPutsFirst).isEqualTo(2);
            assertThat(proxy.count("POST /v2/")).isEqualTo(uploadsFirst);
            assertThat(proxy.count("HEAD /v2/")).isEqualTo(4);
            assertThat(second).isEqualTo(image.digest());
        }
    }

    @Test
    void aRegistryThatGoesAwayMidPushFailsClearly() throws Exception {
        TestRegistries.require(TestRegistries.PLAIN);
        try (TcpProxy proxy = new TcpProxy(TestRegistries.PLAIN)) {
            Path big = dir.resolve("big");
            TestLayout.Image image = layout.image("amd64");
            // a layer of 8 MiB so the registry dies while its bytes flow
            byte[] data = layout.randomBytes(8 * 1024 * 1024);
            ObjectNode layer = layout.blob(TestLayout.OCI_LAYER, data);
            ObjectNode manifest = image.manifest().deepCopy();
            manifest.putArray("layers").add(layer);
            ObjectNode desc = layout.blob(TestLayout.OCI_MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8));
            ImageRef ref = ImageRef.parse(proxy.domain() + "/" + uniqueRepo() + ":v1");
            layout.entry(desc, ref.familiarString());
            proxy.dieAfterBytes = 2 * 1024 * 1024;

            assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                    .isInstanceOf(PushException.class)
                    .hasMessageStartingWith("cannot push " + ref + " to " + proxy.domain() + ": ")
                    .hasMessageContaining("3 attempts")
                    .hasMessageMatching(".*(cannot connect to the registry|the connection to the registry at .* broke).*");
            assertThat(proxy.dead()).isTrue();
            assertThat(big).doesNotExist();
        }
    }

    @Test
    void anImageIndexReadsBackAsTheSameIndex() throws Exception {
        TestRegistries.require(TestRegistries.PLAIN);
        TestLayout.Image amd = layout.image("amd64");
        TestLayout.Image arm = layout.image("arm64");
        ObjectNode idx = layout.index(OCI_INDEX, withPlatform(amd.descriptor(), "linux", "amd64"),
                withPlatform(arm.descriptor(), "linux", "arm64"));
        String repo = uniqueRepo();
        ImageRef ref = ImageRef.parse(TestRegistries.PLAIN + "/" + repo + ":multi");
        layout.entry(idx, ref.familiarString());

        String digest = pusher().build().push(ref, progress::add, Cancellation.never());

        assertThat(digest).isEqualTo(idx.get("digest").asText());
        HttpResponse<byte[]> back = get("http://" + TestRegistries.PLAIN + "/v2/" + repo + "/manifests/multi",
                OCI_INDEX, null);
        assertThat(TestLayout.sha256(back.body())).isEqualTo(digest);
        assertThat(back.headers().firstValue("Content-Type")).contains(OCI_INDEX);
        assertThat(get("http://" + TestRegistries.PLAIN + "/v2/" + repo + "/manifests/" + arm.digest(),
                TestLayout.OCI_MANIFEST, null).statusCode()).isEqualTo(200);
    }

    @Test
    void authRegistryWithRightWrongAndNoCredentials() throws Exception {
        TestRegistries.require(TestRegistries.AUTH);
        TestLayout.Image image = layout.image("amd64");
        String repo = uniqueRepo();
        ImageRef ref = ImageRef.parse(TestRegistries.AUTH + "/" + repo + ":v1");
        layout.entry(image.descriptor(), ref.familiarString());

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("the registry requires authentication (HTTP 401 on GET /v2/) and no credentials"
                        + " were found for " + TestRegistries.AUTH);
        assertThatThrownBy(() -> pusher().credentials(creds("not-" + TestRegistries.PASSWORD)).build()
                .push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("the registry rejected the credentials of user " + TestRegistries.USER
                        + " (HTTP 401 on GET /v2/)")
                .hasMessageNotContaining(TestRegistries.PASSWORD);

        String digest = pusher().credentials(creds(TestRegistries.PASSWORD)).build()
                .push(ref, progress::add, Cancellation.never());

        assertThat(digest).isEqualTo(image.digest());
        String basic = "Basic " + Base64.getEncoder().encodeToString((TestRegistries.USER + ":"
                + TestRegistries.PASSWORD).getBytes(StandardCharsets.UTF_8));
        assertStored(TestRegistries.AUTH, repo, "v1", image, basic);
    }

    @Test
    void skopeoReadsBackTheImageTheExampleBuiltWithTheSameManifestDigest() throws Exception {
        TestRegistries.require(TestRegistries.PLAIN);
        org.junit.jupiter.api.Assumptions.assumeTrue(HelloOciExampleTest.onPath("skopeo"), "skopeo is not installed");
        OciLayoutStore exampleStore = new OciLayoutStore(dir.resolve("example"), "amd64");
        Path layoutDir = Path.of(exampleStore.commandEnvironment().get("EXPECTED_OCI_LAYOUT"));
        String repo = uniqueRepo();
        ImageRef expected = ImageRef.parse(TestRegistries.PLAIN + "/" + repo + ":tilt-build-1");
        HelloOciExampleTest.run(layoutDir, expected.familiarString(), Map.of("EXPECTED_ARCH", "amd64"));
        String id = exampleStore.inspect(expected, "amd64").orElseThrow();
        ImageRef content = expected.withTag("tilt-" + id.substring(7, 23));
        exampleStore.tag(id, content);

        String digest = RegistryHttpPusher.builder(exampleStore).build()
                .push(content, progress::add, Cancellation.never());

        JsonNode inspected = TestLayout.JSON.readTree(HelloOciExampleTest.exec("skopeo", "inspect",
                "--tls-verify=false", "docker://" + content.familiarString()));
        assertThat(inspected.path("Digest").asText()).isEqualTo(digest);
        JsonNode local = TestLayout.JSON.readTree(HelloOciExampleTest.exec("skopeo", "inspect",
                "oci:" + layoutDir + ":" + content.familiarString()));
        assertThat(local.path("Digest").asText()).isEqualTo(digest);
        String raw = HelloOciExampleTest.exec("skopeo", "inspect", "--raw", "--tls-verify=false",
                "docker://" + content.familiarString());
        assertThat(TestLayout.sha256(raw.getBytes(StandardCharsets.UTF_8))).isEqualTo(digest);
        assertThat(Files.exists(layoutDir.resolve("index.json"))).isTrue();
    }
}

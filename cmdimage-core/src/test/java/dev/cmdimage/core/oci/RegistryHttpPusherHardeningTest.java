package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pusher against hostile or broken registries: leaked secrets, foreign token services, silence, redirects. */
class RegistryHttpPusherHardeningTest {
    @TempDir
    Path dir;

    FakeRegistry registry;
    TestLayout layout;
    OciLayoutStore store;
    TestLayout.Image image;
    ImageRef ref;
    final List<String> progress = Collections.synchronizedList(new ArrayList<>());

    @BeforeEach
    void setUp() throws Exception {
        registry = new FakeRegistry();
        layout = new TestLayout(dir.resolve("layout"));
        store = new OciLayoutStore(layout.root, "amd64");
        image = layout.image("amd64");
        ref = ImageRef.parse(registry.domain() + "/team/app:v1");
        layout.entry(image.descriptor(), ref.familiarString());
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    RegistryHttpPusher.Builder pusher() {
        return RegistryHttpPusher.builder(store).retries(3, Duration.ofMillis(10))
                .credentials(host -> Optional.of(RegistryCredentials.basic(FakeRegistry.USER, FakeRegistry.PASSWORD)));
    }

    static String basicBase64() {
        return Base64.getEncoder().encodeToString((FakeRegistry.USER + ":" + FakeRegistry.PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void anErrorBodyEchoingTheBasicAuthorizationShowsNoCredential() {
        registry.auth = FakeRegistry.Auth.BASIC;
        registry.failNext(r -> r.startsWith("PUT /v2/team/app/manifests/"), 400, "MANIFEST_INVALID",
                "bad request with Authorization: " + FakeRegistry.ECHO_AUTHORIZATION + " (password "
                        + FakeRegistry.PASSWORD + ")");

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("unexpected HTTP 400 on PUT /v2/team/app/manifests/v1: registry says"
                        + " \"MANIFEST_INVALID: bad request with Authorization: Basic <redacted> (password"
                        + " <redacted>)\"")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(FakeRegistry.PASSWORD)
                        .doesNotContain(basicBase64()))
                .hasMessageNotContaining(FakeRegistry.PASSWORD)
                .hasMessageNotContaining(basicBase64());
        assertThat(String.join("\n", progress)).doesNotContain(FakeRegistry.PASSWORD).doesNotContain(basicBase64());
    }

    @Test
    void anErrorBodyEchoingTheBearerTokenShowsNoToken() {
        registry.auth = FakeRegistry.Auth.BEARER;
        registry.failNext(r -> r.startsWith("POST "), 400, "BLOB_UPLOAD_INVALID",
                "rejected " + FakeRegistry.ECHO_AUTHORIZATION);

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("registry says \"BLOB_UPLOAD_INVALID: rejected Bearer <redacted>\"")
                .satisfies(e -> assertThat(e.toString()).doesNotContain(FakeRegistry.TOKEN));
        // the echo really carried the token: the registry got it
        assertThat(registry.authorizations).contains("Bearer " + FakeRegistry.TOKEN);
    }

    @Test
    void credentialsAreNotSentToATokenServiceOnAnotherHost() {
        registry.auth = FakeRegistry.Auth.BEARER;
        // the registry is 127.0.0.1:<port>; the same server named "localhost" is another host
        String port = registry.domain().substring(registry.domain().lastIndexOf(':') + 1);
        registry.tokenRealmOverride = "http://localhost:" + port + "/token";

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessage("cannot push " + ref + " to " + registry.domain() + ": the registry sends its token"
                        + " requests to localhost:" + port + ", which is neither the registry's host 127.0.0.1 nor in"
                        + " its domain; the credentials for " + registry.domain() + " are not sent there");
        assertThat(registry.tokenRequests).isEmpty();
    }

    @Test
    void aTokenServiceOnTheRegistrysHostButAnotherPortGetsTheCredentials() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        try (FakeRegistry tokenService = new FakeRegistry()) {
            registry.tokenRealmOverride = "http://" + tokenService.domain() + "/token";

            pusher().build().push(ref, progress::add, Cancellation.never());

            assertThat(tokenService.tokenRequests).singleElement().asString().endsWith("auth=basic");
            assertThat(registry.tokenRequests).isEmpty();
            assertThat(registry.manifests).containsKey("team/app:v1");
        }
    }

    @Test
    void aChallengeAskingForMoreThanThePushNeedsIsNotFollowed() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        registry.challengeScopeOverride = "repository:team/app:pull,push repository:other/app:pull,push"
                + " registry:catalog:* repository:team/app:*";

        pusher().build().push(ref, progress::add, Cancellation.never());

        assertThat(registry.tokenRequests).isNotEmpty().allSatisfy(q -> assertThat(q)
                .contains("scope=repository%3Ateam%2Fapp%3Apull%2Cpush")
                .doesNotContain("other").doesNotContain("catalog").doesNotContain("%2A").doesNotContain("*"));
        assertThat(registry.manifests).containsKey("team/app:v1");
    }

    @Test
    void aRegistryThatAcceptsConnectionsButNeverAnswersIsNamedWithItsSchemeAndAddress() throws Exception {
        // the kernel accepts connections into the backlog; nothing ever reads or answers them
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            String domain = "127.0.0.1:" + silent.getLocalPort();
            ImageRef silentRef = ImageRef.parse(domain + "/team/app:v1");
            layout.entry(image.descriptor(), silentRef.familiarString());

            assertThatThrownBy(() -> pusher().requestTimeout(Duration.ofSeconds(1)).build()
                    .push(silentRef, progress::add, Cancellation.never()))
                    .isInstanceOf(PushException.class)
                    .hasMessage("cannot push " + silentRef + " to " + domain + ": the registry " + domain
                            + " did not answer over http within 1s (GET /v2/)");
        }
    }

    @Test
    void aHeadAnsweredWithARedirectIsFollowedAndOnlyA200CountsAsPresent() throws Exception {
        registry.redirectBlobHeads = true;

        pusher().build().push(ref, progress::add, Cancellation.never());

        // the redirect target said 404: the blobs were uploaded, not taken as present
        assertThat(registry.blobs).containsKeys(image.configDigest(), image.layerDigest());
        assertThat(registry.count("POST /v2/team/app/blobs/uploads/")).isEqualTo(2);
        assertThat(registry.count("HEAD /storage/")).isEqualTo(2);

        progress.clear();
        pusher().build().push(ref, progress::add, Cancellation.never());

        // now the redirect target says 200: nothing is uploaded again
        assertThat(registry.count("POST /v2/team/app/blobs/uploads/")).isEqualTo(2);
        assertThat(progress).filteredOn(l -> l.startsWith("blob ")).hasSize(2)
                .allMatch(l -> l.endsWith("already exists"));
    }

    @Test
    void aRegistryHostTheHttpClientCannotUseIsAClearError() {
        ImageRef shortHand = ImageRef.parse("127.1:5000/team/app:v1");
        layout.entry(image.descriptor(), shortHand.familiarString());
        CredentialsProvider none = CredentialsProvider.ANONYMOUS;

        assertThatThrownBy(() -> pusher().credentials(none).build().push(shortHand, progress::add,
                Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessage("cannot push 127.1:5000/team/app:v1 to 127.1:5000: \"127.1\" is neither an IP address"
                        + " nor a host name whose last label starts with a letter, so the registry client cannot"
                        + " connect to it; write the address in full (e.g. 127.0.0.1)");
    }
}

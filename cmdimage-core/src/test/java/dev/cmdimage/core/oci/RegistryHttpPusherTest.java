package dev.cmdimage.core.oci;

import static dev.cmdimage.core.oci.TestLayout.OCI_INDEX;
import static dev.cmdimage.core.oci.TestLayout.withPlatform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RegistryHttpPusherTest {
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
        return RegistryHttpPusher.builder(store).retries(3, Duration.ofMillis(10));
    }

    static CredentialsProvider creds(String user, String password) {
        return host -> Optional.of(RegistryCredentials.basic(user, password));
    }

    @Test
    void pushUploadsBlobsThenTheManifestWithItsMediaTypeAndReturnsItsDigest() throws Exception {
        String digest = pusher().build().push(ref, progress::add, Cancellation.never());

        assertThat(digest).isEqualTo(image.digest());
        assertThat(registry.blobs).containsKeys(image.configDigest(), image.layerDigest());
        assertThat(TestLayout.sha256(registry.manifests.get("team/app:v1"))).isEqualTo(image.digest());
        assertThat(registry.manifestTypes.get("team/app:v1")).isEqualTo(TestLayout.OCI_MANIFEST);
        assertThat(registry.count("POST /v2/team/app/blobs/uploads/")).isEqualTo(2);
        assertThat(progress).anyMatch(l -> l.startsWith("pushing " + ref + " to http://" + registry.domain()))
                .anyMatch(l -> l.contains(image.layerDigest().substring(0, 19)) && l.contains("pushed"))
                .anyMatch(l -> l.equals("manifest " + image.digest().substring(0, 19) + " pushed as " + ref));
        // the manifest comes last, after every blob it names
        List<String> log = registry.logSnapshot();
        assertThat(log.get(log.size() - 1)).isEqualTo("PUT /v2/team/app/manifests/v1");
    }

    @Test
    void aSecondPushUploadsNoBlob() throws Exception {
        RegistryHttpPusher p = pusher().build();
        p.push(ref, progress::add, Cancellation.never());
        long uploads = registry.count("POST ");
        progress.clear();

        String again = p.push(ref, progress::add, Cancellation.never());

        assertThat(again).isEqualTo(image.digest());
        assertThat(registry.count("POST ")).isEqualTo(uploads);
        assertThat(progress).filteredOn(l -> l.startsWith("blob ")).hasSize(2).allMatch(l -> l.endsWith("already exists"));
    }

    @Test
    void anImageIndexIsPushedWithItsChildrenByDigest() throws Exception {
        TestLayout.Image arm = layout.image("arm64");
        ObjectNode idx = layout.index(OCI_INDEX, withPlatform(image.descriptor(), "linux", "amd64"),
                withPlatform(arm.descriptor(), "linux", "arm64"));
        ImageRef multi = ImageRef.parse(registry.domain() + "/team/app:multi");
        layout.entry(idx, multi.familiarString());

        String digest = pusher().build().push(multi, progress::add, Cancellation.never());

        assertThat(digest).isEqualTo(idx.get("digest").asText());
        assertThat(registry.manifests).containsKeys("team/app:" + image.digest(), "team/app:" + arm.digest(),
                "team/app:multi");
        assertThat(registry.manifestTypes.get("team/app:multi")).isEqualTo(OCI_INDEX);
        assertThat(registry.blobs).containsKeys(arm.layerDigest(), image.layerDigest());
    }

    @Test
    void basicAuthWithTheRightCredentials() throws Exception {
        registry.auth = FakeRegistry.Auth.BASIC;

        pusher().credentials(creds(FakeRegistry.USER, FakeRegistry.PASSWORD)).build()
                .push(ref, progress::add, Cancellation.never());

        assertThat(registry.manifests).containsKey("team/app:v1");
        assertThat(registry.authorizations).last().asString().startsWith("Basic ");
    }

    @Test
    void basicAuthWithWrongCredentialsFailsWithoutShowingThePassword() {
        registry.auth = FakeRegistry.Auth.BASIC;

        assertThatThrownBy(() -> pusher().credentials(creds(FakeRegistry.USER, "wrong-password-123")).build()
                .push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessage("cannot push " + ref + " to " + registry.domain() + ": the registry rejected the"
                        + " credentials of user alice (HTTP 401 on GET /v2/): registry says"
                        + " \"UNAUTHORIZED: authentication required\"")
                .satisfies(e -> assertThat(((PushException) e).ref()).isEqualTo(ref.toString()));
    }

    @Test
    void authRequiredWithoutCredentialsSaysSo() {
        registry.auth = FakeRegistry.Auth.BASIC;

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("the registry requires authentication (HTTP 401 on GET /v2/) and no credentials"
                        + " were found for " + registry.domain());
    }

    @Test
    void credentialHelperFailuresBecomePushErrors() {
        CredentialsProvider broken = host -> {
            throw new CredentialsException("credential helper docker-credential-nope not found on PATH");
        };
        assertThatThrownBy(() -> pusher().credentials(broken).build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("docker-credential-nope not found")
                .hasMessageContaining(ref.toString());
    }

    @Test
    void bearerChallengeFetchesATokenWithBasicCredentialsAndCachesItPerScope() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        RegistryHttpPusher p = pusher().credentials(creds(FakeRegistry.USER, FakeRegistry.PASSWORD)).build();

        p.push(ref, progress::add, Cancellation.never());
        p.push(ref, progress::add, Cancellation.never());

        assertThat(registry.manifests).containsKey("team/app:v1");
        assertThat(registry.tokenRequests).hasSize(1);
        assertThat(registry.tokenRequests.get(0))
                .contains("service=fake-registry")
                .contains("scope=repository%3Ateam%2Fapp%3Apull%2Cpush")
                .endsWith("auth=basic");
        assertThat(registry.authorizations).last().isEqualTo("Bearer " + FakeRegistry.TOKEN);
    }

    @Test
    void anIdentityTokenIsExchangedWithTheRefreshTokenGrant() throws Exception {
        registry.auth = FakeRegistry.Auth.BEARER;
        CredentialsProvider identity = host -> Optional.of(
                new RegistryCredentials("<token>", FakeRegistry.PASSWORD, true));

        pusher().credentials(identity).build().push(ref, progress::add, Cancellation.never());

        assertThat(registry.manifests).containsKey("team/app:v1");
        assertThat(registry.tokenRequests).singleElement().asString()
                .contains("grant_type=refresh_token")
                .contains("service=fake-registry")
                .endsWith("auth=oauth");
    }

    @Test
    void bearerTokenServiceRefusingTheCredentialsIsClearAndLeaksNothing() {
        registry.auth = FakeRegistry.Auth.BEARER;

        assertThatThrownBy(() -> pusher().credentials(creds(FakeRegistry.USER, "wrong-password-123")).build()
                .push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("the token service " + registry.domain()
                        + " refused the credentials of user alice (HTTP 401)")
                .hasMessageContaining("bad credentials for the token service")
                .hasMessageNotContaining("wrong-password-123")
                .hasMessageNotContaining(FakeRegistry.TOKEN);
    }

    @Test
    void anonymousBearerTokenIsTriedWithoutCredentials() {
        registry.auth = FakeRegistry.Auth.BEARER;

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("refused anonymous access (no credentials found for " + registry.domain() + ")");
        assertThat(registry.tokenRequests).singleElement().asString().endsWith("auth=none");
    }

    @Test
    void aTokenRealmOverPlainHttpOnAnotherHostIsRefused() {
        registry.auth = FakeRegistry.Auth.BEARER;
        registry.tokenRealmOverride = "http://auth.example.com/token";

        assertThatThrownBy(() -> pusher().credentials(creds(FakeRegistry.USER, FakeRegistry.PASSWORD)).build()
                .push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("token service http://auth.example.com is not HTTPS");
        assertThat(registry.tokenRequests).isEmpty();
    }

    @Test
    void serverErrorsAreRetriedWithBackoff() throws Exception {
        registry.failNext(r -> r.startsWith("HEAD "), 503, "UNAVAILABLE", "try later");
        registry.failNext(r -> r.startsWith("PUT /v2/team/app/blobs/uploads/"), 502, "UNAVAILABLE", "bad gateway");
        registry.failNext(r -> r.startsWith("PUT /v2/team/app/manifests/"), 500, "UNKNOWN", "oops");

        assertThat(pusher().build().push(ref, progress::add, Cancellation.never())).isEqualTo(image.digest());
        assertThat(registry.manifests).containsKey("team/app:v1");
    }

    @Test
    void retriesAreBoundedAndTheRegistrysWordsAreQuoted() {
        for (int i = 0; i < 5; i++) {
            registry.failNext(r -> r.startsWith("POST "), 503, "UNAVAILABLE", "service unavailable");
        }

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessage("cannot push " + ref + " to " + registry.domain() + ": unexpected HTTP 503 on"
                        + " POST /v2/team/app/blobs/uploads/: registry says \"UNAVAILABLE: service unavailable\"");
        assertThat(registry.count("POST ")).isEqualTo(3);
        assertThat(registry.manifests).isEmpty();
    }

    @Test
    void deniedAndNotFoundAreNamed() {
        registry.failNext(r -> r.startsWith("PUT /v2/team/app/manifests/"), 403, "DENIED",
                "requested access to the resource is denied");
        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessage("cannot push " + ref + " to " + registry.domain() + ": access denied (HTTP 403 on PUT"
                        + " /v2/team/app/manifests/v1): registry says \"DENIED: requested access to the resource is"
                        + " denied\"");

        registry.failNext(r -> r.startsWith("POST "), 404, "NAME_UNKNOWN", "repository name not known to registry");
        registry.blobs.clear();
        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("not found (HTTP 404 on POST /v2/team/app/blobs/uploads/): registry says"
                        + " \"NAME_UNKNOWN: repository name not known to registry\"");
    }

    @Test
    void aBlobCorruptedOnDiskIsNeverUploadedAsGood() throws Exception {
        try (RandomAccessFile f = new RandomAccessFile(layout.blob(image.layerDigest()).toFile(), "rw")) {
            f.seek(10);
            int b = f.read();
            f.seek(10);
            f.write(b ^ 0xff);
        }

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("blob " + image.layerDigest() + " on disk is corrupt: its content hashes to");
        assertThat(registry.blobs).doesNotContainKey(image.layerDigest());
        assertThat(registry.manifests).isEmpty();
    }

    @Test
    void cancellationAbortsTheUploadInFlight() throws Exception {
        registry.hang = new java.util.concurrent.CountDownLatch(1);
        Cancellation cancel = new Cancellation();
        CompletableFuture<String> push = CompletableFuture.supplyAsync(() -> {
            try {
                return pusher().build().push(ref, progress::add, cancel);
            } catch (PushException e) {
                throw new java.util.concurrent.CompletionException(e);
            }
        });
        assertThat(registry.hanging.await(30, TimeUnit.SECONDS)).isTrue();

        cancel.cancel();

        assertThatThrownBy(() -> push.get(30, TimeUnit.SECONDS))
                .hasCauseInstanceOf(PushException.class)
                .hasMessageContaining("push of " + ref + " to " + registry.domain() + " cancelled");
    }

    @Test
    void aRegistryThatDoesNotAnswerTimesOut() {
        registry.hang = new java.util.concurrent.CountDownLatch(1);

        assertThatThrownBy(() -> pusher().requestTimeout(Duration.ofSeconds(1)).minimumUploadRate(1L << 40).build()
                .push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("timed out after 1s waiting for the registry to answer PUT /v2/team/app/blobs/uploads/");
    }

    @Test
    void aRegistryThatStallsHalfWayThroughABodyIsCutOff() throws Exception {
        // answers every request with the head of an error and the first byte of its body, then sends nothing more
        try (java.net.ServerSocket server = new java.net.ServerSocket(0, 10, java.net.InetAddress.getLoopbackAddress())) {
            List<java.net.Socket> held = Collections.synchronizedList(new ArrayList<>());
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        java.net.Socket socket = server.accept();
                        held.add(socket);
                        socket.getInputStream().read(new byte[8192]);
                        socket.getOutputStream().write(("HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\n"
                                + "Content-Length: 100\r\n\r\n{").getBytes(StandardCharsets.US_ASCII));
                        socket.getOutputStream().flush();
                    } catch (IOException e) {
                        return;
                    }
                }
            }, "stalling-registry");
            acceptor.setDaemon(true);
            acceptor.start();
            ImageRef stalled = ImageRef.parse("127.0.0.1:" + server.getLocalPort() + "/team/app:v1");
            layout.entry(image.descriptor(), stalled.familiarString());
            CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
                try {
                    pusher().requestTimeout(Duration.ofSeconds(1)).build().push(stalled, progress::add,
                            Cancellation.never());
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            });
            try {
                // a hang guard, not a speed check: before the fix this push never returned
                assertThat(outcome.get(60, TimeUnit.SECONDS))
                        .isInstanceOf(PushException.class)
                        .hasMessageContaining("HTTP 403");
            } finally {
                synchronized (held) {
                    for (java.net.Socket socket : held) {
                        socket.close();
                    }
                }
            }
        }
    }

    @Test
    void aRegistryThatIsGoneFailsAfterBoundedAttempts() {
        registry.close();

        assertThatThrownBy(() -> pusher().build().push(ref, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("cannot connect to the registry at http://" + registry.domain()
                        + " (GET /v2/, 3 attempts)");
    }

    @Test
    void anImageTheStoreDoesNotHoldIsAClearError() {
        ImageRef other = ImageRef.parse(registry.domain() + "/team/app:nope");
        assertThatThrownBy(() -> pusher().build().push(other, progress::add, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("cannot push " + other)
                .hasMessageContaining("no such image");
        assertThat(registry.log).isEmpty();
    }

    @Test
    void nonLoopbackRegistriesNeedHttpsUnlessAllowedPlainHttp() throws Exception {
        InetAddress lan = nonLoopbackAddress();
        assumeTrue(lan != null, "no non-loopback IPv4 address on this machine");
        try (FakeRegistry remote = new FakeRegistry(lan)) {
            try (java.net.Socket probe = new java.net.Socket()) {
                probe.connect(remote.server.getAddress(), 1000);
            } catch (java.io.IOException e) {
                assumeTrue(false, "this machine cannot connect to its own address " + lan + ": " + e);
            }
            ImageRef remoteRef = ImageRef.parse(remote.domain() + "/team/app:v1");
            layout.entry(image.descriptor(), remoteRef.familiarString());

            // the fake speaks no TLS and never answers a TLS handshake: HTTPS was tried, plain HTTP was not
            assertThatThrownBy(() -> pusher().retries(1, Duration.ZERO).connectTimeout(Duration.ofSeconds(2)).build()
                    .push(remoteRef, progress::add, Cancellation.never()))
                    .isInstanceOf(PushException.class)
                    .hasMessageContaining("https://" + remote.domain());
            assertThat(remote.log).isEmpty();

            String digest = pusher().plainHttpHosts(Set.of(lan.getHostAddress())).build()
                    .push(remoteRef, progress::add, Cancellation.never());
            assertThat(digest).isEqualTo(image.digest());
        }
    }

    static InetAddress nonLoopbackAddress() throws Exception {
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!ni.isUp() || ni.isLoopback()) {
                continue;
            }
            for (InetAddress a : Collections.list(ni.getInetAddresses())) {
                if (a instanceof Inet4Address && !a.isLoopbackAddress()) {
                    return a;
                }
            }
        }
        return null;
    }
}

package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.RegistryCredentials;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blob's upload on the wire, against a {@link StandInRegistry} that sees every byte: the request, the answers a
 * registry may give (lengths, chunks, errors, a wrong digest), one that stops reading or never answers, cancellation,
 * and a blob corrupted on disk.
 */
class RegistryUploadTest {
    /** Four of the upload's send buffers: a blob that fills them before it ends. */
    static final int BLOB = 4 * 256 * 1024;

    @TempDir
    Path dir;

    StandInRegistry registry;
    TestLayout layout;
    TestLayout.Image image;
    ImageRef ref;
    final List<String> progress = Collections.synchronizedList(new ArrayList<>());
    final CountDownLatch held = new CountDownLatch(1);

    @BeforeEach
    void setUp() throws Exception {
        registry = new StandInRegistry();
        layout = new TestLayout(dir.resolve("layout"));
        ref = ImageRef.parse(registry.domain() + "/team/app:v1");
    }

    @AfterEach
    void tearDown() throws IOException {
        held.countDown();
        registry.close();
    }

    /** An image whose one layer has {@code size} random bytes, tagged as {@link #ref}. */
    TestLayout.Image image(int size) {
        ObjectNode layer = layout.blob(TestLayout.OCI_LAYER, layout.randomBytes(size));
        ObjectNode configJson = TestLayout.JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        configJson.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layer.get("digest").asText());
        ObjectNode config = layout.blob(TestLayout.OCI_CONFIG, configJson.toString().getBytes(StandardCharsets.UTF_8));
        ObjectNode manifest = TestLayout.JSON.createObjectNode().put("schemaVersion", 2)
                .put("mediaType", TestLayout.OCI_MANIFEST);
        manifest.set("config", config);
        manifest.putArray("layers").add(layer);
        ObjectNode desc = layout.blob(TestLayout.OCI_MANIFEST, manifest.toString().getBytes(StandardCharsets.UTF_8));
        layout.entry(desc, ref.familiarString());
        image = new TestLayout.Image(desc, config.get("digest").asText(), layer.get("digest").asText(), manifest);
        return image;
    }

    RegistryHttpPusher.Builder pusher() {
        return RegistryHttpPusher.builder(new OciLayoutStore(layout.root, "amd64")).retries(3, Duration.ofMillis(10));
    }

    String push(RegistryHttpPusher.Builder builder) throws PushException {
        return builder.build().push(ref, progress::add, Cancellation.never());
    }

    /** The layer's upload (the config's is the first). */
    StandInRegistry.Request layerUpload() {
        return registry.uploads.stream().filter(u -> u.digestParameter().equals(image.layerDigest())).findFirst()
                .orElseThrow();
    }

    /** Answers the layer's upload with {@code answer} after reading its body; the config's is stored. */
    void onLayer(StandInRegistry.Upload answer) {
        registry.upload = (r, body, out) -> {
            if (r.digestParameter().equals(image.layerDigest())) {
                answer.handle(r, body, out);
            } else {
                registry.store(r, body, out);
            }
        };
    }

    static List<String> cmdimageThreads() {
        List<String> names = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().startsWith("cmdimage-") && t.isAlive()) {
                names.add(t.getName());
            }
        }
        return names;
    }

    @Test
    void theUploadIsOnePutWithTheDigestItsLengthAndTheCredentialsThenTheBlobIsStored() throws Exception {
        image(BLOB + 123);
        registry.basicAuth = "YWxpY2U6cHc="; // alice:pw

        String digest = push(pusher().credentials(host -> Optional.of(RegistryCredentials.basic("alice", "pw"))));

        assertThat(digest).isEqualTo(image.digest());
        StandInRegistry.Request put = layerUpload();
        assertThat(put.target()).matches("/v2/team/app/blobs/uploads/[0-9a-f-]+\\?_state=s-[0-9a-f-]+&digest=sha256%3A"
                + image.layerDigest().substring(7));
        assertThat(put.headers()).containsEntry("content-length", String.valueOf(BLOB + 123))
                .containsEntry("content-type", "application/octet-stream")
                .containsEntry("connection", "close")
                .containsEntry("host", registry.domain())
                .containsEntry("authorization", "Basic YWxpY2U6cHc=");
        assertThat(registry.uploadBytes).contains((long) BLOB + 123);
        assertThat(progress).contains("blob " + image.layerDigest().substring(0, 19) + " pushed (1.0 MiB)");
        assertThat(cmdimageThreads()).isEmpty();
    }

    @Test
    void theSmallRequestsShareAConnectionAndNoneStaysOpenAfterThePush() throws Exception {
        image(1000);

        push(pusher());

        // GET /v2/, per blob HEAD, POST and its PUT, then the manifest's PUT
        assertThat(registry.requests).hasSize(8);
        // the blob uploads on connections of their own, everything else on one
        assertThat(registry.connections.get()).isEqualTo(3);
        assertThat(awaitNoneOpen()).isZero();
        assertThat(cmdimageThreads()).isEmpty();
    }

    @Test
    void aKeptConnectionTheRegistryClosedIsReplacedAndTheRequestSentOnce() throws Exception {
        image(1000);
        registry.closeAfterEachAnswer = true;

        assertThat(push(pusher())).isEqualTo(image.digest());

        // eight requests as when every connection stays open: none was sent twice
        assertThat(registry.requests).hasSize(8);
        assertThat(registry.connections.get()).isEqualTo(8);
    }

    @Test
    void anErrorAnswerWithAContentLengthIsQuoted() throws Exception {
        image(1000);
        onLayer((r, body, out) -> {
            registry.drain(body, r.contentLength());
            StandInRegistry.answer(out, 400, "application/json",
                    StandInRegistry.errors("DIGEST_INVALID", "provided digest did not match uploaded content"));
        });

        assertThatThrownBy(() -> push(pusher()))
                .isInstanceOf(PushException.class)
                .hasMessageMatching("cannot push " + ref + " to " + registry.domain() + ": unexpected HTTP 400 on PUT"
                        + " /v2/team/app/blobs/uploads/[0-9a-f-]+: registry says \"DIGEST_INVALID: provided digest"
                        + " did not match uploaded content\"");
    }

    @Test
    void aChunkedErrorAnswerIsQuoted() throws Exception {
        image(1000);
        onLayer((r, body, out) -> {
            registry.drain(body, r.contentLength());
            StandInRegistry.answerChunked(out, 403, StandInRegistry.errors("DENIED", "requested access to the"
                    + " resource is denied"), 7);
        });

        assertThatThrownBy(() -> push(pusher()))
                .isInstanceOf(PushException.class)
                .hasMessageMatching(".*: access denied \\(HTTP 403 on PUT /v2/team/app/blobs/uploads/[0-9a-f-]+\\):"
                        + " registry says \"DENIED: requested access to the resource is denied\"");
    }

    @Test
    void anErrorAnsweredBeforeTheBodyWasReadIsQuoted() throws Exception {
        image(BLOB);
        onLayer((r, body, out) -> {
            // like a registry refusing at once: the answer, then the rest of the body read and dropped
            StandInRegistry.answer(out, 404, "application/json",
                    StandInRegistry.errors("NAME_UNKNOWN", "repository name not known to registry"));
            out.flush();
            registry.drain(body, r.contentLength());
        });

        assertThatThrownBy(() -> push(pusher()))
                .isInstanceOf(PushException.class)
                .hasMessageMatching(".*: not found \\(HTTP 404 on PUT /v2/team/app/blobs/uploads/[0-9a-f-]+\\):"
                        + " registry says \"NAME_UNKNOWN: repository name not known to registry\"");
    }

    @Test
    void aServerErrorIsRetriedWithAFreshUpload() throws Exception {
        image(BLOB);
        AtomicLong failures = new AtomicLong();
        onLayer((r, body, out) -> {
            registry.drain(body, r.contentLength());
            if (failures.getAndIncrement() == 0) {
                StandInRegistry.answer(out, 503, "application/json", StandInRegistry.errors("UNAVAILABLE", "later"));
            } else {
                out.write(("HTTP/1.1 201 Created\r\nDocker-Content-Digest: " + r.digestParameter()
                        + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            }
        });

        assertThat(push(pusher())).isEqualTo(image.digest());
        assertThat(registry.requests.stream().filter(q -> q.startsWith("POST ")).count()).isEqualTo(3);
        assertThat(registry.uploadBytes).containsExactly(
                registry.uploadBytes.get(0), (long) BLOB, (long) BLOB);
    }

    @Test
    void aRegistryStoringTheBlobUnderAnotherDigestFailsThePush() throws Exception {
        image(1000);
        String other = "sha256:" + "0".repeat(64);
        onLayer((r, body, out) -> {
            registry.drain(body, r.contentLength());
            out.write(("HTTP/1.1 201 Created\r\nDocker-Content-Digest: " + other + "\r\nContent-Length: 0\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
        });

        assertThatThrownBy(() -> push(pusher()))
                .isInstanceOf(PushException.class)
                .hasMessage("cannot push " + ref + " to " + registry.domain() + ": the registry stored blob "
                        + image.layerDigest() + " under the digest " + other);
        assertThat(registry.requests).noneMatch(q -> q.contains("/manifests/"));
    }

    @Test
    void aRegistryThatStopsReadingTheBodyIsCutOffAtTheUploadTimeout() throws Exception {
        image(16 * 1024 * 1024);
        onLayer((r, body, out) -> {
            body.readNBytes(64 * 1024);
            awaitQuietly(held); // holds the connection open, reading nothing more
        });

        assertThatThrownBy(() -> push(pusher().requestTimeout(Duration.ofSeconds(1)).minimumUploadRate(1L << 40)))
                .isInstanceOf(PushException.class)
                .hasMessageMatching("cannot push " + ref + " to " + registry.domain() + ": timed out after 1s waiting"
                        + " for the registry to answer PUT /v2/team/app/blobs/uploads/[0-9a-f-]+");
        // a timeout is not tried again
        assertThat(registry.uploads).hasSize(2);
        assertThat(cmdimageThreads()).isEmpty();
    }

    @Test
    void aRegistryThatReadsTheBodyButNeverAnswersIsCutOffAtTheUploadTimeout() throws Exception {
        image(BLOB);
        onLayer((r, body, out) -> {
            registry.drain(body, r.contentLength());
            awaitQuietly(held);
        });

        assertThatThrownBy(() -> push(pusher().requestTimeout(Duration.ofSeconds(1)).minimumUploadRate(1L << 40)))
                .isInstanceOf(PushException.class)
                .hasMessageMatching(".*: timed out after 1s waiting for the registry to answer PUT"
                        + " /v2/team/app/blobs/uploads/[0-9a-f-]+");
        assertThat(registry.uploadBytes).contains((long) BLOB);
    }

    @Test
    void cancellationMidUploadClosesTheConnectionAtOnceAndLeavesNoThread() throws Exception {
        image(16 * 1024 * 1024);
        CountDownLatch reading = new CountDownLatch(1);
        CompletableFuture<Long> seen = new CompletableFuture<>();
        onLayer((r, body, out) -> {
            body.readNBytes(64 * 1024);
            reading.countDown();
            // reads nothing more until cancelled; then what is left in flight, until the connection's end
            awaitQuietly(held);
            seen.complete(registry.drain(body, r.contentLength()) + 64 * 1024);
        });
        Cancellation cancel = new Cancellation();
        CompletableFuture<Throwable> outcome = CompletableFuture.supplyAsync(() -> {
            try {
                pusher().build().push(ref, progress::add, cancel);
                return null;
            } catch (Throwable t) {
                return t;
            }
        });
        assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();

        cancel.cancel();

        // hang guards, not speed checks: the upload's timeout is a minute away
        assertThat(outcome.get(20, TimeUnit.SECONDS))
                .isInstanceOf(PushException.class)
                .hasMessage("push of " + ref + " to " + registry.domain() + " cancelled");
        held.countDown();
        assertThat(seen.get(20, TimeUnit.SECONDS)).isLessThan(16L * 1024 * 1024);
        assertThat(cmdimageThreads()).isEmpty();
    }

    @Test
    void anInterruptOfThePushingThreadEndsTheUploadAsCancelled() throws Exception {
        image(16 * 1024 * 1024);
        CountDownLatch reading = new CountDownLatch(1);
        onLayer((r, body, out) -> {
            body.readNBytes(64 * 1024);
            reading.countDown();
            awaitQuietly(held);
        });
        CompletableFuture<Throwable> outcome = new CompletableFuture<>();
        CompletableFuture<Boolean> stillInterrupted = new CompletableFuture<>();
        Thread pushing = new Thread(() -> {
            try {
                pusher().build().push(ref, progress::add, Cancellation.never());
                outcome.complete(null);
            } catch (Throwable t) {
                outcome.complete(t);
            }
            stillInterrupted.complete(Thread.currentThread().isInterrupted());
        }, "test-pushing");
        pushing.start();
        assertThat(reading.await(30, TimeUnit.SECONDS)).isTrue();

        pushing.interrupt();

        // a hang guard, not a speed check: the upload's timeout is a minute away
        assertThat(outcome.get(20, TimeUnit.SECONDS))
                .isInstanceOf(PushException.class)
                .hasMessage("push of " + ref + " to " + registry.domain() + " cancelled");
        assertThat(stillInterrupted.get(20, TimeUnit.SECONDS)).isTrue();
        pushing.join(20_000);
        assertThat(cmdimageThreads()).isEmpty();
    }

    @Test
    void aBlobCorruptedOnDiskNeverReachesTheRegistryWhole() throws Exception {
        // a size the send buffers divide: the corruption shows only at the blob's end
        image(BLOB);
        try (RandomAccessFile f = new RandomAccessFile(layout.blob(image.layerDigest()).toFile(), "rw")) {
            f.seek(BLOB - 1);
            int b = f.read();
            f.seek(BLOB - 1);
            f.write(b ^ 0xff);
        }

        assertThatThrownBy(() -> push(pusher()))
                .isInstanceOf(PushException.class)
                .hasMessageStartingWith("cannot push " + ref + " to " + registry.domain() + ": blob "
                        + image.layerDigest() + " on disk is corrupt: its content hashes to sha256:");
        // the stand-in got the config whole, and of the layer less than its Content-Length before the end
        long got = awaitLast(registry.uploadBytes, 2);
        assertThat(got).isLessThan(BLOB);
        assertThat(registry.uploads).hasSize(2);
        assertThat(registry.requests).noneMatch(q -> q.contains("/manifests/"));
    }

    @Test
    void aBlobShorterOnDiskThanItsDescriptorFailsNamingBothSizes() throws Exception {
        image(BLOB);
        try (RandomAccessFile f = new RandomAccessFile(layout.blob(image.layerDigest()).toFile(), "rw")) {
            f.setLength(BLOB - 10);
        }

        assertThatThrownBy(() -> push(pusher()))
                .isInstanceOf(PushException.class)
                .hasMessage("cannot push " + ref + " to " + registry.domain() + ": blob " + image.layerDigest()
                        + " on disk has " + (BLOB - 10) + " bytes, not the " + BLOB
                        + " its descriptor says (truncated?)");
        assertThat(awaitLast(registry.uploadBytes, 2)).isLessThan(BLOB);
    }

    /** The stand-in's open connections, once none are or after a bounded wait. */
    int awaitNoneOpen() throws InterruptedException {
        for (int i = 0; i < 2000 && registry.open.get() > 0; i++) {
            Thread.sleep(10);
        }
        return registry.open.get();
    }

    /** The {@code n}th value once the stand-in recorded it (its reading ends when the connection closes). */
    static long awaitLast(List<Long> values, int n) throws InterruptedException {
        for (int i = 0; i < 2000 && values.size() < n; i++) {
            Thread.sleep(10);
        }
        assertThat(values).hasSize(n);
        return values.get(n - 1);
    }

    static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

package dev.cmdimage.core.oci;

import static dev.cmdimage.core.oci.TestLayout.JSON;
import static dev.cmdimage.core.oci.TestLayout.OCI_CONFIG;
import static dev.cmdimage.core.oci.TestLayout.OCI_INDEX;
import static dev.cmdimage.core.oci.TestLayout.OCI_LAYER;
import static dev.cmdimage.core.oci.TestLayout.OCI_MANIFEST;
import static dev.cmdimage.core.oci.TestLayout.withPlatform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.OciLayoutStore;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OciLayoutStoreTest {
    @TempDir
    Path dir;

    TestLayout layout;
    OciLayoutStore store;

    @BeforeEach
    void setUp() {
        layout = new TestLayout(dir.resolve("layout"));
        store = new OciLayoutStore(layout.root, "amd64");
    }

    static ImageRef ref(String s) {
        return ImageRef.parse(s);
    }

    @Nested
    class Lookup {
        @Test
        void fullRefFindsTheEntryAndReturnsTheConfigDigest() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "example.com/app:tilt-build-1");

            assertThat(store.inspect(ref("example.com/app:tilt-build-1"), null)).contains(img.configDigest());
        }

        @Test
        void familiarFormOfDockerHubNames() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "app:v1");

            assertThat(store.inspect(ref("docker.io/library/app:v1"), null)).contains(img.configDigest());
            assertThat(store.inspect(ref("app:v2"), null)).isEmpty();
        }

        @Test
        void fullyQualifiedNameIsAcceptedToo() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "docker.io/library/app:v1");

            assertThat(store.inspect(ref("app:v1"), null)).contains(img.configDigest());
        }

        @Test
        void fullRefWinsOverAnEntryNamedOnlyByTheTag() throws Exception {
            TestLayout.Image byTag = layout.image("amd64");
            TestLayout.Image byRef = layout.image("amd64");
            layout.entry(byTag.descriptor(), "v1").entry(byRef.descriptor(), "example.com/app:v1");

            assertThat(store.inspect(ref("example.com/app:v1"), null)).contains(byRef.configDigest());
        }

        @Test
        void bareTagIsUsedWhenExactlyOneEntryCarriesIt() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "tilt-build-7").entry(layout.image("amd64").descriptor(), "other");

            assertThat(store.inspect(ref("example.com/app:tilt-build-7"), null)).contains(img.configDigest());
        }

        @Test
        void bareTagOnTwoDifferentImagesIsAmbiguous() throws Exception {
            layout.entry(layout.image("amd64").descriptor(), "v1").entry(layout.image("amd64").descriptor(), "v1");

            assertThatThrownBy(() -> store.inspect(ref("example.com/app:v1"), null))
                    .isInstanceOf(ImageStoreException.class)
                    .hasMessageContaining("bare tag \"v1\"")
                    .hasMessageContaining("example.com/app:v1")
                    .hasMessageContaining(layout.root.toString());
        }

        @Test
        void otherNamesAndOtherTagsAreNotFound() throws Exception {
            layout.entry(layout.image("amd64").descriptor(), "example.com/app:v1");

            assertThat(store.inspect(ref("example.com/other:v1"), null)).isEmpty();
            assertThat(store.inspect(ref("example.com/app:v2"), null)).isEmpty();
        }

        @Test
        void aMissingLayoutHoldsNoImages() throws Exception {
            OciLayoutStore none = new OciLayoutStore(dir.resolve("nothing-here"));
            assertThat(none.inspect(ref("app:v1"), null)).isEmpty();
        }

        @Test
        void digestRefsAreFoundByTheirManifestBlob() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "app:v1");

            assertThat(store.inspect(ref("app@" + img.digest()), null)).contains(img.configDigest());
            assertThat(store.inspect(ref("app:v1@" + img.digest()), null)).contains(img.configDigest());
            assertThatThrownBy(() -> store.inspect(ref("app:v1@sha256:" + "0".repeat(64)), null))
                    .isInstanceOf(ImageStoreException.class).hasMessageContaining("not the digest");
        }

        @Test
        void dockerManifestTypesAreAccepted() throws Exception {
            TestLayout.Image img = layout.image("amd64", "application/vnd.docker.distribution.manifest.v2+json",
                    "application/vnd.docker.container.image.v1+json",
                    "application/vnd.docker.image.rootfs.diff.tar.gzip");
            layout.entry(img.descriptor(), "app:docker");

            assertThat(store.inspect(ref("app:docker"), null)).contains(img.configDigest());
        }
    }

    @Nested
    class Platforms {
        TestLayout.Image amd;
        TestLayout.Image arm;

        @BeforeEach
        void twoPlatforms() {
            amd = layout.image("amd64");
            arm = layout.image("arm64");
        }

        ObjectNode attestation() {
            TestLayout.Image att = layout.image("unknown");
            return withPlatform(att.descriptor(), "unknown", "unknown");
        }

        @Test
        void indexPicksTheRequestedArchitecture() throws Exception {
            ObjectNode idx = layout.index(OCI_INDEX, withPlatform(amd.descriptor(), "linux", "amd64"),
                    withPlatform(arm.descriptor(), "linux", "arm64"), attestation());
            layout.entry(idx, "app:multi");

            assertThat(store.inspect(ref("app:multi"), "arm64")).contains(arm.configDigest());
            assertThat(store.inspect(ref("app:multi"), "amd64")).contains(amd.configDigest());
        }

        @Test
        void noArchMeansTheHostsArchitectureWhenThereIsAChoice() throws Exception {
            ObjectNode idx = layout.index("application/vnd.docker.distribution.manifest.list.v2+json",
                    withPlatform(arm.descriptor(), "linux", "arm64"), withPlatform(amd.descriptor(), "linux", "amd64"));
            layout.entry(idx, "app:multi");

            assertThat(new OciLayoutStore(layout.root, "arm64").inspect(ref("app:multi"), null))
                    .contains(arm.configDigest());
            assertThat(new OciLayoutStore(layout.root, "amd64").inspect(ref("app:multi"), null))
                    .contains(amd.configDigest());
        }

        @Test
        void noArchAndOneImageBesideAnAttestationTakesThatImage() throws Exception {
            layout.entry(layout.index(OCI_INDEX, withPlatform(arm.descriptor(), "linux", "arm64"), attestation()),
                    "app:one");

            assertThat(store.inspect(ref("app:one"), null)).contains(arm.configDigest());
        }

        @Test
        void aMissingPlatformIsAClearError() throws Exception {
            layout.entry(layout.index(OCI_INDEX, withPlatform(amd.descriptor(), "linux", "amd64"),
                    withPlatform(arm.descriptor(), "linux", "arm64")), "app:multi");

            assertThatThrownBy(() -> store.inspect(ref("app:multi"), "s390x"))
                    .isInstanceOf(ImageStoreException.class)
                    .hasMessageContaining("no image for linux/s390x")
                    .hasMessageContaining("linux/amd64, linux/arm64");
        }

        @Test
        void nestedIndexesAreFollowed() throws Exception {
            ObjectNode inner = layout.index(OCI_INDEX, withPlatform(amd.descriptor(), "linux", "amd64"),
                    withPlatform(arm.descriptor(), "linux", "arm64"));
            ObjectNode outer = layout.index(OCI_INDEX, inner);
            layout.entry(outer, "app:nested");

            assertThat(store.inspect(ref("app:nested"), "arm64")).contains(arm.configDigest());
        }

        @Test
        void entriesOfOneNameWithPlatformsInIndexJsonAreAChoiceToo() throws Exception {
            layout.entry(withPlatform(amd.descriptor(), "linux", "amd64"), "app:v1")
                    .entry(withPlatform(arm.descriptor(), "linux", "arm64"), "app:v1");

            assertThat(store.inspect(ref("app:v1"), "arm64")).contains(arm.configDigest());
            assertThat(store.inspect(ref("app:v1"), "amd64")).contains(amd.configDigest());
        }

        @Test
        void taggingAnImageFromAnIndexKeepsTheIndex() throws Exception {
            ObjectNode idx = layout.index(OCI_INDEX, withPlatform(amd.descriptor(), "linux", "amd64"),
                    withPlatform(arm.descriptor(), "linux", "arm64"));
            layout.entry(idx, "app:multi");
            String id = store.inspect(ref("app:multi"), "arm64").orElseThrow();

            store.tag(id, ref("app:tilt-0123"));

            assertThat(store.inspect(ref("app:tilt-0123"), "arm64")).contains(arm.configDigest());
            assertThat(store.inspect(ref("app:tilt-0123"), "amd64")).contains(amd.configDigest());
        }
    }

    @Nested
    class Hostile {
        TestLayout.Image img;

        @BeforeEach
        void oneImage() {
            img = layout.image("amd64");
        }

        void assertRefused(String... fragments) {
            assertThatThrownBy(() -> store.inspect(ref("app:bad"), null))
                    .isInstanceOf(ImageStoreException.class)
                    .hasMessageContaining("app:bad")
                    .hasMessageContaining(layout.root.toString())
                    .satisfies(e -> {
                        for (String f : fragments) {
                            assertThat(e.getMessage()).contains(f);
                        }
                    });
        }

        @Test
        void digestsThatAreNotSha256HexAreRefused() throws Exception {
            for (String digest : List.of("sha256:../../../../etc/passwd", "sha256:" + "A".repeat(64),
                    "sha512:" + "a".repeat(128), "sha256:abc", img.digest() + "/../x")) {
                setUp();
                layout.entry(img.descriptor().deepCopy().put("digest", digest), "app:bad");
                assertRefused("digest", "sha256:<64 lowercase hex>");
            }
        }

        @Test
        void aLayerDigestThatTriesToLeaveTheLayoutIsRefused() throws Exception {
            ObjectNode manifest = img.manifest().deepCopy();
            ((ObjectNode) manifest.get("layers").get(0)).put("digest", "sha256/../../../../../../etc/passwd");
            ObjectNode desc = layout.blob(OCI_MANIFEST, manifest.toString().getBytes());
            layout.entry(desc, "app:bad");

            assertRefused("layers[0].digest is not sha256:<64 lowercase hex>");
        }

        @Test
        void aSymlinkedBlobIsRefusedEvenWithTheRightContent() throws Exception {
            Path layer = layout.blob(img.layerDigest());
            Path outside = dir.resolve("outside-layer");
            Files.move(layer, outside);
            Files.createSymbolicLink(layer, outside);
            layout.entry(img.descriptor(), "app:bad");

            assertRefused("is a symlink");
        }

        @Test
        void aSymlinkedManifestIsRefused() throws Exception {
            Path manifest = layout.blob(img.digest());
            Path outside = dir.resolve("outside-manifest");
            Files.move(manifest, outside);
            Files.createSymbolicLink(manifest, outside);
            layout.entry(img.descriptor(), "app:bad");

            assertRefused("is a symlink");
        }

        @Test
        void aSymlinkedBlobsDirectoryIsRefused() throws Exception {
            Path blobs = layout.root.resolve("blobs");
            Path outside = dir.resolve("outside-blobs");
            Files.move(blobs, outside);
            Files.createSymbolicLink(blobs, outside);
            layout.entry(img.descriptor(), "app:bad");

            assertRefused("blobs is a symlink");
        }

        @Test
        void aManifestSizeThatLiesIsRefused() throws Exception {
            ObjectNode desc = img.descriptor().deepCopy();
            desc.put("size", desc.get("size").asLong() + 10);
            layout.entry(desc, "app:bad");

            assertRefused("size that lies");
        }

        @Test
        void aLayerSizeThatLiesIsRefused() throws Exception {
            ObjectNode manifest = img.manifest().deepCopy();
            ObjectNode l = (ObjectNode) manifest.get("layers").get(0);
            l.put("size", l.get("size").asLong() - 1);
            layout.entry(layout.blob(OCI_MANIFEST, manifest.toString().getBytes()), "app:bad");

            assertRefused("layer 0 blob " + img.layerDigest(), "size that lies");
        }

        @Test
        void aTruncatedLayerIsRefused() throws Exception {
            try (RandomAccessFile f = new RandomAccessFile(layout.blob(img.layerDigest()).toFile(), "rw")) {
                f.setLength(f.length() - 100);
            }
            layout.entry(img.descriptor(), "app:bad");

            assertRefused("layer 0 blob", "truncated");
        }

        @Test
        void aCorruptedLayerOfTheRightSizeIsRefused() throws Exception {
            try (RandomAccessFile f = new RandomAccessFile(layout.blob(img.layerDigest()).toFile(), "rw")) {
                f.seek(500);
                int b = f.read();
                f.seek(500);
                f.write(b ^ 0xff);
            }
            layout.entry(img.descriptor(), "app:bad");

            assertRefused("layer 0 blob " + img.layerDigest() + " is corrupt");
        }

        @Test
        void aCorruptedConfigIsRefused() throws Exception {
            Files.writeString(layout.blob(img.configDigest()), "{\"corrupted\": true}");
            layout.entry(img.descriptor(), "app:bad");

            assertRefused("config blob " + img.configDigest());
        }

        @Test
        void aMissingLayerIsRefused() throws Exception {
            Files.delete(layout.blob(img.layerDigest()));
            layout.entry(img.descriptor(), "app:bad");

            assertRefused("missing");
        }

        @Test
        void unknownMediaTypesAreRefused() throws Exception {
            layout.entry(img.descriptor().deepCopy().put("mediaType", "text/plain"), "app:bad");
            assertRefused("media type \"text/plain\"");

            setUp();
            TestLayout.Image notAnImage = layout.image("amd64", OCI_MANIFEST,
                    "application/vnd.example.artifact+json", OCI_LAYER);
            layout.entry(notAnImage.descriptor(), "app:bad");
            assertRefused("config has media type");
        }

        @Test
        void aManifestThatContradictsItsDescriptorIsRefused() throws Exception {
            ObjectNode manifest = img.manifest().deepCopy();
            manifest.put("mediaType", OCI_INDEX);
            layout.entry(layout.blob(OCI_MANIFEST, manifest.toString().getBytes()), "app:bad");

            assertRefused("says its media type is");
        }

        @Test
        void aNegativeOrFractionalSizeIsRefused() throws Exception {
            layout.entry(img.descriptor().deepCopy().put("size", -1), "app:bad");
            assertRefused("size is not a non-negative integer");
        }

        @Test
        void aSymlinkedIndexJsonIsRefused() throws Exception {
            layout.entry(img.descriptor(), "app:bad");
            Path index = layout.root.resolve("index.json");
            Path outside = dir.resolve("outside-index.json");
            Files.move(index, outside);
            Files.createSymbolicLink(index, outside);

            assertRefused("index.json is a symlink");
        }

        @Test
        void garbageIndexJsonIsAClearError() throws Exception {
            Files.writeString(layout.root.resolve("index.json"), "{\"manifests\": [ {");
            assertRefused("index.json is not valid JSON");
        }
    }

    @Nested
    class Tagging {
        @Test
        void tagAddsAnEntryWithTheFullRefAndInspectFindsIt() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "example.com/app:tilt-build-1");
            String id = store.inspect(ref("example.com/app:tilt-build-1"), null).orElseThrow();

            store.tag(id, ref("example.com/app:tilt-abcdef0123456789"));

            assertThat(store.inspect(ref("example.com/app:tilt-abcdef0123456789"), null)).contains(id);
            assertThat(refNames()).containsExactly("example.com/app:tilt-build-1",
                    "example.com/app:tilt-abcdef0123456789");
        }

        @Test
        void tagReplacesAnEntryOfTheSameName() throws Exception {
            TestLayout.Image a = layout.image("amd64");
            TestLayout.Image b = layout.image("amd64");
            layout.entry(a.descriptor(), "app:a").entry(b.descriptor(), "app:b").entry(a.descriptor(), "app:latest");

            store.tag(b.configDigest(), ref("app:latest"));

            assertThat(store.inspect(ref("app:latest"), null)).contains(b.configDigest());
            assertThat(refNames()).containsExactly("app:a", "app:b", "app:latest");
        }

        @Test
        void tagFindsAnImageByIdWithoutAPriorInspect() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "app:v1");

            new OciLayoutStore(layout.root).tag(img.configDigest(), ref("app:v2"));

            assertThat(store.inspect(ref("app:v2"), null)).contains(img.configDigest());
        }

        @Test
        void taggingAnUnknownImageIdFails() {
            assertThatThrownBy(() -> store.tag("sha256:" + "1".repeat(64), ref("app:v2")))
                    .isInstanceOf(ImageStoreException.class)
                    .hasMessageContaining("no image with ID sha256:" + "1".repeat(64))
                    .hasMessageContaining("app:v2");
        }

        @Test
        void unknownFieldsOfIndexJsonSurviveATag() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "app:v1");
            ObjectNode idx = (ObjectNode) JSON.readTree(layout.root.resolve("index.json").toFile());
            idx.putObject("annotations").put("x.custom", "kept");
            Files.writeString(layout.root.resolve("index.json"), idx.toString());

            store.tag(img.configDigest(), ref("app:v2"));

            assertThat(JSON.readTree(layout.root.resolve("index.json").toFile()).path("annotations")
                    .path("x.custom").asText()).isEqualTo("kept");
        }

        @Test
        void concurrentTagsFromManyThreadsAndStoresLoseNoEntry() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "app:v1");
            int threads = 8;
            int perThread = 25;
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                // separate store instances, as separate builds would have
                OciLayoutStore s = new OciLayoutStore(layout.root, "amd64");
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        s.tag(img.configDigest(), ref("app:t" + thread + "-" + i));
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
            pool.shutdownNow();

            Set<String> names = new HashSet<>(refNames());
            assertThat(names).hasSize(1 + threads * perThread).contains("app:v1", "app:t0-0", "app:t7-24");
            for (String n : names) {
                assertThat(store.inspect(ref(n), null)).contains(img.configDigest());
            }
        }

        @Test
        void concurrentTagsFromSeveralProcessesLoseNoEntry() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "app:v1");
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<Process> children = new ArrayList<>();
            for (String prefix : List.of("p1", "p2")) {
                children.add(new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                        TagMain.class.getName(), layout.root.toString(), img.configDigest(), prefix, "40")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start());
            }
            try {
                for (int i = 0; i < 40; i++) {
                    store.tag(img.configDigest(), ref("app:here-" + i));
                }
                for (Process p : children) {
                    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
                    assertThat(p.exitValue()).isZero();
                }
            } finally {
                children.forEach(Process::destroyForcibly);
            }

            Set<String> names = new HashSet<>(refNames());
            assertThat(names).hasSize(1 + 3 * 40).contains("app:p1-39", "app:p2-39", "app:here-39");
        }

        @Test
        void aTagWaitsOutAnIndexJsonThatAnotherProgramIsHalfWayThroughWriting() throws Exception {
            TestLayout.Image img = layout.image("amd64");
            layout.entry(img.descriptor(), "app:v1");
            Path index = layout.root.resolve("index.json");
            String whole = Files.readString(index);
            Files.writeString(index, whole.substring(0, whole.length() / 2));
            ExecutorService pool = Executors.newSingleThreadExecutor();
            try {
                Future<?> tag = pool.submit(() -> {
                    store.tag(img.configDigest(), ref("app:v2"));
                    return null;
                });
                Thread.sleep(100);
                assertThat(tag.isDone()).isFalse();
                Files.writeString(index, whole);

                tag.get(30, TimeUnit.SECONDS);
            } finally {
                pool.shutdownNow();
            }
            assertThat(refNames()).containsExactly("app:v1", "app:v2");
        }

        @Test
        void commandEnvironmentCreatesAnEmptyLayout() throws Exception {
            Path fresh = dir.resolve("fresh/layout");
            OciLayoutStore s = new OciLayoutStore(fresh);

            assertThat(s.commandEnvironment()).containsEntry("EXPECTED_OCI_LAYOUT", fresh.toAbsolutePath().toString());
            assertThat(Files.readString(fresh.resolve("oci-layout"))).contains("\"imageLayoutVersion\":\"1.0.0\"");
            assertThat(JSON.readTree(fresh.resolve("index.json").toFile()).get("manifests").size()).isZero();
            assertThat(fresh.resolve("blobs/sha256")).isDirectory();
            assertThat(s.inspect(ref("app:v1"), null)).isEqualTo(Optional.empty());
            assertThat(s.description()).isEqualTo("OCI image layout at " + fresh.toAbsolutePath());
        }

        List<String> refNames() throws Exception {
            List<String> names = new ArrayList<>();
            for (JsonNode m : JSON.readTree(layout.root.resolve("index.json").toFile()).get("manifests")) {
                names.add(m.path("annotations").path("org.opencontainers.image.ref.name").asText());
            }
            return names;
        }
    }
}

package dev.cmdimage.core.oci;

import static dev.cmdimage.core.oci.TestLayout.JSON;
import static dev.cmdimage.core.oci.TestLayout.OCI_INDEX;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Image indexes that list the same child again and again (issue 9 item 5): each manifest and index is read and
 * pushed once, the number of descriptors and the nesting are bounded, and a graph beyond the bounds fails with a
 * sentence in seconds instead of exhausting the heap.
 */
class IndexFanOutTest {
    private static final Duration BOUND = Duration.ofSeconds(60);

    @TempDir
    Path dir;
    FakeRegistry registry;
    TestLayout layout;
    OciLayoutStore store;
    TestLayout.Image image;

    @BeforeEach
    void setUp() throws Exception {
        registry = new FakeRegistry();
        layout = new TestLayout(dir.resolve("layout"));
        store = new OciLayoutStore(layout.root, "amd64");
        image = layout.image("amd64");
    }

    @AfterEach
    void tearDown() {
        registry.close();
    }

    /** An image index listing {@code child} {@code copies} times (linux/amd64 on each). */
    ObjectNode indexRepeating(ObjectNode child, int copies) {
        ObjectNode idx = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", OCI_INDEX);
        ArrayNode manifests = idx.putArray("manifests");
        ObjectNode entry = TestLayout.withPlatform(child, "linux", "amd64");
        for (int i = 0; i < copies; i++) {
            manifests.add(entry);
        }
        return layout.blob(OCI_INDEX, idx.toString().getBytes(StandardCharsets.UTF_8));
    }

    /** {@code levels} indexes, each listing the one below {@code copies} times; the lowest lists the image. */
    List<ObjectNode> fanOut(int levels, int copies) {
        List<ObjectNode> indexes = new ArrayList<>();
        ObjectNode below = image.descriptor();
        for (int i = 0; i < levels; i++) {
            below = indexRepeating(below, copies);
            indexes.add(below);
        }
        return indexes;
    }

    private ImageRef named(ObjectNode top) {
        ImageRef ref = ImageRef.parse(registry.domain() + "/team/app:v1");
        layout.entry(top, ref.familiarString());
        return ref;
    }

    private String push(ImageRef ref) throws Exception {
        return RegistryHttpPusher.builder(store).retries(1, Duration.ofMillis(10)).build()
                .push(ref, line -> { }, Cancellation.never());
    }

    @Test
    void nestedIndexesListingOneChildAThousandTimesArePushedWithEachManifestOnce() throws Exception {
        List<ObjectNode> indexes = fanOut(3, 1000);
        ObjectNode top = indexes.get(2);
        ImageRef ref = named(top);

        String digest = assertTimeoutPreemptively(BOUND, () -> push(ref));

        assertThat(digest).isEqualTo(top.get("digest").asText());
        assertThat(registry.logSnapshot().stream().filter(l -> l.startsWith("PUT /v2/team/app/manifests/")))
                .containsExactly("PUT /v2/team/app/manifests/" + image.digest(),
                        "PUT /v2/team/app/manifests/" + indexes.get(0).get("digest").asText(),
                        "PUT /v2/team/app/manifests/" + indexes.get(1).get("digest").asText(),
                        "PUT /v2/team/app/manifests/v1");
        assertThat(registry.count("POST /v2/team/app/blobs/uploads/")).isEqualTo(2);
    }

    @Test
    void nestedIndexesListingOneChildAThousandTimesAreInspectedAndSearchedByImageId() throws Exception {
        ObjectNode top = fanOut(3, 1000).get(2);
        ImageRef ref = named(top);
        TestLayout.Image other = layout.image("amd64");
        layout.entry(other.descriptor(), "other:v1");

        assertTimeoutPreemptively(BOUND, () -> {
            assertThat(store.inspect(ref, "amd64")).contains(image.configDigest());
            // a store that did not inspect the other image looks it up by ID through every entry, the fan-out first
            new OciLayoutStore(layout.root, "amd64").tag(other.configDigest(), ImageRef.parse("other:v2"));
        });

        assertThat(store.inspect(ImageRef.parse("other:v2"), "amd64")).contains(other.configDigest());
    }

    @Test
    void moreDescriptorsThanTheBoundFailWithASentence() {
        List<ObjectNode> indexes = fanOut(2, 6000);
        ImageRef ref = named(indexes.get(1));

        assertTimeoutPreemptively(BOUND, () -> assertThatThrownBy(() -> push(ref))
                .isInstanceOf(PushException.class)
                .hasMessageEndingWith("image index " + indexes.get(0).get("digest").asText() + " brings the image to"
                        + " more than"
                        + " 10000 descriptors (manifests, indexes, configs and layers); refusing to follow more"));
        assertThat(registry.logSnapshot()).noneMatch(l -> l.startsWith("PUT "));
    }

    @Test
    void indexesNestedDeeperThanTheBoundFailWithASentence() {
        List<ObjectNode> indexes = fanOut(5, 2);
        ImageRef ref = named(indexes.get(4));

        assertThatThrownBy(() -> push(ref))
                .isInstanceOf(PushException.class)
                .hasMessageEndingWith("image index " + indexes.get(0).get("digest").asText() + " is nested deeper"
                        + " than 4 levels of image indexes");
        assertThatThrownBy(() -> store.inspect(ref, "amd64"))
                .isInstanceOf(ImageStoreException.class)
                .hasMessageEndingWith("image index " + indexes.get(0).get("digest").asText() + " is nested deeper"
                        + " than 4 levels of image indexes");
    }
}

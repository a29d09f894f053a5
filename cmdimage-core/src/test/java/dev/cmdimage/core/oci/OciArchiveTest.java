package dev.cmdimage.core.oci;

import static dev.cmdimage.core.oci.TestLayout.OCI_INDEX;
import static dev.cmdimage.core.oci.TestLayout.withPlatform;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.OciLayoutStore;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link OciLayoutStore#writeArchive}: an OCI archive of one image, one platform, named in full form. The tar is
 * read back here with a reader of its own (the real {@code ctr} reads it in ContainerdLoadIT).
 */
class OciArchiveTest {
    @TempDir
    Path dir;

    /** Entry name to bytes, from a ustar archive. */
    static Map<String, byte[]> untar(byte[] tar) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        int at = 0;
        while (at + 512 <= tar.length) {
            String name = new String(tar, at, 100, StandardCharsets.UTF_8).replaceAll("\0.*", "");
            if (name.isEmpty()) {
                break;
            }
            String size = new String(tar, at + 124, 11, StandardCharsets.US_ASCII).trim();
            int n = Integer.parseInt(size, 8);
            byte[] body = new byte[n];
            System.arraycopy(tar, at + 512, body, 0, n);
            entries.put(name, body);
            at += 512 + ((n + 511) / 512) * 512;
        }
        return entries;
    }

    @Test
    void theArchiveOfAMultiPlatformImageHoldsTheClustersPlatformOnlyUnderTheFullName() throws Exception {
        TestLayout layout = new TestLayout(dir.resolve("layout"));
        TestLayout.Image amd = layout.image("amd64");
        TestLayout.Image arm = layout.image("arm64");
        layout.entry(layout.index(OCI_INDEX, withPlatform(amd.descriptor(), "linux", "amd64"),
                withPlatform(arm.descriptor(), "linux", "arm64")), "app:multi");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new OciLayoutStore(layout.root).writeArchive(ImageRef.parse("app:multi"), "arm64", out);

        Map<String, byte[]> entries = untar(out.toByteArray());
        assertThat(entries.keySet()).containsExactlyInAnyOrder("oci-layout", "index.json",
                "blobs/sha256/" + arm.digest().substring(7), "blobs/sha256/" + arm.configDigest().substring(7),
                "blobs/sha256/" + arm.layerDigest().substring(7));
        JsonNode index = TestLayout.JSON.readTree(entries.get("index.json"));
        JsonNode entry = index.get("manifests").get(0);
        assertThat(index.get("manifests")).hasSize(1);
        assertThat(entry.get("digest").asText()).isEqualTo(arm.digest());
        assertThat(entry.at("/platform/architecture").asText()).isEqualTo("arm64");
        assertThat(entry.at("/annotations/io.containerd.image.name").asText())
                .isEqualTo("docker.io/library/app:multi");
        assertThat(entry.at("/annotations/org.opencontainers.image.ref.name").asText()).isEqualTo("multi");
        assertThat(TestLayout.sha256(entries.get("blobs/sha256/" + arm.layerDigest().substring(7))))
                .isEqualTo(arm.layerDigest());
    }

    @Test
    void aRefWithARegistryKeepsItsRegistryInTheName() throws Exception {
        TestLayout layout = new TestLayout(dir.resolve("layout"));
        layout.entry(layout.image("amd64").descriptor(), "localhost:5000/team/app:v1");
        ByteArrayOutputStream out = new ByteArrayOutputStream();

        new OciLayoutStore(layout.root).writeArchive(ImageRef.parse("localhost:5000/team/app:v1"), null, out);

        JsonNode index = TestLayout.JSON.readTree(untar(out.toByteArray()).get("index.json"));
        assertThat(index.at("/manifests/0/annotations/io.containerd.image.name").asText())
                .isEqualTo("localhost:5000/team/app:v1");
    }

    @Test
    void aMissingImageIsAnErrorNamingTheLayoutAndTheRef() {
        TestLayout layout = new TestLayout(dir.resolve("layout"));

        assertThatThrownBy(() -> new OciLayoutStore(layout.root).writeArchive(ImageRef.parse("app:none"), null,
                new ByteArrayOutputStream()))
                .isInstanceOf(ImageStoreException.class)
                .hasMessage("OCI image layout " + layout.root + ", image app:none: no such image");
    }
}

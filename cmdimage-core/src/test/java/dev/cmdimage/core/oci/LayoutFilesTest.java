package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.testing.Fifos;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Files of an OCI layout that a build command may have replaced: checked without following a link before they are
 * opened, so a FIFO or a symlink is refused with a sentence naming it, never followed or waited on.
 */
class LayoutFilesTest {
    private static final Duration BOUND = Duration.ofSeconds(30);

    @TempDir
    Path dir;
    TestLayout layout;
    OciLayoutStore store;
    TestLayout.Image img;
    String prefix;

    @BeforeEach
    void setUp() {
        layout = new TestLayout(dir.resolve("layout"));
        store = new OciLayoutStore(layout.root, "amd64");
        img = layout.image("amd64");
        layout.entry(img.descriptor(), "app:v1");
        prefix = "OCI image layout " + layout.root + ", image app:v1: ";
    }

    private static ImageRef ref(String s) {
        return ImageRef.parse(s);
    }

    private void assertInspectRefused(String message) {
        assertTimeoutPreemptively(BOUND, () ->
                assertThatThrownBy(() -> store.inspect(ref("app:v1"), null))
                        .isInstanceOf(ImageStoreException.class)
                        .hasMessage(prefix + message));
    }

    @Test
    void theLayoutIsFineBeforeEachCaseBreaksIt() throws Exception {
        assertThat(store.inspect(ref("app:v1"), null)).contains(img.configDigest());
    }

    @Test
    void aFifoAtIndexJsonIsRefusedWithoutBlocking() throws Exception {
        Files.delete(layout.root.resolve("index.json"));
        Fifos.make(layout.root.resolve("index.json"));

        assertInspectRefused("index.json is a FIFO (named pipe), not a regular file; refusing to use it");
    }

    @Test
    void aDirectoryAtIndexJsonIsRefused() throws Exception {
        Files.delete(layout.root.resolve("index.json"));
        Files.createDirectory(layout.root.resolve("index.json"));

        assertInspectRefused("index.json is a directory, not a regular file; refusing to use it");
    }

    @Test
    void aFifoAtTheLockFileFailsATagWithoutBlocking() throws Exception {
        Fifos.make(layout.root.resolve("index.json.lock"));

        assertTimeoutPreemptively(BOUND, () ->
                assertThatThrownBy(() -> store.tag(img.configDigest(), ref("app:v2")))
                        .isInstanceOf(ImageStoreException.class)
                        .hasMessage("OCI image layout " + layout.root + ", image app:v2: index.json.lock is a FIFO"
                                + " (named pipe), not a regular file; refusing to open it"));
        assertThat(layout.root.resolve("index.json")).content().doesNotContain("app:v2");
    }

    @Test
    void aFifoAtTheLockFileFailsPreparingTheCommandWithoutBlocking() throws Exception {
        Files.delete(layout.root.resolve("index.json"));
        Fifos.make(layout.root.resolve("index.json.lock"));

        assertTimeoutPreemptively(BOUND, () ->
                assertThatThrownBy(() -> store.commandEnvironment())
                        .isInstanceOf(UncheckedIOException.class)
                        .hasMessageContaining("cannot create the OCI image layout " + layout.root
                                + ": index.json.lock is a FIFO (named pipe), not a regular file; refusing to open it"));
    }

    @Test
    void aMissingOciLayoutFileIsRefused() throws Exception {
        Files.delete(layout.root.resolve("oci-layout"));

        assertInspectRefused("the file oci-layout is missing, so " + layout.root + " is not an OCI image layout (the"
                + " file holds {\"imageLayoutVersion\":\"1.0.0\"})");
    }

    @Test
    void aMissingOciLayoutFileIsRefusedForADigestRefToo() throws Exception {
        Files.delete(layout.root.resolve("oci-layout"));

        assertThatThrownBy(() -> store.inspect(ref("app@" + img.digest()), null))
                .hasMessageEndingWith("the file oci-layout is missing, so " + layout.root + " is not an OCI image"
                        + " layout (the file holds {\"imageLayoutVersion\":\"1.0.0\"})");
    }

    @Test
    void anOciLayoutFileThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
        Files.delete(layout.root.resolve("oci-layout"));
        Fifos.make(layout.root.resolve("oci-layout"));

        assertInspectRefused("the file oci-layout is a FIFO (named pipe), not a regular file; refusing to use "
                + layout.root);
    }

    @Test
    void anOciLayoutFileWithoutAVersionIsRefused() throws Exception {
        Files.writeString(layout.root.resolve("oci-layout"), "{}");

        assertInspectRefused("the file oci-layout does not hold {\"imageLayoutVersion\":\"<version>\"}, so "
                + layout.root + " is not an OCI image layout");
    }

    @Test
    void aLayoutDirectoryReplacedByASymlinkIsRefused() throws Exception {
        Path moved = dir.resolve("elsewhere");
        Files.move(layout.root, moved);
        Files.createSymbolicLink(layout.root, moved);

        assertInspectRefused("the layout directory " + layout.root + " is a symlink; refusing to follow it (configure"
                + " the directory it points to)");
        assertThatThrownBy(() -> store.tag(img.configDigest(), ref("app:v2")))
                .hasMessageContaining("the layout directory " + layout.root + " is a symlink");
        assertThat(moved.resolve("index.json")).content().doesNotContain("app:v2");
    }

    @Test
    void aSymlinkedLayoutDirectoryIsRefusedBeforeTheCommandToo() throws Exception {
        Path link = dir.resolve("link");
        Files.createSymbolicLink(link, layout.root);

        assertThatThrownBy(() -> new OciLayoutStore(link, "amd64").commandEnvironment())
                .hasMessageContaining("the layout directory " + link + " is a symlink");
    }

    @Test
    void aLayerThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
        Path layer = layout.blob(img.layerDigest());
        Files.delete(layer);
        Fifos.make(layer);

        assertInspectRefused("blob " + img.layerDigest() + " is not a regular file");
    }

    @Test
    void aManifestThatIsAFifoIsRefusedWithoutBlocking() throws Exception {
        Path manifest = layout.blob(img.digest());
        Files.delete(manifest);
        Fifos.make(manifest);

        assertInspectRefused("blob " + img.digest() + " is not a regular file");
    }
}

package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class ImageStoreOptionTest {
    @Test
    void parsesTheThreeForms() {
        assertThat(ImageStoreOption.parse("auto")).isEqualTo(ImageStoreOption.AUTO);
        assertThat(ImageStoreOption.parse("docker").kind()).isEqualTo(ImageStoreOption.Kind.DOCKER);
        ImageStoreOption oci = ImageStoreOption.parse("oci:build/layout");
        assertThat(oci.kind()).isEqualTo(ImageStoreOption.Kind.OCI);
        assertThat(oci.dir()).isEqualTo("build/layout");
        assertThat(oci).hasToString("oci:build/layout");
    }

    @Test
    void rejectsUnknownStoresAndAnOciStoreWithoutDirectory() {
        assertThatThrownBy(() -> ImageStoreOption.parse("podman"))
                .hasMessage("\"podman\" is not an image store (expected auto, docker or oci:DIR)");
        assertThatThrownBy(() -> ImageStoreOption.parse("oci:"))
                .hasMessageContaining("needs a directory");
    }
}

package dev.cmdimage.maven;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.core.GoDurations;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** What {@code <imageStore>} and {@code <timeout>} accept, and what they say about the rest. */
class OptionsTest {
    @Test
    void imageStoreIsAutoDockerOrOciWithADirectory() {
        for (String ok : new String[] {"auto", "docker", "oci:target/oci", "oci:/tmp/layout"}) {
            assertThatCode(() -> ImageStoreChooser.check(ok)).doesNotThrowAnyException();
        }
        for (String bad : new String[] {"oci:", "oci: ", "podman", "Auto"}) {
            assertThatThrownBy(() -> ImageStoreChooser.check(bad))
                    .hasMessage("cmdimage: <imageStore> \"" + bad + "\" is not an image store (expected auto, docker"
                            + " or oci:DIR)");
        }
    }

    @Test
    void timeoutsAreWrittenAsTheCommandLineWritesThem() {
        assertThat(GoDurations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDurations.parse("1h30m")).isEqualTo(Duration.ofMinutes(90));
        assertThat(GoDurations.parse("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> GoDurations.parse("5 minutes"))
                .hasMessage("\"5 minutes\" is not a duration (expected e.g. 90s, 5m, 1h30m or 500ms)");
        assertThatThrownBy(() -> GoDurations.parse("0s")).hasMessageContaining("not a positive duration");
    }
}

package dev.cmdimage.core.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The prepared environment of a build, printed, masks secret values as every other printed environment does. */
class PreparedTest {
    @Test
    void toStringMasksSecretEnvironmentValues() {
        Prepared prepared = new Prepared(new Expectation(null, Path.of("/work/ref.txt")), Path.of("/work"),
                Map.of("NPM_TOKEN", "npm_0123456789abcdef", "GREETING", "hello"));

        assertThat(prepared.toString()).contains("NPM_TOKEN=<redacted>", "GREETING=hello")
                .doesNotContain("npm_0123456789abcdef");
    }
}

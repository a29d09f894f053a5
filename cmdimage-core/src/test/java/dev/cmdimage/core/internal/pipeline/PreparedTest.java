package dev.cmdimage.core.internal.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PreparedTest {
    @Test
    void toStringMasksSecretEnvironmentValues() {
        Prepared prepared = new Prepared(null, Path.of("/work"),
                Map.of("REGISTRY_PASSWORD", "hunter2-secret", "GITHUB_TOKEN", "ghp_secret-token", "HOME", "/home/u"));

        assertThat(prepared.toString())
                .doesNotContain("hunter2-secret", "ghp_secret-token")
                .contains("REGISTRY_PASSWORD=<redacted>", "GITHUB_TOKEN=<redacted>", "HOME=/home/u", "/work");
    }
}

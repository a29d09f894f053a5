package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CliTest {
    @Test
    void toStringNeverShowsTheEnvironment() {
        Cli cli = new Cli(new ByteArrayInputStream(new byte[0]), System.out, System.err, Path.of("/work"),
                Map.of("REGISTRY_PASSWORD", "hunter2-secret", "DB_URL", "postgres://u:pw-in-url@db/x"), false);

        assertThat(cli.toString())
                .doesNotContain("hunter2-secret", "pw-in-url", "REGISTRY_PASSWORD")
                .contains("2 variables", "/work");
    }
}

package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
    @TempDir
    Path tmp;

    @Test
    void printsItsVersion() {
        CliRun run = CliRun.run(tmp, "--version");

        assertThat(run.exit).isEqualTo(0);
        assertThat(run.out.strip()).matches("cmdimage \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
    }

    @ParameterizedTest
    @ValueSource(strings = {"build", "validate", "watch"})
    void everyCommandHasHelpAndVersion(String command) {
        CliRun help = CliRun.run(tmp, command, "--help");
        assertThat(help.exit).isEqualTo(0);
        assertThat(help.out).contains("Usage: cmdimage " + command).contains("FILE");

        CliRun version = CliRun.run(tmp, command, "--version");
        assertThat(version.exit).isEqualTo(0);
        assertThat(version.out).startsWith("cmdimage ");
    }

    @Test
    void topLevelHelpListsTheCommandsAndTheExitStatuses() {
        CliRun run = CliRun.run(tmp, "--help");

        assertThat(run.exit).isEqualTo(0);
        assertThat(run.out).contains("build").contains("validate").contains("watch")
                .contains("0  every build completed without error").contains("2  unusable input or usage");
    }

    @Test
    void buildHelpShowsTheOptionsOfTheContract() {
        CliRun run = CliRun.run(tmp, "build", "--help");

        assertThat(run.out).contains("-o, --output=yaml|json").contains("--timeout=DURATION")
                .contains("--image-store=auto|docker|oci:DIR");
    }

    @Test
    void aMissingCommandIsAUsageError() {
        CliRun run = CliRun.run(tmp);

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("Missing command");
    }

    @Test
    void thePublicRunEntryPointReturnsTheExitStatus() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int exit = Main.run(new String[] {"validate", tmp.resolve("missing.yaml").toString()},
                new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("missing.yaml: no such file");
    }
}

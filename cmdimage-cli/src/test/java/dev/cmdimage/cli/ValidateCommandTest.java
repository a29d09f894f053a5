package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
    @TempDir
    Path tmp;

    @Test
    void aValidFileExitsZeroAndRunsNothing() throws IOException {
        Files.writeString(tmp.resolve("ok.yaml"), TestYaml.remote("a", "echo ran > ran")
                + TestYaml.remote("b", "true", "imageMaps: [a]"));

        CliRun run = CliRun.run(tmp, "validate", "ok.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.err).contains("ok.yaml is valid: 2 CmdImage");
        assertThat(run.out).isEmpty();
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void anInvalidFileExitsTwoListingEveryProblemWithItsFieldPath() throws IOException {
        Files.writeString(tmp.resolve("bad.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: one
                spec:
                  ref: one
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: two
                spec:
                  ref: "Not A Ref"
                  args: ["true"]
                  env: ["=nokey"]
                  outputTag: v1
                  outputsImageRefTo: ref.txt
                """);

        CliRun run = CliRun.run(tmp, "validate", "bad.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("spec.args: Required value")
                .contains("spec.ref: Invalid value: \"Not A Ref\"")
                .contains("spec.env[0]")
                .contains("spec.outputsImageRefTo");
        assertThat(run.err.lines().filter(l -> l.startsWith("bad.yaml"))).hasSizeGreaterThanOrEqualTo(4);
    }

    @Test
    void readsStdin() {
        CliRun run = CliRun.run(tmp, Map.of(), TestYaml.remote("a", "true"), "validate", "-");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.err).contains("stdin is valid");
    }

    @Test
    void aYamlSyntaxErrorIsAProblemNotAStackTrace() throws IOException {
        Files.writeString(tmp.resolve("broken.yaml"), "kind: CmdImage\nspec: [unclosed\n");

        CliRun run = CliRun.run(tmp, "validate", "broken.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("broken.yaml").doesNotContain("\tat ").doesNotContain("Exception");
    }
}

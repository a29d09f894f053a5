package dev.cmdimage.cli;

import static dev.cmdimage.cli.TestYaml.remote;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code -v}, {@code -q} and {@code --color} on stderr, in process (so stderr is not a terminal). */
class ConsoleTest {
    private static final String ESC = "\u001b";

    @TempDir
    Path tmp;

    @BeforeEach
    void file() throws IOException {
        Files.writeString(tmp.resolve("cmdimage.yaml"), remote("ok", "echo hello-ok")
                + remote("broken", "echo about to fail; exit 3"));
    }

    @Test
    void quietSaysOnlyWhatWentWrong() {
        CliRun run = CliRun.run(tmp, "build", "-q", "cmdimage.yaml");

        assertThat(run.exit).isEqualTo(1);
        assertThat(run.err.lines()).isNotEmpty().allMatch(l -> l.startsWith("[broken] "), "about broken");
        assertThat(run.err).contains("[broken] completed with error: ").doesNotContain("hello-ok", "image store",
                "run: running", "done in");
        // stdout is not affected
        assertThat(run.cmdImage("ok").status().isSucceeded()).isTrue();
        assertThat(CliRun.run(tmp, "validate", "--quiet", "cmdimage.yaml").err).isEmpty();
    }

    @Test
    void normalShowsOutputStepsAndStatusesWithoutDiagnostics() {
        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.linesOf("ok")).contains("hello-ok").anyMatch(l -> l.startsWith("run: running [sh, -c"))
                .anyMatch(l -> l.startsWith("completed: ok:tilt-build-"));
        assertThat(run.err).contains("cmdimage: image store: none needed").doesNotContain("debug:");
    }

    @Test
    void verboseAddsTheLibrarysDiagnosticsForThatRunOnly() {
        CliRun verbose = CliRun.run(tmp, "build", "--verbose", "cmdimage.yaml");

        assertThat(verbose.err).containsPattern("(?m)^cmdimage: debug: JdkProcessRunner: started \\[sh, -c, echo"
                + " hello-ok\\] as pid \\d+ in " + java.util.regex.Pattern.quote(tmp.toString()));
        assertThat(verbose.linesOf("ok")).contains("hello-ok");

        CliRun after = CliRun.run(tmp, "build", "cmdimage.yaml");
        assertThat(after.err).doesNotContain("debug:");
    }

    @Test
    void colorAlwaysColorsEachNameItsOwnWayAndErrorsRedAfterEscapingWhatTheCommandPrinted() throws IOException {
        Files.writeString(tmp.resolve("cmdimage.yaml"), remote("ok", "printf 'hello-ok \\033[2J\\n'")
                + remote("broken", "echo about to fail; exit 3"));

        CliRun run = CliRun.run(tmp, "build", "--color", "always", "cmdimage.yaml");

        assertThat(run.err).contains(ESC + "[36m[ok]" + ESC + "[0m hello-ok \\x1b[2J")
                .contains(ESC + "[35m[broken]" + ESC + "[0m " + ESC + "[31mcompleted with error: ")
                .contains(ESC + "[36m[ok]" + ESC + "[0m " + ESC + "[32mcompleted: ok:tilt-build-")
                .contains(ESC + "[1mcmdimage:" + ESC + "[0m image store: none needed");
        // every escape is one of the reporter's colors: nothing the command printed reaches the terminal
        assertThat(run.err).doesNotContainPattern(ESC + "(?!\\[\\d+m)");
        assertThat(run.out).doesNotContain(ESC);
    }

    @Test
    void withoutATerminalAutoAndNeverPrintPlainLines() {
        assertThat(CliRun.run(tmp, "build", "cmdimage.yaml").err).doesNotContain(ESC);
        assertThat(CliRun.run(tmp, "build", "--color", "never", "cmdimage.yaml").err).doesNotContain(ESC);
        assertThat(CliRun.run(tmp, "build", "--color=auto", "cmdimage.yaml").err).doesNotContain(ESC);
    }

    @Test
    void autoColorsATerminalUnlessNoColorIsSet() {
        assertThat(ConsoleOptions.colors(ConsoleOptions.ColorMode.auto, true, cli(Map.of()))).isTrue();
        assertThat(ConsoleOptions.colors(ConsoleOptions.ColorMode.auto, true, cli(Map.of("NO_COLOR", "1")))).isFalse();
        // no-color.org: set to the empty string, it does not count
        assertThat(ConsoleOptions.colors(ConsoleOptions.ColorMode.auto, true, cli(Map.of("NO_COLOR", "")))).isTrue();
        assertThat(ConsoleOptions.colors(ConsoleOptions.ColorMode.auto, false, cli(Map.of()))).isFalse();
        // the command line wins over the environment
        assertThat(ConsoleOptions.colors(ConsoleOptions.ColorMode.always, false, cli(Map.of("NO_COLOR", "1"))))
                .isTrue();
        assertThat(ConsoleOptions.colors(ConsoleOptions.ColorMode.never, true, cli(Map.of()))).isFalse();
    }

    @Test
    void anInProcessRunNeverTakesItsStreamsForATerminal() {
        assertThat(ConsoleOptions.stderrIsTerminal(cli(Map.of()))).isFalse();
    }

    private Cli cli(Map<String, String> env) {
        return new Cli(new ByteArrayInputStream(new byte[0]), new PrintStream(System.out),
                new PrintStream(System.err), tmp, env, false);
    }
}

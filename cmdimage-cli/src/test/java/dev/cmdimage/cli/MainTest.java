package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class MainTest {
    @TempDir
    Path tmp;

    @Test
    void versionNamesTheVersionTheGitCommitAndTheDateOfTheBuild() throws Exception {
        Instant jvmStart = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());

        CliRun run = CliRun.run(tmp, "--version");

        assertThat(run.exit).isEqualTo(0);
        List<String> lines = run.out.lines().toList();
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).matches("cmdimage \\d+\\.\\d+\\.\\d+(-SNAPSHOT)?");
        assertThat(lines.get(1)).isEqualTo("commit: " + gitHead());
        assertThat(lines.get(2)).startsWith("built:  ");
        // written by the build, before this JVM started: not the time of the run
        Instant built = Instant.parse(lines.get(2).substring("built:  ".length()));
        assertThat(built).isBeforeOrEqualTo(jvmStart);
    }

    /** {@code git rev-parse --short HEAD} here (the module directory), or {@code unknown} outside git. */
    static String gitHead() throws Exception {
        Process git;
        try {
            git = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(false).start();
        } catch (java.io.IOException noGit) {
            return "unknown";
        }
        String out = new String(git.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        assertThat(git.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        return git.exitValue() == 0 ? out : "unknown";
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
        // one short line per command, as kubectl lists its commands
        assertThat(run.out).contains("  validate    Checks FILE without running anything.\n")
                .contains("  completion  Prints the bash or zsh completion script for cmdimage.\n");
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
        assertThat(run.err.lines()).containsExactly(
                "cmdimage: Missing command: build, validate, watch, help or completion", "See 'cmdimage --help'.");
    }

    @Test
    void helpPrintsTheHelpOfTheCommandNamed() {
        CliRun build = CliRun.run(tmp, "help", "build");
        assertThat(build.exit).isEqualTo(0);
        assertThat(build.out).startsWith("Usage: cmdimage build").contains("--parallelism=N").contains("[FILE] [NAME...]");

        CliRun top = CliRun.run(tmp, "help");
        assertThat(top.exit).isEqualTo(0);
        assertThat(top.out).startsWith("Usage: cmdimage").contains("completion").contains("help");

        CliRun unknown = CliRun.run(tmp, "help", "nosuch");
        assertThat(unknown.exit).isEqualTo(2);
        assertThat(unknown.err.lines()).hasSize(2).last().isEqualTo("See 'cmdimage --help'.");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "build -x f.yaml          | cmdimage build: Unknown option: '-x'                      | cmdimage build",
        "buidl f.yaml             | cmdimage: Unmatched arguments from index 0: 'buidl', 'f.yaml' (did you mean build or validate?) | cmdimage",
        "build --outptu json f.yaml | cmdimage build: Unknown option: '--outptu' (did you mean --output?) | cmdimage build",
        "build --timeout soon f.yaml | cmdimage build: Invalid value for option '--timeout': \"soon\" is not a duration | cmdimage build",
        "build                    | cmdimage build: Missing FILE: give it as the first argument or with -f FILE | cmdimage build",
        "build -v -q f.yaml       | cmdimage build: --verbose and --quiet cannot be used together | cmdimage build",
        "build --parallelism 0 f.yaml | cmdimage build: --parallelism must be at least 1, not 0 | cmdimage build",
        "build -f - -f - app      | cmdimage build: stdin (-) can be read only once             | cmdimage build",
        "validate a.yaml b.yaml   | cmdimage validate: Unmatched argument at index 2: 'b.yaml' | cmdimage validate",
        "validate -f a.yaml b.yaml | cmdimage validate: Unexpected argument b.yaml: validate takes no names; give more files with -f FILE | cmdimage validate",
        "watch -f -               | cmdimage watch: FILE must be a file: stdin cannot be watched for changes | cmdimage watch",
        "completion fish          | cmdimage completion: Invalid value for positional parameter at index 0 | cmdimage completion"})
    void aUsageErrorIsOneLineSayingWhatIsWrongAndOneNamingTheHelp(String args, String error, String command) {
        CliRun run = CliRun.run(tmp, args.strip().split("\\s+"));

        assertThat(run.exit).as(run.toString()).isEqualTo(2);
        assertThat(run.out).isEmpty();
        assertThat(run.err.lines()).as(run.toString()).hasSize(2);
        assertThat(run.err.lines().toList().get(0)).startsWith(error.strip());
        assertThat(run.err.lines().toList().get(1)).isEqualTo("See '" + command.strip() + " --help'.");
    }

    @ParameterizedTest
    @ValueSource(strings = {"build", "watch", "validate"})
    void theExitStatusesOfTheHelpAreReadableLinesAndMatchTheReadme(String command) {
        CliRun run = CliRun.run(tmp, command, "--help");

        List<String> footer = run.out.lines().dropWhile(l -> !l.equals("Exit status:")).skip(1).toList();
        assertThat(footer).isNotEmpty().allMatch(l -> l.matches(" +\\d+  \\S.*") && l.length() <= 80, "NNN  text");
        if (!command.equals("validate")) {
            assertThat(footer).anyMatch(l -> l.startsWith("  130  stopped by SIGINT"))
                    .anyMatch(l -> l.startsWith("  143  stopped by SIGTERM"));
        }
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

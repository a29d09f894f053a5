package dev.cmdimage.cli;

import static dev.cmdimage.cli.TestYaml.remote;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code -f/--file} (repeatable, merged into one set), {@code build FILE [NAME...]} and {@code --parallelism}, in
 * process with {@code remote} mode and {@code sh} commands.
 */
class FilesAndNamesTest {
    @TempDir
    Path tmp;

    private Path write(String relative, String text) throws IOException {
        Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void severalFilesAreOneSetEachCmdImageRunningInTheDirectoryOfItsFile() throws IOException {
        write("base/cmdimage.yaml", remote("base", "echo base-cwd=$(pwd)"));
        write("app/cmdimage.yaml", remote("app", "echo app-cwd=$(pwd) on $TILT_IMAGE_0", "imageMaps: [base]"));

        CliRun run = CliRun.run(tmp, "build", "-f", "app/cmdimage.yaml", "--file", "base/cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        // file order, then the ImageMaps created
        assertThat(run.objects()).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("CmdImage/app", "CmdImage/base", "ImageMap/app", "ImageMap/base");
        String base = run.cmdImage("base").status().ref();
        assertThat(run.linesOf("base")).contains("base-cwd=" + tmp.resolve("base").toRealPath());
        assertThat(run.linesOf("app")).contains("app-cwd=" + tmp.resolve("app").toRealPath() + " on " + base);
    }

    @Test
    void aNameInTwoFilesIsAProblemNamingBothAndNothingRuns() throws IOException {
        write("a.yaml", remote("twice", "touch ran"));
        write("b.yaml", remote("twice", "touch ran"));

        CliRun run = CliRun.run(tmp, "build", "-f", "a.yaml", "-f", "b.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("CmdImage \"twice\"").contains("a.yaml").contains("b.yaml");
        assertThat(run.out).isEmpty();
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void dashFDashReadsStdinBesideFiles() throws IOException {
        write("base.yaml", remote("base", "true"));

        CliRun run = CliRun.run(tmp, Map.of(), remote("piped", "echo on $TILT_IMAGE_0", "imageMaps: [base]"),
                "build", "-f", "base.yaml", "-f", "-");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.linesOf("piped")).contains("on " + run.cmdImage("base").status().ref());
        assertThat(CliRun.run(tmp, Map.of(), remote("v", "true"), "validate", "-f", "-", "-f", "base.yaml").err)
                .contains("stdin, base.yaml are valid: 2 CmdImage");
    }

    @Test
    void unreadableFilesAreAllNamed() {
        CliRun run = CliRun.run(tmp, "validate", "-f", "missing1.yaml", "-f", "missing2.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err.lines()).containsExactly("cannot read missing1.yaml: no such file",
                "cannot read missing2.yaml: no such file");
    }

    @Test
    void aFileGivenTwiceIsAProblem() throws IOException {
        write("a.yaml", remote("a", "true"));

        CliRun run = CliRun.run(tmp, "validate", "-f", "a.yaml", "-f", "a.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err.lines()).containsExactly("a.yaml is given more than once");
    }

    @Test
    void namesBuildOnlyThoseCmdImagesAndTheOnesTheyNeed() throws IOException {
        write("cmdimage.yaml", remote("base", "touch base-ran") + remote("lib", "touch lib-ran", "imageMaps: [base]")
                + remote("app", "touch app-ran", "imageMaps: [lib]") + remote("other", "touch other-ran"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml", "app");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(tmp.resolve("base-ran")).exists();
        assertThat(tmp.resolve("lib-ran")).exists();
        assertThat(tmp.resolve("app-ran")).exists();
        assertThat(tmp.resolve("other-ran")).doesNotExist();
        assertThat(run.flat()).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("CmdImage/base", "CmdImage/lib", "CmdImage/app", "ImageMap/base", "ImageMap/lib",
                        "ImageMap/app");
        assertThat(run.err).doesNotContain("[other]");
    }

    @Test
    void withDashFEveryArgumentIsAName() throws IOException {
        write("a.yaml", remote("one", "touch one-ran") + remote("two", "touch two-ran"));
        write("b.yaml", remote("three", "touch three-ran"));

        CliRun run = CliRun.run(tmp, "build", "-f", "a.yaml", "-f", "b.yaml", "two", "three");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(tmp.resolve("one-ran")).doesNotExist();
        assertThat(tmp.resolve("two-ran")).exists();
        assertThat(tmp.resolve("three-ran")).exists();
    }

    @Test
    void anUnknownNameIsAUsageErrorAndNothingRuns() throws IOException {
        write("cmdimage.yaml", remote("app", "touch ran"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml", "app", "nope");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err.lines()).containsExactly("no CmdImage named \"nope\" in cmdimage.yaml");
        assertThat(tmp.resolve("ran")).doesNotExist();
        assertThat(run.out).isEmpty();
    }

    @Test
    void parallelismOneRunsOneBuildAtATime() throws IOException {
        String script = "echo start-$N >> log; sleep 0.3; echo end-$N >> log";
        write("cmdimage.yaml", remote("a", script, "env: [\"N=a\"]") + remote("b", script, "env: [\"N=b\"]")
                + remote("c", script, "env: [\"N=c\"]"));

        CliRun run = CliRun.run(tmp, "build", "--parallelism", "1", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        List<String> log = Files.readAllLines(tmp.resolve("log"));
        assertThat(log).hasSize(6);
        for (int i = 0; i < 6; i += 2) {
            assertThat(log.get(i + 1)).as(log.toString()).isEqualTo(log.get(i).replace("start-", "end-"));
        }
    }

    @Test
    void parallelismTwoRunsTwoBuildsAtOnce() throws IOException {
        // each waits (bounded) until the other has started: both succeed only when they run at the same time
        String script = "touch started-$N; i=0; while [ ! -e started-$O ] && [ $i -lt 300 ]; do sleep 0.1;"
                + " i=$((i+1)); done; [ -e started-$O ]";
        write("cmdimage.yaml", remote("a", script, "env: [\"N=a\", \"O=b\"]")
                + remote("b", script, "env: [\"N=b\", \"O=a\"]"));

        CliRun run = CliRun.run(tmp, "build", "--parallelism", "2", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
    }
}

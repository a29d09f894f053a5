package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

/**
 * Input made to hurt the reader: endless, huge, deep or expanding. Each ends with exit 2 and one sentence on stderr
 * naming the input, never a stack trace or an exception's name, and before anything is built. The timeouts are
 * hang bounds, many times what each run takes.
 */
class HostileInputTest {
    @TempDir
    Path tmp;

    @Test
    @Timeout(60)
    @EnabledOnOs(OS.LINUX)
    void validateOfDevZeroIsRefusedAsTooLarge() {
        CliRun run = CliRun.run(tmp, "validate", "/dev/zero");

        assertOneSentence(run, "/dev/zero: Invalid value: larger than 8388608 bytes (8 MiB), the most the codec"
                + " reads; nothing was parsed");
    }

    /** A FIFO named on the command line is read as a stream (a pipe such as <(...)), bounded like stdin. */
    @Test
    @Timeout(60)
    @EnabledOnOs(OS.LINUX)
    void aPipeNamedAsFileIsReadLikeStdin() throws IOException, InterruptedException {
        Path pipe = tmp.resolve("pipe.yaml");
        mkfifo(pipe);
        Thread writer = new Thread(() -> {
            try (var out = Files.newOutputStream(pipe)) {
                out.write("kind: CmdImage\n".getBytes(StandardCharsets.UTF_8));
            } catch (IOException e) {
                // the test fails on what validate says
            }
        });
        writer.start();

        CliRun validate = CliRun.run(tmp, "validate", "pipe.yaml");
        writer.join(10_000);

        assertThat(validate.exit).as(validate.err).isEqualTo(2);
        assertThat(validate.err).contains("pipe.yaml: CmdImage: apiVersion: Required value");
        assertNoTrace(validate.err);
    }

    static void mkfifo(Path path) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("mkfifo", path.toString()).inheritIO().start();
        if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS) || p.exitValue() != 0) {
            p.destroyForcibly();
            throw new IOException("mkfifo " + path + " failed");
        }
    }

    @Test
    @Timeout(60)
    void buildOfAnEndlessStdinIsRefusedAsTooLarge() throws IOException {
        Run run = runWithStdin(new Zeros(), "build", "-");

        assertThat(run.exit).as(run.err).isEqualTo(2);
        assertOneSentence(run.exit, run.err, "stdin: Invalid value: larger than 8388608 bytes (8 MiB), the most the"
                + " codec reads; nothing was parsed");
    }

    @Test
    @Timeout(60)
    void aTenMegabyteCommentIsRefusedAsTooLarge() throws IOException {
        Files.writeString(tmp.resolve("comment.yaml"), TestYaml.remote("a", "touch ran")
                + "#" + "x".repeat(10_000_000) + "\n");

        CliRun run = CliRun.run(tmp, "build", "comment.yaml");

        assertOneSentence(run, "comment.yaml: Invalid value: larger than 8388608 bytes (8 MiB), the most the codec"
                + " reads; nothing was parsed");
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    @Timeout(60)
    void deeplyNestedYamlAndJsonAreProblems() throws IOException {
        Files.writeString(tmp.resolve("deep.yaml"), "kind: CmdImage\nextra: " + "[".repeat(200_000) + "\n");
        Files.writeString(tmp.resolve("deep.json"), "{\"kind\": \"CmdImage\", \"extra\": " + "[".repeat(200_000));

        CliRun yaml = CliRun.run(tmp, "validate", "deep.yaml");
        CliRun json = CliRun.run(tmp, "validate", "deep.json");

        assertOneSentence(yaml, "deep.yaml: line 2, column 1008: Invalid value: YAML syntax error: nested more than"
                + " 1000 levels deep");
        assertThat(json.exit).as(json.toString()).isEqualTo(2);
        assertThat(json.err.lines().toList()).as(json.err).singleElement().asString()
                .startsWith("deep.json: ").contains("JSON syntax error").contains("1000");
        assertNoTrace(json.err);
    }

    /** 3000 aliases of a 1 MB string passed validate and then ran the build out of memory while printing. */
    @Test
    @Timeout(60)
    void anAliasBombOfALongScalarIsRefusedBeforeAnyBuild() throws IOException {
        Files.writeString(tmp.resolve("bomb.yaml"), "apiVersion: tilt.dev/v1alpha1\nkind: CmdImage\nmetadata:\n"
                + "  name: a\n  annotations: {b: &b " + "a".repeat(1_000_000) + "}\nspec:\n  ref: a\n"
                + "  outputMode: remote\n  args: [sh, -c, touch ran, " + "*b, ".repeat(3000) + "*b]\n");

        CliRun validate = CliRun.run(tmp, "validate", "bomb.yaml");
        CliRun build = CliRun.run(tmp, "build", "bomb.yaml");

        for (CliRun run : List.of(validate, build)) {
            assertThat(run.exit).as(run.toString()).isEqualTo(2);
            assertThat(run.err.lines().toList()).singleElement().asString().startsWith("bomb.yaml: line 9, column ")
                    .endsWith("YAML syntax error: more than 16777216 characters in one document once its aliases"
                            + " are expanded");
            assertNoTrace(run.err);
        }
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    /** A problem's 2 MB value was printed whole. */
    @Test
    void aLongValueIsPrintedCutWithItsLength() throws IOException {
        String ref = "A".repeat(2 * 1024 * 1024);
        Files.writeString(tmp.resolve("long.yaml"), TestYaml.remote("a", "true").replace("ref: a", "ref: " + ref));

        CliRun run = CliRun.run(tmp, "validate", "long.yaml");

        assertThat(run.exit).as(run.err.substring(0, Math.min(2000, run.err.length()))).isEqualTo(2);
        assertThat(run.err.lines().toList()).isNotEmpty().allSatisfy(line -> assertThat(line).hasSizeLessThan(500));
        assertThat(run.err).contains("spec.ref: Invalid value: \"" + "A".repeat(200) + "\"... (2097152 characters)");
    }

    private static void assertOneSentence(CliRun run, String line) {
        assertOneSentence(run.exit, run.err, line);
    }

    private static void assertOneSentence(int exit, String err, String line) {
        assertThat(exit).as(err).isEqualTo(2);
        assertThat(err.lines().toList()).as(err).containsExactly(line);
        assertNoTrace(err);
    }

    private static void assertNoTrace(String err) {
        assertThat(err).doesNotContain("Exception").doesNotContain("Error:").doesNotContain("at dev.")
                .doesNotContain("\tat ");
    }

    private record Run(int exit, String err) {}

    private Run runWithStdin(InputStream stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(stdin, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), tmp, System.getenv(), false);
        int exit = Main.run(cli, args);
        return new Run(exit, err.toString(StandardCharsets.UTF_8));
    }

    /** An endless stream of zero bytes, like {@code /dev/zero}. */
    private static final class Zeros extends InputStream {
        @Override
        public int read() {
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            Arrays.fill(b, off, off + len, (byte) 0);
            return len;
        }
    }
}

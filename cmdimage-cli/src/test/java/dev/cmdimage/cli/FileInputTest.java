package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.core.CmdImageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileInputTest {
    @TempDir
    Path tmp;

    private Cli cli(String stdin) {
        return new Cli(new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
                new PrintStream(new ByteArrayOutputStream()), new PrintStream(new ByteArrayOutputStream()), tmp,
                Map.of(), false);
    }

    @Test
    void relativePathsResolveAgainstTheFilesDirectoryOrTheWorkingDirectoryForStdin() throws Exception {
        Files.createDirectories(tmp.resolve("proj"));
        assertThat(FileInput.baseDir("proj/cmdimage.yaml", cli(""))).isEqualTo(tmp.resolve("proj"));
        assertThat(FileInput.baseDir("cmdimage.yaml", cli(""))).isEqualTo(tmp);
        assertThat(FileInput.baseDir("-", cli(""))).isEqualTo(tmp);
        assertThat(FileInput.baseDir(tmp.resolve("proj/../proj/x.yaml").toString(), cli(""))).isEqualTo(tmp.resolve("proj"));
    }

    @Test
    void readsStdinForDashAndNamesItStdin() throws Exception {
        FileInput input = FileInput.load("-", cli(TestYaml.remote("a", "true")), CmdImageCodec.create());

        assertThat(input.source()).isEqualTo("stdin");
        assertThat(input.cmdImages()).extracting(CmdImage::name).containsExactly("a");
    }

    @Test
    void duplicatesAcrossDocumentsAreProblemsNamingKindAndName() {
        assertThatThrownBy(() -> FileInput.parse("f.yaml",
                TestYaml.remote("a", "true") + TestYaml.remote("a", "false"), cli(""), CmdImageCodec.create()))
                .isInstanceOfSatisfying(UsageException.class, e -> assertThat(e.problems()).containsExactly(
                        "f.yaml: CmdImage \"a\": metadata.name: Duplicate value: \"a\": the file holds more than one"
                                + " CmdImage of this name"));
    }

    @Test
    void aCmdImageAndAnImageMapMayShareANameThatIsHowTheyPair() throws Exception {
        FileInput input = FileInput.parse("f.yaml", """
                apiVersion: tilt.dev/v1alpha1
                kind: ImageMap
                metadata:
                  name: a
                spec:
                  selector: a
                """ + TestYaml.remote("a", "true"), cli(""), CmdImageCodec.create());

        assertThat(input.set().createdImageMaps()).isEmpty();
    }

    @Test
    void aFileThatIsNotUtf8IsNamedInTheProblem() throws Exception {
        Files.write(tmp.resolve("latin1.yaml"), new byte[] {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xE9, '\n'});

        assertThatThrownBy(() -> FileInput.readText("latin1.yaml", cli("")))
                .hasMessage("cannot read latin1.yaml: it is not UTF-8 text");
    }

    @Test
    void problemsAreWrittenToStderrWithControlCharactersEscaped() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Cli cli = new Cli(new ByteArrayInputStream(new byte[0]), new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8), tmp, Map.of(), false);

        FileInput.printProblems(new UsageException("f.yaml: CmdImage \"a\u001b[2J\": metadata.name: Invalid value"), cli);

        assertThat(err.toString(StandardCharsets.UTF_8).lines())
                .containsExactly("f.yaml: CmdImage \"a\\x1b[2J\": metadata.name: Invalid value");
    }
}

package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.core.CmdImageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

    private static CmdImage image(String name, String... maps) {
        return CmdImage.of(name, CmdImageSpec.builder().ref("example.com/" + name).args("true").imageMaps(maps).build());
    }

    @Test
    void everyCmdImageWithoutAnImageMapOfItsNameGetsOneSelectingItsRef() {
        ImageMap given = ImageMap.of("a", "example.com/a").withStatus(ImageMap.Status.of("example.com/a:v1"));
        FileInput input = FileInput.of("f.yaml", tmp, List.of(image("a"), given, image("b", "a")));

        assertThat(input.createdImageMaps()).containsExactly(ImageMap.of("b", "example.com/b"));
        assertThat(input.isBuilt("a")).isTrue();
        assertThat(input.isBuilt("base")).isFalse();
    }

    @Test
    void appliesClustersThenImageMapsThenCmdImagesFlatteningLists() {
        Cluster cluster = Cluster.of("default", null, "amd64");
        ImageMap base = ImageMap.of("base", "base");
        FileInput input = FileInput.of("f.yaml", tmp,
                List.of(CmdImageList.of(List.of(image("x"), image("y"))), base, cluster));

        assertThat(input.toApply()).extracting(FileInput::key).containsExactly(
                "Cluster/default", "ImageMap/base", "ImageMap/x", "ImageMap/y", "CmdImage/x", "CmdImage/y");
        assertThat(input.keys()).contains("CmdImage/x", "ImageMap/y");
    }

    @Test
    void theResultKeepsFileOrderAndListsThenAppendsTheCreatedImageMaps() {
        FileInput input = FileInput.of("f.yaml", tmp,
                List.of(image("z"), CmdImageList.of(List.of(image("x"))), ImageMap.of("m", "m")));
        CmdImageStatus done = CmdImageStatus.waiting("marked");

        List<ApiObject> result = input.result(o -> o instanceof CmdImage c ? c.withStatus(done) : o);

        assertThat(result).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("CmdImage/z", "CmdImageList/null", "ImageMap/m", "ImageMap/z", "ImageMap/x");
        assertThat(((CmdImageList) result.get(1)).items().get(0).status()).isEqualTo(done);
        assertThat(((CmdImage) result.get(0)).status()).isEqualTo(done);
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

        assertThat(input.createdImageMaps()).isEmpty();
    }

    @Test
    void aFileThatIsNotUtf8IsNamedInTheProblem() throws Exception {
        Files.write(tmp.resolve("latin1.yaml"), new byte[] {'k', 'i', 'n', 'd', ':', ' ', (byte) 0xE9, '\n'});

        assertThatThrownBy(() -> FileInput.readText("latin1.yaml", cli("")))
                .hasMessage("cannot read latin1.yaml: it is not UTF-8 text");
    }
}

package dev.cmdimage.core.set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImageSet;
import dev.cmdimage.core.CmdImageSetResult;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link CmdImageSet}: reading and merging files, the ImageMaps it creates, the build order, selecting, and building
 * once with the real pipeline ({@code sh -c} commands in {@code remote} mode, no image store).
 */
class CmdImageSetTest {
    @TempDir
    Path tmp;

    private Path write(String relative, String text) throws IOException {
        Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    /** A CmdImage document in {@code remote} mode running {@code sh -c script}. */
    static String remote(String name, String script, String... extraSpecLines) {
        StringBuilder sb = new StringBuilder("""
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: %s
                spec:
                  ref: %s
                  outputMode: remote
                  args: ["sh", "-c", "%s"]
                """.formatted(name, name, script.replace("\\", "\\\\").replace("\"", "\\\"")));
        for (String line : extraSpecLines) {
            sb.append("  ").append(line).append('\n');
        }
        return sb.toString();
    }

    private static CmdImage image(String name, String... maps) {
        return CmdImage.of(name, CmdImageSpec.builder().ref("example.com/" + name).args("true").imageMaps(maps).build());
    }

    private static CmdImageBuilder builder() {
        return CmdImages.builder().processRunner(new JdkProcessRunner()).killGrace(Duration.ofSeconds(2)).build();
    }

    private static CmdImageControllers.Builder controllers() {
        return CmdImageControllers.builder(builder())
                .baseEnvironment(Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin")));
    }

    @Test
    void everyCmdImageWithoutAnImageMapOfItsNameGetsOneSelectingItsRef() throws Exception {
        ImageMap given = ImageMap.of("a", "example.com/a").withStatus(ImageMap.Status.of("example.com/a:v1"));
        CmdImageSet set = CmdImageSet.of(tmp, List.of(image("a"), given, image("b", "a")));

        assertThat(set.createdImageMaps()).containsExactly(ImageMap.of("b", "example.com/b"));
    }

    @Test
    void appliesClustersThenImageMapsThenCmdImagesFlatteningListsAndOrdersTheBuildsByDependencies() throws Exception {
        Cluster cluster = Cluster.of("default", null, "amd64");
        ImageMap base = ImageMap.of("base", "base");
        CmdImageSet set = CmdImageSet.of(tmp,
                List.of(CmdImageList.of(List.of(image("x", "y"), image("y"))), base, cluster));

        assertThat(set.toApply()).extracting(o -> o.kind() + "/" + o.name()).containsExactly(
                "Cluster/default", "ImageMap/base", "ImageMap/x", "ImageMap/y", "CmdImage/x", "CmdImage/y");
        assertThat(set.cmdImages()).extracting(CmdImage::name).containsExactly("y", "x");
    }

    @Test
    void filesAreMergedAndEachCmdImageRunsInItsFilesDirectory() throws Exception {
        Path a = write("a/a.yaml", remote("first", "pwd > where; printf first:v1 > ref", "outputsImageRefTo: ref"));
        Path b = write("b/b.yaml", remote("second", "pwd > where", "imageMaps: [first]"));

        CmdImageSet set = CmdImageSet.read(a, b);
        CmdImageSetResult result = set.build(controllers());

        assertThat(result.succeeded()).as(result.toString()).isTrue();
        assertThat(Files.readString(tmp.resolve("a/where")).strip()).isEqualTo(tmp.resolve("a").toRealPath().toString());
        assertThat(Files.readString(tmp.resolve("b/where")).strip()).isEqualTo(tmp.resolve("b").toRealPath().toString());
        assertThat(set.baseDirectory("second")).contains(tmp.resolve("b"));
        assertThat(result.objects()).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("CmdImage/first", "CmdImage/second", "ImageMap/first", "ImageMap/second");
        // the objects print as written: no directory was filled in
        assertThat(((CmdImage) result.objects().get(1)).spec().dir()).isNull();
    }

    @Test
    void aNameInTwoFilesIsAProblemNamingBoth() throws Exception {
        Path a = write("a.yaml", remote("app", "true"));
        Path b = write("sub/b.yaml", remote("app", "true"));

        assertThatThrownBy(() -> CmdImageSet.read(a, b))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                        .extracting(Problem::toString).containsExactly(b + ": CmdImage \"app\": metadata.name:"
                                + " Duplicate value: \"app\": " + a + " holds a CmdImage of this name too: names are"
                                + " unique across files"));
    }

    @Test
    void aNameTwiceInOneFileIsAProblemAsBefore() throws Exception {
        Path a = write("f.yaml", remote("a", "true") + remote("a", "false"));

        assertThatThrownBy(() -> CmdImageSet.read(a))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                        .extracting(Problem::toString).containsExactly(a + ": CmdImage \"a\": metadata.name:"
                                + " Duplicate value: \"a\": the file holds more than one CmdImage of this name"));
    }

    @Test
    void givenObjectsAreValidated() {
        CmdImage noArgs = CmdImage.of("x", CmdImageSpec.builder().ref("x").build());

        assertThatThrownBy(() -> CmdImageSet.of(tmp, List.of(noArgs)))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.problems())
                        .extracting(Problem::field).anyMatch(f -> f.startsWith("objects: CmdImage \"x\": spec.args")));
    }

    @Test
    void selectKeepsTheNamedCmdImagesAndWhatTheyNeed() throws Exception {
        CmdImageSet set = CmdImageSet.of(tmp, List.of(image("base"), image("app", "base"), image("other"),
                CmdImageList.of(List.of(image("tool"))), ImageMap.of("m", "m")));

        CmdImageSet selected = set.select(List.of("app"));

        assertThat(selected.cmdImages()).extracting(CmdImage::name).containsExactly("base", "app");
        assertThat(selected.objects()).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("CmdImage/base", "CmdImage/app", "ImageMap/m");
        assertThatThrownBy(() -> set.select(List.of("nope")))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no CmdImage named \"nope\"");
    }

    @Test
    void aFailedBuildCarriesTheBuildersStructuredExceptionAndItsDependentNeverStarts() throws Exception {
        Path f = write("f.yaml", remote("base", "echo compiling; echo 'error: no main.c' >&2; exit 3")
                + remote("app", "true", "imageMaps: [base]")
                + remote("lonely", "true", "imageMaps: [nowhere]"));

        CmdImageSetResult result = CmdImageSet.read(f).build(controllers());

        assertThat(result.succeeded()).isFalse();
        CmdImageSetResult.Outcome base = result.outcome("base").orElseThrow();
        assertThat(base.failure()).get().isInstanceOfSatisfying(CommandFailedException.class, e -> {
            assertThat(e.exitCode()).isEqualTo(3);
            assertThat(e.outputTail()).contains("error: no main.c");
        });
        assertThat(base.status().completedState().orElseThrow().error()).isEqualTo(base.failure().get().getMessage());
        CmdImageSetResult.Outcome app = result.outcome("app").orElseThrow();
        assertThat(app.failure()).get().isInstanceOf(DependencyNotReadyException.class);
        assertThat(app.status().completedState().orElseThrow().error())
                .isEqualTo("never started: still waiting for image map base when nothing else could be built");
        CmdImageSetResult.Outcome lonely = result.outcome("lonely").orElseThrow();
        assertThat(lonely.status().completedState().orElseThrow().error()).isEqualTo("missing image map nowhere:"
                + " the file neither gives an ImageMap nor builds a CmdImage of that name");
        assertThat(((DependencyNotReadyException) lonely.failure().get()).dependency()).isEqualTo("ImageMap/nowhere");
    }

    @Test
    void aCmdImageNamingAClusterTheSetDoesNotHaveNeverStarts() throws Exception {
        Path f = write("f.yaml", remote("app", "true", "cluster: prod"));

        CmdImageSetResult.Outcome app = CmdImageSet.read(f).build(controllers()).outcome("app").orElseThrow();

        assertThat(app.status().completedState().orElseThrow().error())
                .isEqualTo("never started: still waiting for cluster prod when nothing else could be built");
        assertThat(app.failure()).get().isInstanceOfSatisfying(DependencyNotReadyException.class,
                e -> assertThat(e.dependency()).isEqualTo("Cluster/prod"));
    }

    @Test
    void aCycleIsAnErrorOnEveryMember() throws Exception {
        Path f = write("f.yaml", remote("a", "true", "imageMaps: [b]") + remote("b", "true", "imageMaps: [a]"));

        CmdImageSetResult result = CmdImageSet.read(f).build(controllers());

        assertThat(result.outcomes()).allSatisfy(o -> {
            assertThat(o.status().completedState().orElseThrow().error()).startsWith("dependency cycle: ");
            assertThat(o.failure()).get().extracting(Throwable::getMessage).asString().startsWith("dependency cycle");
        });
    }

    @Test
    void interruptingTheCallingThreadCancelsTheBuild() throws Exception {
        Path f = write("f.yaml", remote("slow", "sleep 30"));
        CmdImageSet set = CmdImageSet.read(f);
        Thread.currentThread().interrupt();

        assertThatThrownBy(() -> set.build(controllers())).isInstanceOf(InterruptedException.class);
        assertThat(Thread.interrupted()).isFalse(); // the exception carries it
    }

    @Test
    void resultListsEveryObjectAsGivenThenTheCreatedImageMaps() throws Exception {
        Path f = write("f.yaml", remote("z", "true") + """
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: ImageMap
                metadata:
                  name: m
                spec:
                  selector: m
                """);

        CmdImageSetResult result = CmdImageSet.read(f).build(builder());

        List<ApiObject> objects = result.objects();
        assertThat(objects).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("CmdImage/z", "ImageMap/m", "ImageMap/z");
        assertThat(result.outcome("z").orElseThrow().failure()).isEmpty();
        assertThat(((ImageMap) objects.get(2)).status().image()).isEqualTo(result.outcome("z").get().status().ref());
        assertThat(result.cancelled()).isFalse();
    }
}

package dev.cmdimage.cli;

import static dev.cmdimage.cli.TestYaml.remote;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.docker.ImageStoreChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cmdimage build}, in process: the contract of issue 2 section 4, line by line, with {@code remote} mode and
 * {@code sh} commands, so no image store is involved.
 */
class BuildCommandTest {
    @TempDir
    Path tmp;

    private Path write(String relative, String text) throws IOException {
        Path p = tmp.resolve(relative);
        Files.createDirectories(p.getParent());
        Files.writeString(p, text);
        return p;
    }

    @Test
    void printsEveryObjectInFileOrderWithItsFinalStatusFollowedByTheImageMapsBuildsCreated() throws IOException {
        write("proj/cmdimage.yaml", """
                apiVersion: tilt.dev/v1alpha1
                kind: Cluster
                metadata:
                  name: default
                """ + remote("app", "echo building $EXPECTED_REF on $TILT_IMAGE_0", "imageMaps: [base]") + """
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: ImageMap
                metadata:
                  name: base
                spec:
                  selector: base
                status:
                  image: base:v1
                  imageFromLocal: base:v1
                  imageFromCluster: base:v1
                """);

        CliRun run = CliRun.run(tmp, "build", "proj/cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.out).contains("apiVersion: v1").contains("kind: List");
        List<ApiObject> objects = run.objects();
        assertThat(objects).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("Cluster/default", "CmdImage/app", "ImageMap/base", "ImageMap/app");
        CmdImage app = run.cmdImage("app");
        assertThat(app.status().isSucceeded()).isTrue();
        assertThat(app.status().ref()).startsWith("app:tilt-build-");
        CmdImageStatus.Completed completed = app.status().completedState().orElseThrow();
        assertThat(completed.startedAt()).isNotNull();
        assertThat(completed.finishedAt()).isNotNull();
        assertThat(run.imageMap("base").status().image()).isEqualTo("base:v1");
        assertThat(run.imageMap("app").status().imageFromLocal()).isEqualTo(app.status().ref());
        assertThat(run.out).containsPattern("startedAt: \"?\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
        assertThat(run.linesOf("app")).contains("building " + app.status().ref() + " on base:v1");
    }

    @Test
    void printsJsonWithDashOJson() throws IOException {
        write("cmdimage.yaml", remote("app", "true"));

        CliRun run = CliRun.run(tmp, "build", "-o", "json", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.out.strip()).startsWith("{").endsWith("}");
        assertThat(run.out).contains("\"kind\": \"List\"").contains("\"apiVersion\": \"v1\"");
        assertThat(run.cmdImage("app").status().isSucceeded()).isTrue();
    }

    @Test
    void readsJsonFilesToo() throws IOException {
        write("cmdimage.json", """
                {"apiVersion": "tilt.dev/v1alpha1", "kind": "CmdImageList", "items": [
                  {"apiVersion": "tilt.dev/v1alpha1", "kind": "CmdImage", "metadata": {"name": "a"},
                   "spec": {"ref": "a", "args": ["true"], "outputMode": "remote"}},
                  {"apiVersion": "tilt.dev/v1alpha1", "kind": "CmdImage", "metadata": {"name": "b"},
                   "spec": {"ref": "b", "args": ["true"], "outputMode": "remote", "imageMaps": ["a"]}}]}
                """);

        CliRun run = CliRun.run(tmp, "build", "cmdimage.json");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.out).contains("kind: CmdImageList");
        assertThat(run.cmdImage("a").status().isSucceeded()).isTrue();
        assertThat(run.cmdImage("b").status().isSucceeded()).isTrue();
        assertThat(run.objects()).extracting(o -> o.kind() + "/" + o.name()).endsWith("ImageMap/a", "ImageMap/b");
    }

    @Test
    void commandsRunInFilesDirectoryAndRelativeDirResolvesAgainstIt() throws IOException {
        Files.createDirectories(tmp.resolve("proj/sub"));
        Files.createDirectories(tmp.resolve("elsewhere"));
        write("proj/cmdimage.yaml", remote("nodir", "echo cwd=$(pwd -P)") + remote("reldir", "echo cwd=$(pwd -P)", "dir: sub"));

        CliRun run = CliRun.run(tmp.resolve("elsewhere"), "build", "../proj/cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        Path proj = tmp.resolve("proj").toRealPath();
        assertThat(run.linesOf("nodir")).contains("cwd=" + proj);
        assertThat(run.linesOf("reldir")).contains("cwd=" + proj.resolve("sub"));
    }

    @Test
    void relativeOutputsImageRefToResolvesAgainstFilesDirectory() throws IOException {
        Files.createDirectories(tmp.resolve("elsewhere"));
        write("proj/cmdimage.yaml", remote("pinned",
                "mkdir -p out && echo registry.example.com/pinned:v7 > out/ref.txt", "outputsImageRefTo: out/ref.txt"));

        CliRun run = CliRun.run(tmp.resolve("elsewhere"), "build", "../proj/cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.cmdImage("pinned").status().ref()).isEqualTo("registry.example.com/pinned:v7");
    }

    @Test
    void readsStdinForDashAndResolvesRelativePathsAgainstTheWorkingDirectory() throws IOException {
        Files.createDirectories(tmp.resolve("work/sub"));
        String yaml = remote("piped", "echo cwd=$(pwd -P)", "dir: sub");

        CliRun run = CliRun.run(tmp.resolve("work"), Map.of(), yaml, "build", "-");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.linesOf("piped")).contains("cwd=" + tmp.resolve("work/sub").toRealPath());
        assertThat(run.cmdImage("piped").status().isSucceeded()).isTrue();
    }

    @Test
    void specClusterNamesAClusterOfTheFileAndAbsentMeansDefault() throws IOException {
        write("cmdimage.yaml", """
                apiVersion: tilt.dev/v1alpha1
                kind: Cluster
                metadata:
                  name: default
                status:
                  registry:
                    host: localhost:5000
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: Cluster
                metadata:
                  name: prod
                status:
                  registry:
                    host: registry.example.com/team
                  arch: arm64
                """ + remote("a", "echo ref=$EXPECTED_REF registry=$EXPECTED_REGISTRY")
                + remote("b", "echo ref=$EXPECTED_REF registry=$EXPECTED_REGISTRY arch=$EXPECTED_ARCH", "cluster: prod"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.linesOf("a")).anyMatch(l -> l.matches("ref=localhost:5000/a:tilt-build-\\S+ registry=localhost:5000"));
        assertThat(run.linesOf("b"))
                .anyMatch(l -> l.matches("ref=registry.example.com/team/b:tilt-build-\\S+ registry=registry.example.com/team arch=arm64"));
    }

    @Test
    void withoutADefaultClusterThereIsNoRegistry() throws IOException {
        write("cmdimage.yaml", remote("a", "echo ref=$EXPECTED_REF registry=${EXPECTED_REGISTRY:-none}"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(run.linesOf("a")).anyMatch(l -> l.matches("ref=a:tilt-build-\\S+ registry=none"));
        assertThat(run.objects()).extracting(ApiObject::kind).doesNotContain("Cluster");
    }

    @Test
    void buildsInDependencyOrderPassingEachResultOn() throws IOException {
        // written dependents first: the order comes from the graph, not from the file
        write("cmdimage.yaml", remote("app", "echo base=$TILT_IMAGE_0 lib=$TILT_IMAGE_1", "imageMaps: [base, lib]")
                + remote("lib", "echo lib-on=$TILT_IMAGE_0", "imageMaps: [base]")
                + remote("base", "sleep 0.3; echo base-done"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        String base = run.cmdImage("base").status().ref();
        String lib = run.cmdImage("lib").status().ref();
        assertThat(run.linesOf("lib")).contains("lib-on=" + base);
        assertThat(run.linesOf("app")).contains("base=" + base + " lib=" + lib);
        List<String> lines = run.err.lines().toList();
        assertThat(lines.indexOf("[base] base-done")).isLessThan(indexOfFirst(lines, "[lib] building"));
        assertThat(indexOfFirst(lines, "[lib] completed")).isLessThan(indexOfFirst(lines, "[app] building"));
    }

    private static int indexOfFirst(List<String> lines, String prefix) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with " + prefix + " in " + lines);
    }

    @Test
    void aCmdImageNamingAnImageMapTheFileNeitherGivesNorBuildsFailsNamingItWhileTheRestBuild() throws IOException {
        write("cmdimage.yaml", remote("orphan", "echo ran > orphan-ran", "imageMaps: [nowhere]")
                + remote("fine", "true"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(1);
        CmdImage orphan = run.cmdImage("orphan");
        assertThat(orphan.status().isFailed()).isTrue();
        assertThat(orphan.status().completedState().orElseThrow().error()).contains("missing image map nowhere");
        assertThat(run.cmdImage("fine").status().isSucceeded()).isTrue();
        assertThat(tmp.resolve("orphan-ran")).doesNotExist();
        assertThat(run.linesOf("orphan")).contains("waiting for image map nowhere")
                .anyMatch(l -> l.startsWith("completed with error: missing image map nowhere"));
    }

    @Test
    void aCmdImageNamingAClusterTheFileDoesNotHaveFailsNamingIt() throws IOException {
        write("cmdimage.yaml", remote("lost", "echo ran > lost-ran", "cluster: prod") + remote("fine", "true"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(1);
        assertThat(run.cmdImage("lost").status().completedState().orElseThrow().error()).contains("cluster prod");
        assertThat(run.cmdImage("fine").status().isSucceeded()).isTrue();
        assertThat(tmp.resolve("lost-ran")).doesNotExist();
    }

    @Test
    void interruptingABuildCancelsItAndLeavesNoProcess() throws Exception {
        String marker = "cmdimage-build-test-" + java.util.UUID.randomUUID();
        write("cmdimage.yaml", remote("slow", "echo started; sleep 300", "env: [\"M=" + marker + "\"]"));
        java.util.concurrent.atomic.AtomicReference<CliRun> result = new java.util.concurrent.atomic.AtomicReference<>();
        Thread thread = new Thread(() -> result.set(CliRun.run(tmp, "build", "cmdimage.yaml")));
        thread.start();
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30))
                .until(() -> !JarProcess.processesWithMarker(marker).isEmpty());

        thread.interrupt();
        thread.join(60_000);

        assertThat(thread.isAlive()).isFalse();
        CliRun run = result.get();
        assertThat(run.exit).as(run.toString()).isEqualTo(1);
        assertThat(run.cmdImage("slow").status().completedState().orElseThrow().error()).isEqualTo("build cancelled");
        assertThat(JarProcess.processesWithMarker(marker)).as("processes left behind").isEmpty();
    }

    @Test
    void aDependencyCycleFailsItsMembersWhileTheRestStillBuild() throws IOException {
        write("cmdimage.yaml", remote("a", "echo ran > a-ran", "imageMaps: [b]")
                + remote("b", "echo ran > b-ran", "imageMaps: [a]")
                + remote("c", "true"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(1);
        for (String member : List.of("a", "b")) {
            CmdImage image = run.cmdImage(member);
            assertThat(image.status().isFailed()).as(member).isTrue();
            assertThat(image.status().completedState().orElseThrow().error()).as(member).contains("cycle");
        }
        assertThat(run.cmdImage("c").status().isSucceeded()).isTrue();
        assertThat(tmp.resolve("a-ran")).doesNotExist();
        assertThat(tmp.resolve("b-ran")).doesNotExist();
    }

    @Test
    void exitsOneWhenABuildFailsAndStillPrintsItsStatus() throws IOException {
        write("cmdimage.yaml", remote("broken", "echo about to fail; exit 3") + remote("fine", "true"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(1);
        String error = run.cmdImage("broken").status().completedState().orElseThrow().error();
        assertThat(error).contains("failed: exit status 3").contains("about to fail");
        assertThat(run.cmdImage("broken").status().ref()).isNull();
        assertThat(run.cmdImage("fine").status().isSucceeded()).isTrue();
        assertThat(run.linesOf("broken")).contains("about to fail");
    }

    @Test
    void timeoutKillsACommandThatRunsTooLong() throws IOException {
        write("cmdimage.yaml", remote("slow", "sleep 30"));

        CliRun run = CliRun.run(tmp, "build", "--timeout", "500ms", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(1);
        assertThat(run.cmdImage("slow").status().completedState().orElseThrow().error()).contains("timed out");
    }

    @Test
    void aBadTimeoutIsAUsageErrorAndNothingRuns() throws IOException {
        write("cmdimage.yaml", remote("a", "echo ran > ran"));

        CliRun run = CliRun.run(tmp, "build", "--timeout", "5 minutes", "cmdimage.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("--timeout").contains("\"5 minutes\" is not a duration")
                .contains("expected e.g. 90s, 5m, 1h30m or 500ms");
        assertThat(run.out).isEmpty();
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void invalidInputIsExitTwoWithEveryProblemAndItsFieldPathAndNothingRuns() throws IOException {
        write("cmdimage.yaml", remote("fine", "echo ran > ran") + """
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: noargs
                spec:
                  ref: noargs
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: badmode
                spec:
                  ref: badmode
                  args: ["true"]
                  outputMode: sideways
                """);

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("spec.args: Required value").contains("spec.outputMode: Unsupported value: \"sideways\"")
                .contains("cmdimage.yaml").doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(run.out).isEmpty();
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void anUnsupportedKindIsAProblem() throws IOException {
        write("cmdimage.yaml", remote("fine", "echo ran > ran") + """
                ---
                apiVersion: v1
                kind: Pod
                metadata:
                  name: web
                """);

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("cmdimage.yaml").contains("Pod");
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void twoObjectsOfTheSameKindAndNameAreAProblem() throws IOException {
        write("cmdimage.yaml", remote("twice", "true") + remote("twice", "echo ran > ran"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("CmdImage \"twice\": metadata.name: Duplicate value: \"twice\"");
        assertThat(tmp.resolve("ran")).doesNotExist();
    }

    @Test
    void anEmptyFileIsAProblem() throws IOException {
        write("empty.yaml", "# nothing here\n");

        CliRun run = CliRun.run(tmp, "build", "empty.yaml");

        assertThat(run.exit).isEqualTo(2);
        assertThat(run.err).contains("empty.yaml: no objects");
    }

    @Test
    void anUnreadableFileNamesTheFile() {
        CliRun missing = CliRun.run(tmp, "build", "nope.yaml");
        assertThat(missing.exit).isEqualTo(2);
        assertThat(missing.err.strip()).isEqualTo("cannot read nope.yaml: no such file");

        CliRun directory = CliRun.run(tmp, "build", ".");
        assertThat(directory.exit).isEqualTo(2);
        assertThat(directory.err).contains("cannot read .: it is a directory");
    }

    @Test
    void usageErrorsExitTwo() {
        assertThat(CliRun.run(tmp, "build").exit).isEqualTo(2);
        assertThat(CliRun.run(tmp, "build", "--frobnicate", "x.yaml").exit).isEqualTo(2);
        assertThat(CliRun.run(tmp, "build", "-o", "xml", "x.yaml").err).contains("yaml").contains("json");
        assertThat(CliRun.run(tmp, "build", "-o", "xml", "x.yaml").exit).isEqualTo(2);
        assertThat(CliRun.run(tmp, "build", "--image-store", "podman", "x.yaml").exit).isEqualTo(2);
        assertThat(CliRun.run(tmp).exit).isEqualTo(2);
        assertThat(CliRun.run(tmp, "frobnicate").exit).isEqualTo(2);
    }

    @Test
    void stderrSaysNoImageStoreIsNeededWhenEveryCmdImageIsRemote() throws IOException {
        write("cmdimage.yaml", remote("a", "true"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.err).contains("cmdimage: image store: none needed");
        assertThat(tmp.resolve(".cmdimage")).doesNotExist();
    }

    @Test
    void everyStderrLineOfABuildIsPrefixedWithItsName() throws IOException {
        write("cmdimage.yaml", remote("one", "echo out-line; echo err-line >&2") + remote("two", "echo two-line"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.linesOf("one")).contains("out-line", "err-line");
        assertThat(run.linesOf("two")).contains("two-line");
        assertThat(run.err.lines()).allMatch(l -> l.startsWith("[one] ") || l.startsWith("[two] ")
                || l.startsWith("cmdimage: "));
    }

    @Test
    void givenImageMapsWithoutACmdImageKeepTheirStatusAndCreatedOnesAreAppended() throws IOException {
        write("cmdimage.yaml", """
                apiVersion: tilt.dev/v1alpha1
                kind: ImageMap
                metadata:
                  name: app
                spec:
                  selector: app
                """ + remote("app", "true"));

        CliRun run = CliRun.run(tmp, "build", "cmdimage.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        // the file's own ImageMap app receives the build's result; none is created
        assertThat(run.objects()).extracting(o -> o.kind() + "/" + o.name()).containsExactly("ImageMap/app", "CmdImage/app");
        ImageMap app = run.imageMap("app");
        assertThat(app.status().imageFromLocal()).isEqualTo(run.cmdImage("app").status().ref());
    }

    @Test
    void aSignalWhileTheObjectsAreStillBeingAppliedEndsLikeAnyCancelledRun() throws Exception {
        write("cmdimage.yaml", remote("base", "sleep 30") + remote("app", "true", "imageMaps: [base]"));
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Cli cli = new Cli(new java.io.ByteArrayInputStream(new byte[0]), System.out,
                new java.io.PrintStream(err, true, java.nio.charset.StandardCharsets.UTF_8), tmp, System.getenv(),
                false);
        FileInput input = FileInput.load("cmdimage.yaml", cli, dev.cmdimage.core.CmdImageCodec.create());
        StderrReporter reporter = new StderrReporter(cli.err());
        dev.cmdimage.core.CmdImageSetResult result;
        try (Wiring wiring = Wiring.start(cli, ImageStoreChoice.Chosen.NONE, input.baseDir(), null, reporter,
                reporter, Map.of())) {
            wiring.stop(); // SIGTERM arrives before the objects are applied: its hook closes the controller

            result = BuildCommand.buildAll(wiring, input, Map.of(), reporter);
        } finally {
            Thread.interrupted(); // the signal interrupted this thread, as it interrupts the command's
        }

        assertThat(result.outcomes()).extracting(o -> o.name() + ": " + o.status().completedState().orElseThrow().error())
                .containsExactly("base: build cancelled", "app: build cancelled");
        assertThat(result.objects()).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("CmdImage/base", "CmdImage/app", "ImageMap/base", "ImageMap/app");
        assertThat(err.toString(java.nio.charset.StandardCharsets.UTF_8))
                .contains("[base] completed with error: build cancelled")
                .doesNotContain("internal error");
    }
}

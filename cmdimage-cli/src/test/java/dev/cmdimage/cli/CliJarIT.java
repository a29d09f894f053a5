package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageCodec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar, as other tools script it: {@code java -jar cmdimage-cli/target/cmdimage.jar}. The examples, the
 * exit statuses, stdin, SIGTERM with builds in flight, and watch reacting to a change of its file. Needs no Docker
 * engine (remote mode, or an OCI layout in a temporary directory).
 */
class CliJarIT {
    @TempDir
    Path tmp;

    static List<ApiObject> objects(String stdout) {
        try {
            return CmdImageCodec.create().read(stdout, "stdout");
        } catch (ValidationException e) {
            throw new AssertionError("stdout is not a readable List: " + e.getMessage() + "\n" + stdout, e);
        }
    }

    static CmdImage cmdImage(String stdout, String name) {
        return objects(stdout).stream().filter(o -> o instanceof CmdImage && name.equals(o.name()))
                .map(o -> (CmdImage) o).findFirst().orElseThrow(() -> new AssertionError("no " + name + "\n" + stdout));
    }

    /** Copies examples/{@code name} into the temporary directory, so that runs leave nothing in the repository. */
    Path example(String name) throws IOException {
        Path from = JarProcess.REPO.resolve("examples").resolve(name);
        Path to = tmp.resolve("examples").resolve(name);
        try (Stream<Path> files = Files.walk(from)) {
            for (Path p : files.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        return to.resolve("cmdimage.yaml");
    }

    @Test
    void printsItsVersionAndHelp() {
        JarProcess version = JarProcess.run(tmp, "--version");
        assertThat(version.exit()).isEqualTo(0);
        assertThat(version.out()).startsWith("cmdimage ");

        JarProcess help = JarProcess.run(tmp, "build", "--help");
        assertThat(help.exit()).isEqualTo(0);
        assertThat(help.out()).contains("Usage: cmdimage build");
    }

    @Test
    void theRemoteExampleBuildsWithoutAnImageStore() throws IOException {
        Path file = example("remote");

        JarProcess run = JarProcess.run(tmp, Map.of(), null, "build", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(cmdImage(run.out(), "remote-hello").status().ref()).matches("localhost:5000/remote-hello:tilt-build-\\d+");
        assertThat(cmdImage(run.out(), "remote-pinned").status().ref())
                .isEqualTo("localhost:5000/remote-pinned@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef");
        assertThat(run.err()).contains("[remote-hello] would build linux/amd64 and push localhost:5000/remote-hello:tilt-build-")
                .contains("image store: none needed");
        assertThat(tmp.resolve(".cmdimage")).doesNotExist();
    }

    @Test
    void theHelloOciExampleBuildsIntoAnOciLayoutAndPrintsItsContentRef() throws IOException {
        Path file = example("hello-oci");

        JarProcess run = JarProcess.run(tmp, Map.of(), null, "build", "--image-store", "oci:layout", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(cmdImage(run.out(), "hello-oci").status().ref()).matches("hello-oci:tilt-[0-9a-f]{16}");
        assertThat(Files.readString(tmp.resolve("layout/index.json"))).contains("hello-oci:tilt-");
        assertThat(run.err()).contains("OCI image layout at " + tmp.resolve("layout"));
    }

    @Test
    void theGraphExampleBuildsTheBaseFirstAndTheAppFromIt() throws IOException {
        Tools.require("umoci", "skopeo");
        Path file = example("graph");

        JarProcess run = JarProcess.run(tmp, Map.of(), null, "build", "--image-store", "oci:layout", file.toString());

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        String base = cmdImage(run.out(), "graph-base").status().ref();
        String app = cmdImage(run.out(), "graph-app").status().ref();
        assertThat(base).matches("graph-base:tilt-[0-9a-f]{16}");
        assertThat(app).matches("graph-app:tilt-[0-9a-f]{16}");
        assertThat(run.err()).contains("[graph-app] building graph-app:tilt-build-")
                .contains(" on top of graph-base = " + base);
    }

    @Test
    void exitStatusIsOneWhenABuildFailsAndTwoForUnusableInput() throws IOException {
        Files.writeString(tmp.resolve("fails.yaml"), TestYaml.remote("broken", "exit 7"));
        Files.writeString(tmp.resolve("invalid.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: noargs
                spec:
                  ref: noargs
                """);

        JarProcess fails = JarProcess.run(tmp, "build", "fails.yaml");
        assertThat(fails.exit()).as(fails.toString()).isEqualTo(1);
        assertThat(cmdImage(fails.out(), "broken").status().completedState().orElseThrow().error())
                .contains("exit status 7");

        JarProcess invalid = JarProcess.run(tmp, "build", "invalid.yaml");
        assertThat(invalid.exit()).isEqualTo(2);
        assertThat(invalid.err()).contains("spec.args: Required value");
        assertThat(invalid.out()).isEmpty();

        assertThat(JarProcess.run(tmp, "validate", "invalid.yaml").exit()).isEqualTo(2);
        assertThat(JarProcess.run(tmp, "build", "--timeout", "soon", "fails.yaml").exit()).isEqualTo(2);
        assertThat(JarProcess.run(tmp, "build", "missing.yaml").err()).contains("cannot read missing.yaml");
    }

    @Test
    void readsStdinForDashAndPrintsJson() {
        JarProcess run = JarProcess.run(tmp, Map.of(), TestYaml.remote("piped", "echo from-stdin"),
                "build", "-o", "json", "-");

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.out()).contains("\"kind\": \"List\"");
        assertThat(cmdImage(run.out(), "piped").status().isSucceeded()).isTrue();
        assertThat(run.err()).contains("[piped] from-stdin");
    }

    @Test
    void sigtermCancelsTheBuildsInFlightAndLeavesNoProcessBehind() throws IOException {
        String marker = "cmdimage-it-" + UUID.randomUUID();
        Files.writeString(tmp.resolve("slow.yaml"),
                TestYaml.remote("slow", "echo started; sleep 300 & sleep 301; wait", "env: [\"MARKER=" + marker + "\"]")
                + TestYaml.remote("slow2", "sh -c 'sleep 302'", "env: [\"MARKER=" + marker + "\"]"));

        try (JarProcess run = JarProcess.start(tmp, Map.of(), null, "build", "slow.yaml")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.err().contains("[slow] started")
                    && JarProcess.processesWithMarker(marker).size() >= 3);

            run.terminate();

            int exit = run.waitFor(Duration.ofSeconds(60));
            assertThat(exit).as(run.toString()).isEqualTo(128 + 15);
            assertThat(JarProcess.processesWithMarker(marker)).as("processes left behind").isEmpty();
            for (String name : List.of("slow", "slow2")) {
                assertThat(cmdImage(run.out(), name).status().completedState().orElseThrow().error())
                        .as(run.toString()).isEqualTo("build cancelled");
            }
        }
    }

    @Test
    void watchRebuildsWhenItsFileChangesAndStopsOnSigint() throws IOException {
        String marker = "cmdimage-it-" + UUID.randomUUID();
        Path file = tmp.resolve("watched.yaml");
        Files.writeString(file, watched("base:v1", marker));

        try (JarProcess run = JarProcess.start(tmp, Map.of(), null, "watch", "-o", "json", "watched.yaml")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.err().contains("[app] on base:v1"));
            await().atMost(Duration.ofSeconds(30)).until(() -> appRefs(run.out()).size() == 1);

            Files.writeString(tmp.resolve("watched.yaml.new"), watched("base:v2", marker));
            Files.move(tmp.resolve("watched.yaml.new"), file, StandardCopyOption.REPLACE_EXISTING);

            await().atMost(Duration.ofSeconds(60)).until(() -> run.err().contains("[app] on base:v2"));
            await().atMost(Duration.ofSeconds(30)).until(() -> appRefs(run.out()).size() == 2);
            // one JSON object per line
            assertThat(run.out().lines()).allMatch(l -> l.startsWith("{") && l.endsWith("}"));

            assertThat(JarProcess.processesWithMarker(marker)).as("slowpoke is still building").isNotEmpty();
            run.interrupt();
            assertThat(run.waitFor(Duration.ofSeconds(60))).as(run.toString()).isEqualTo(128 + 2);
            assertThat(JarProcess.processesWithMarker(marker)).isEmpty();
        }
    }

    /** The refs of every completed status of CmdImage app printed so far, in order. */
    private static List<String> appRefs(String out) {
        return objects(out).stream().filter(o -> o instanceof CmdImage && "app".equals(o.name()))
                .map(o -> ((CmdImage) o).status()).filter(s -> s.isSucceeded()).map(s -> s.ref()).toList();
    }

    private static String watched(String baseImage, String marker) {
        return """
                apiVersion: tilt.dev/v1alpha1
                kind: ImageMap
                metadata:
                  name: base
                spec:
                  selector: base
                status:
                  image: %s
                  imageFromLocal: %s
                """.formatted(baseImage, baseImage)
                + TestYaml.remote("app", "echo on $TILT_IMAGE_0", "imageMaps: [base]",
                        "env: [\"MARKER=" + marker + "\"]")
                + TestYaml.remote("slowpoke", "echo started; sleep 300", "env: [\"MARKER=" + marker + "\"]");
    }
}

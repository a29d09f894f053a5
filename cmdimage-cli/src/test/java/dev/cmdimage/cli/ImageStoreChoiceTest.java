package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.docker.ImageStoreChoice;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --image-store auto|docker|oci:DIR}, in process, with no Docker engine (DOCKER_HOST points at a socket
 * that does not exist). The OCI builds run examples/hello-oci/build.sh, which needs only sh and coreutils.
 */
class ImageStoreChoiceTest {
    private static final Path HELLO_OCI = Path.of("..", "examples", "hello-oci").toAbsolutePath().normalize();

    @TempDir
    Path tmp;

    private final String noEngine = "unix:///tmp/cmdimage-no-engine-" + UUID.randomUUID() + ".sock";

    /** A local-docker CmdImage running hello-oci's build script in its directory. */
    private Path helloOci(String name) throws IOException {
        return Files.writeString(tmp.resolve(name + ".yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: %s
                spec:
                  ref: %s
                  dir: %s
                  args: ["sh", "build.sh"]
                """.formatted(name, name, HELLO_OCI));
    }

    @Test
    void autoFallsBackToAnOciLayoutInTheWorkingDirectoryAndSaysWhy() throws IOException {
        helloOci("hello");

        CliRun run = CliRun.run(tmp, Map.of("DOCKER_HOST", noEngine), null, "build", "hello.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        Path layout = tmp.resolve(".cmdimage/oci");
        assertThat(run.err).contains("cmdimage: image store: OCI image layout at " + layout
                + " (auto: no Docker engine answered: ").contains(noEngine.substring("unix://".length()));
        CmdImage hello = run.cmdImage("hello");
        assertThat(hello.status().ref()).matches("hello:tilt-[0-9a-f]{16}");
        assertThat(Files.readString(layout.resolve("index.json"))).contains(hello.status().ref());
    }

    @Test
    void insecureRegistriesAreTheOnlyNonLoopbackHostsTheOciPusherMayReachOverPlainHttp() {
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        Cli cli = new Cli(java.io.InputStream.nullInputStream(), System.out, new java.io.PrintStream(err), tmp,
                Map.of("DOCKER_HOST", noEngine), false);

        ImageStoreChoice.Chosen chosen = ImageStoreOption.parse("oci:layout").choose(
                java.util.Set.of("registry.internal:5000"), java.util.function.UnaryOperator.identity(), true, cli,
                new StderrReporter(cli.err()));

        assertThat(chosen.pusher().toString()).contains("plainHttpHosts=[registry.internal:5000]");
        assertThat(ImageStoreOption.parse("oci:layout").choose(true, cli,
                new StderrReporter(cli.err())).pusher().toString()).contains("plainHttpHosts=[]");
    }

    @Test
    void theInsecureRegistryOptionIsRepeatableOnBuildAndWatch() throws IOException {
        Files.writeString(tmp.resolve("remote.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: r
                spec:
                  ref: r
                  args: ["true"]
                  outputMode: remote
                """);

        CliRun run = CliRun.run(tmp, Map.of("DOCKER_HOST", noEngine), null, "build", "--insecure-registry",
                "a.internal:5000", "--insecure-registry", "b.internal", "remote.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(0);
        assertThat(CliRun.run(tmp, "watch", "--help").out).contains("--insecure-registry");
    }

    @Test
    void ociDirUsesThatLayoutAndTheSameContentGivesTheSameRef() throws IOException {
        helloOci("hello");

        CliRun first = CliRun.run(tmp, "build", "--image-store", "oci:build/layout", "hello.yaml");
        CliRun second = CliRun.run(tmp, "build", "--image-store", "oci:build/layout", "hello.yaml");

        assertThat(first.exit).as(first.toString()).isEqualTo(0);
        assertThat(first.err).contains("image store: OCI image layout at " + tmp.resolve("build/layout"));
        assertThat(second.cmdImage("hello").status().ref()).isEqualTo(first.cmdImage("hello").status().ref());
        assertThat(tmp.resolve(".cmdimage")).doesNotExist();
    }

    @Test
    void aCommandThatWritesNoImageFailsNamingTheRefAndTheLayout() throws IOException {
        Files.writeString(tmp.resolve("nothing.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: nothing
                spec:
                  ref: nothing
                  args: ["true"]
                """);

        CliRun run = CliRun.run(tmp, "build", "--image-store", "oci:layout", "nothing.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(1);
        String error = run.cmdImage("nothing").status().completedState().orElseThrow().error();
        assertThat(error).contains("Could not find image").contains("nothing:tilt-build-")
                .contains(tmp.resolve("layout").toString());
    }

    @Test
    void anUnreachableEngineWithImageStoreDockerFailsEachBuildNamingTheAddressWithoutRunningIt() throws IOException {
        Files.writeString(tmp.resolve("docker.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: local
                spec:
                  ref: local
                  args: ["sh", "-c", "echo ran > local-ran"]
                """ + TestYaml.remote("remote", "echo ran > remote-ran"));

        CliRun run = CliRun.run(tmp, Map.of("DOCKER_HOST", noEngine), null, "build", "--image-store", "docker",
                "docker.yaml");

        assertThat(run.exit).as(run.toString()).isEqualTo(1);
        String error = run.cmdImage("local").status().completedState().orElseThrow().error();
        assertThat(error).contains("Cannot reach the Docker engine at").contains(noEngine);
        assertThat(tmp.resolve("local-ran")).doesNotExist();
        // a remote build needs no engine, and runs
        assertThat(run.cmdImage("remote").status().isSucceeded()).isTrue();
        assertThat(tmp.resolve("remote-ran")).exists();
        assertThat(run.err).contains("does not answer");
    }

    @Test
    @org.junit.jupiter.api.Timeout(90)
    void imageStoreDockerAtAnAddressThatNeverAnswersSaysWhatItWaitsForAndGivesUpWithinItsBound() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            java.util.List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept()); // reads nothing, answers nothing
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            }, "silent-engine");
            acceptor.setDaemon(true);
            acceptor.start();
            String host = "tcp://127.0.0.1:" + silent.getLocalPort();
            java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
            Cli cli = new Cli(java.io.InputStream.nullInputStream(), System.out, new java.io.PrintStream(err, true),
                    tmp, Map.of("DOCKER_HOST", host), false);

            try (ImageStoreChoice.Chosen chosen = ImageStoreOption.parse("docker").choose(true, cli,
                    new StderrReporter(cli.err()))) {
                assertThat(err.toString()).startsWith("cmdimage: image store: Docker engine at " + host
                        + " (from DOCKER_HOST, as --image-store docker asks); waiting for it to answer (at most 10s to"
                        + " connect and 10s for the answer)");
                assertThat(chosen.unusable()).startsWith("Cannot reach the Docker engine at " + host
                        + " (from DOCKER_HOST): it did not answer within 10s.");
                assertThat(err.toString()).contains("does not answer: " + chosen.unusable());
            } finally {
                for (java.net.Socket s : accepted) {
                    s.close();
                }
            }
        }
    }

    @Test
    void theDockerPushersCredentialsComeFromHomeInTheEnvironment() {
        Path home = tmp.resolve("ci-home");
        Cli cli = new Cli(java.io.InputStream.nullInputStream(), System.out,
                new java.io.PrintStream(new java.io.ByteArrayOutputStream()), tmp,
                Map.of("DOCKER_HOST", noEngine, "HOME", home.toString()), false);

        try (ImageStoreChoice.Chosen chosen = ImageStoreOption.parse("docker").choose(true, cli,
                new StderrReporter(cli.err()))) {
            assertThat(chosen.pusher().toString())
                    .contains("DockerConfigCredentials[" + home.resolve(".docker/config.json") + "]");
        }
    }
}

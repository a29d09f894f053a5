package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.testing.FakeProcessRunner;
import dev.cmdimage.core.testing.FakeProcessRunner.Script;
import dev.cmdimage.testing.RecordingBuildListener;
import dev.cmdimage.spi.ProcessResult;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEHAVIOUR.md section 4 steps 5 and 6: streaming output, non-zero exits, timeouts, commands that cannot start. */
class CommandOutcomeTest {
    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    @Test
    void eachOutputLineReachesTheListenerWithItsStream() throws Exception {
        f.runner = new FakeProcessRunner(run -> {
            run.stdout("step 1/2");
            run.stderr("warning: cache miss");
            run.stdout("step 2/2");
            f.store.put(run.env("EXPECTED_REF"), Fixture.ID);
            return run.exit(0);
        });

        f.builder().build(f.request(Fixture.spec("app").build()).build());

        List<RecordingBuildListener.Event> output = f.listener.events().stream()
                .filter(e -> e.kind() == RecordingBuildListener.Kind.OUTPUT).toList();
        assertThat(output).extracting(RecordingBuildListener.Event::stream)
                .containsExactly(StdStream.STDOUT, StdStream.STDERR, StdStream.STDOUT);
        assertThat(f.listener.outputLines()).containsExactly("step 1/2", "warning: cache miss", "step 2/2");
        assertThat(output).allSatisfy(e -> assertThat(e.name()).isEqualTo("app"));
    }

    @Test
    void aNonZeroExitNamesTheScriptOfShDashCAndCarriesTheLastLines() {
        f.runner = FakeProcessRunner.exiting(2, "compiling", "error: main.go:3: undefined: x");

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("Custom build \"./build.sh\" failed: exit status 2\n"
                            + "output (last 2 lines):\n"
                            + "  compiling\n"
                            + "  error: main.go:3: undefined: x");
                    assertThat(e.command()).isEqualTo("./build.sh");
                    assertThat(e.exitCode()).isEqualTo(2);
                    assertThat(e.outputTail()).containsExactly("compiling", "error: main.go:3: undefined: x");
                    assertThat(e.status().orElseThrow().completedState().orElseThrow().error())
                            .isEqualTo(e.getMessage());
                });
        assertThat(f.store.imageCalls()).isZero();
    }

    @Test
    void otherArgsAreJoinedBySpaces() {
        f.runner = FakeProcessRunner.exiting(1);

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app")
                .args("docker", "build", "-t", "$EXPECTED_REF", ".").build()).build()))
                .hasMessage("Custom build \"docker build -t $EXPECTED_REF .\" failed: exit status 1");
        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app")
                .args("sh", "-c", "make", "extra").build()).build()))
                .hasMessage("Custom build \"sh -c make extra\" failed: exit status 1");
    }

    @Test
    void theOutputTailIsBoundedByOutputTailLines() {
        String[] lines = new String[50];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = "line " + i;
        }
        FakeProcessRunner runner = FakeProcessRunner.exiting(1, lines);
        var builder = CmdImages.builder().processRunner(runner).imageStore(f.store).registryPusher(f.pusher)
                .outputTailLines(3).build();

        assertThatThrownBy(() -> builder.build(f.request(Fixture.spec("app").build()).build()))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.outputTail()).containsExactly("line 47", "line 48", "line 49");
                    assertThat(e.getMessage()).endsWith("output (last 3 lines):\n  line 47\n  line 48\n  line 49");
                });
    }

    @Test
    void theDefaultTailIsTwentyLinesAndLongLinesAreCut() {
        String[] lines = new String[30];
        for (int i = 0; i < lines.length; i++) {
            lines[i] = i == 29 ? "x".repeat(10_000) : "line " + i;
        }
        f.runner = FakeProcessRunner.exiting(1, lines);

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.outputTail()).hasSize(20).startsWith("line 10");
                    assertThat(e.outputTail().get(19)).hasSize(501).endsWith("…");
                });
        // the listener still gets every line whole
        assertThat(f.listener.outputLines()).hasSize(30);
        assertThat(f.listener.outputLines().get(29)).hasSize(10_000);
    }

    @Test
    void noTailLinesMeansTheBareSentence() {
        var builder = CmdImages.builder().processRunner(FakeProcessRunner.exiting(4, "noise"))
                .imageStore(f.store).registryPusher(f.pusher).outputTailLines(0).build();

        assertThatThrownBy(() -> builder.build(f.request(Fixture.spec("app").build()).build()))
                .hasMessage("Custom build \"./build.sh\" failed: exit status 4");
    }

    @Test
    void aTimeoutIsABuildTimeoutException() {
        f.runner = new FakeProcessRunner(Script.timeout("still compiling"));

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build())
                .timeout(Duration.ofSeconds(90)).build()))
                .isInstanceOfSatisfying(BuildTimeoutException.class, e -> {
                    assertThat(e.getMessage()).isEqualTo("Custom build \"./build.sh\" timed out after 1m30s;"
                            + " its processes were killed\noutput (last 1 line):\n  still compiling");
                    assertThat(e.timeout()).isEqualTo(Duration.ofSeconds(90));
                    assertThat(e.command()).isEqualTo("./build.sh");
                    assertThat(e.outputTail()).containsExactly("still compiling");
                    assertThat(e.status().orElseThrow().isFailed()).isTrue();
                });
        // the timeout bounds the whole build: the command gets what the steps before it left
        assertThat(f.runner.lastRun().timeout()).isBetween(Duration.ofSeconds(60), Duration.ofSeconds(90));
        assertThat(f.store.imageCalls()).isZero();
    }

    @Test
    void aCommandThatCannotStartSaysSo() {
        f.runner = new FakeProcessRunner(Script.cannotStart("Cannot run program \"./build.sh\": error=2, No such file or directory"));

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .isExactlyInstanceOf(CmdImageException.class)
                .hasMessage("Custom build \"./build.sh\" could not start: Cannot run program \"./build.sh\": error=2,"
                        + " No such file or directory");
        assertThat(f.listener.stepSequence()).endsWith("+run", "!run");
    }

    @Test
    void aRunnerThatThrowsEndsTheBuildWithASentence() {
        f.runner = new FakeProcessRunner(Script.throwing(new IllegalStateException("reader thread died")));

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .isExactlyInstanceOf(CmdImageException.class)
                .hasMessage("Unexpected error in the process runner while running \"./build.sh\":"
                        + " IllegalStateException: reader thread died")
                .satisfies(e -> assertThat(((CmdImageException) e).status().orElseThrow().isFailed()).isTrue());
        assertThat(f.listener.unpairedSteps()).isEmpty();
    }

    @Test
    void aRunnerThatReturnsNullEndsTheBuildWithASentence() {
        f.runner = new FakeProcessRunner(run -> null);

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .hasMessage("Unexpected error in the process runner while running \"./build.sh\":"
                        + " IllegalStateException: it returned no result");
    }

    @Test
    void anErrorThrownByAPlugInEndsTheBuildWithASentence() {
        f.runner = new FakeProcessRunner(run -> {
            throw new NoClassDefFoundError("com/example/Missing");
        });

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .hasMessage("Internal error in step \"run\": NoClassDefFoundError: com/example/Missing");
        assertThat(f.listener.unpairedSteps()).isEmpty();
    }

    @Test
    void aVirtualMachineErrorStillEndsTheBuildCompletedAndReachesTheExecutor() throws Exception {
        FakeProcessRunner runner = new FakeProcessRunner(run -> {
            throw new StackOverflowError();
        });
        java.util.List<Throwable> escaped = new java.util.concurrent.CopyOnWriteArrayList<>();
        var builder = CmdImages.builder().processRunner(runner).imageStore(f.store).registryPusher(f.pusher)
                .executor(r -> new Thread(() -> {
                    try {
                        r.run();
                    } catch (Throwable t) {
                        escaped.add(t);
                    }
                }).start())
                .build();

        var handle = builder.start(f.request(Fixture.spec("app").build()).build());
        var status = handle.finalStatus().get(10, java.util.concurrent.TimeUnit.SECONDS);

        assertThat(status.completedState().orElseThrow().error()).isEqualTo("Internal error: StackOverflowError");
        assertThat(f.listener.stepSequence()).endsWith("+run", "!run");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> !escaped.isEmpty());
        assertThat(escaped.get(0)).isInstanceOf(StackOverflowError.class);
    }

    @Test
    void aRunnerThatStreamsNothingHasTheTailOfItsResultInTheError() {
        // issue 10's trap: a custom runner that collects output returns it in ProcessResult.outputTail(); the
        // pipeline used to ignore it and said only "exit status 2"
        f.runner = new FakeProcessRunner(run -> new ProcessResult(2, ProcessResult.Termination.EXITED,
                List.of("compiling", "error: token=s3cr3t rejected"), Duration.ofMillis(5)));

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").env(List.of("API_TOKEN=s3cr3t")).build())
                .build()))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.outputTail()).containsExactly("compiling", "error: token=<redacted> rejected");
                    assertThat(e.getMessage()).isEqualTo("Custom build \"./build.sh\" failed: exit status 2\n"
                            + "output (last 2 lines):\n  compiling\n  error: token=<redacted> rejected");
                });
    }

    @Test
    void aRunnerThatTimesOutStreamingNothingHasTheTailOfItsResultInTheError() {
        f.runner = new FakeProcessRunner(run -> new ProcessResult(143, ProcessResult.Termination.TIMED_OUT,
                List.of("waiting for lock"), Duration.ofSeconds(1)));

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build())
                .timeout(Duration.ofSeconds(30)).build()))
                .isInstanceOfSatisfying(BuildTimeoutException.class,
                        e -> assertThat(e.outputTail()).containsExactly("waiting for lock"));
    }

    @Test
    void streamedLinesWinOverTheResultsTail() {
        f.runner = new FakeProcessRunner(run -> {
            run.stdout("streamed");
            return new ProcessResult(1, ProcessResult.Termination.EXITED, List.of("returned"), Duration.ZERO);
        });

        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").build()).build()))
                .isInstanceOfSatisfying(CommandFailedException.class,
                        e -> assertThat(e.outputTail()).containsExactly("streamed"));
    }
}

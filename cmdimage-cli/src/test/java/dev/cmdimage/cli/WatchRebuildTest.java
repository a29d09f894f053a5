package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageCodec;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Objects;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cmdimage watch} rebuilding when a file a CmdImage depends on changes ({@code cmdimage.dev/deps}), and on
 * {@code rebuild NAME} lines on stdin; in process, with real files and real file system events.
 */
class WatchRebuildTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path tmp;

    private Thread thread;
    private PipedOutputStream stdin;
    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    @AfterEach
    void stop() throws InterruptedException, IOException {
        if (thread != null) {
            thread.interrupt();
            thread.join(60_000);
            assertThat(thread.isAlive()).as("watch still running after an interrupt").isFalse();
        }
        if (stdin != null) {
            stdin.close();
        }
    }

    private void watch(String... args) throws IOException {
        PipedInputStream in = new PipedInputStream(64 * 1024);
        stdin = new PipedOutputStream(in);
        Cli cli = new Cli(in, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8), tmp, new HashMap<>(System.getenv()), false);
        thread = new Thread(() -> Main.run(cli, args), "watch-under-test");
        thread.start();
    }

    private void type(String line) throws IOException {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
    }

    private List<ApiObject> printed() {
        try {
            return CmdImageCodec.create().read(out.toString(StandardCharsets.UTF_8), "stdout");
        } catch (ValidationException e) {
            throw new AssertionError(e.getMessage(), e);
        }
    }

    /** The reasons of the {@code building} states CmdImage {@code name} was printed in, in order. */
    private List<String> buildReasons(String name) {
        return printed().stream().filter(o -> o instanceof CmdImage c && c.name().equals(name))
                .map(o -> ((CmdImage) o).status().buildingState().map(CmdImageStatus.Building::reason).orElse(null))
                .filter(Objects::nonNull).distinct().toList();
    }

    private long completed(String name) {
        return printed().stream().filter(o -> o instanceof CmdImage c && c.name().equals(name)
                && c.status().isSucceeded()).map(o -> ((CmdImage) o).status().completedState().orElseThrow()
                        .finishedAt()).distinct().count();
    }

    private boolean watching(String fileWatch) {
        return printed().stream().anyMatch(o -> o instanceof FileWatch w && w.name().equals(fileWatch)
                && w.status().monitorStartTime() != null);
    }

    private static final String APP = """
            apiVersion: tilt.dev/v1alpha1
            kind: CmdImage
            metadata:
              name: app
              annotations:
                cmdimage.dev/deps: "."
            spec:
              ref: app
              outputMode: remote
              args: ["sh", "-c", "echo built"]
            """;

    @Test
    void aChangedDepRebuildsAndTheJsonLineNamesItWhileIgnoredFilesAndTheStoreBuildNothing() throws Exception {
        Files.writeString(tmp.resolve("cmdimage.yaml"), APP);
        Files.writeString(tmp.resolve(".dockerignore"), "*.tmp\n");
        Files.createDirectories(tmp.resolve("src"));
        Files.createDirectories(tmp.resolve("store"));

        watch("watch", "-o", "json", "--image-store", "oci:store", "cmdimage.yaml");
        await().atMost(WAIT).until(() -> completed("app") == 1 && watching("image:app"));

        Files.writeString(tmp.resolve("scratch.tmp"), "ignored by .dockerignore");
        Files.writeString(tmp.resolve("store/index.json"), "{}"); // the image store's own directory
        Files.createDirectories(tmp.resolve("store/blobs/sha256"));
        Files.writeString(tmp.resolve("store/blobs/sha256/0123"), "a blob");
        Files.writeString(tmp.resolve("src/main.go"), "package main");

        await().atMost(WAIT).until(() -> completed("app") == 2);
        // the ignored changes came first: had one counted, it would be named here or have made a build of its own
        assertThat(buildReasons("app")).containsExactly("build requested", "files changed: src/main.go");
        assertThat(out.toString(StandardCharsets.UTF_8).lines())
                .anyMatch(l -> l.startsWith("{\"kind\":\"CmdImage\"")
                        && l.contains("\"building\":{\"reason\":\"files changed: src/main.go\""));
    }

    @Test
    void aRebuildLineOnStdinRebuildsNowAndOtherLinesAreExplained() throws Exception {
        Files.writeString(tmp.resolve("cmdimage.yaml"), TestYaml.remote("app", "echo built"));

        watch("watch", "-o", "json", "--image-store", "oci:store", "cmdimage.yaml");
        await().atMost(WAIT).until(() -> completed("app") == 1);

        type("rebuild app");
        await().atMost(WAIT).until(() -> completed("app") == 2);
        assertThat(buildReasons("app")).containsExactly("build requested", "triggered");

        type("rebuild nothing");
        type("make coffee");
        await().atMost(WAIT).until(() -> err.toString(StandardCharsets.UTF_8).contains("make coffee"));
        assertThat(err.toString(StandardCharsets.UTF_8)).contains(
                "cmdimage: rebuild: no CmdImage named \"nothing\"",
                "cmdimage: unknown command \"make coffee\" on stdin: expected rebuild NAME");
    }

    @Test
    void parsesCommandLines() {
        assertThat(StdinCommands.parse("rebuild app")).isEqualTo(new StdinCommands.Rebuild("app"));
        assertThat(StdinCommands.parse("  rebuild   app  ")).isEqualTo(new StdinCommands.Rebuild("app"));
        assertThat(StdinCommands.parse("rebuild")).isInstanceOf(StdinCommands.Unknown.class);
        assertThat(StdinCommands.parse("rebuild a b")).isInstanceOf(StdinCommands.Unknown.class);
    }

    @Test
    void buildWatchesNothingSoACommandWritingIntoItsDepsBuildsOnce() throws Exception {
        Files.writeString(tmp.resolve("cmdimage.yaml"), APP.replace("echo built",
                "echo x >> generated.txt; sleep 1; echo run >> runs.log"));

        CliRun run = assertTimeoutPreemptively(Duration.ofSeconds(60),
                () -> CliRun.run(tmp, "build", "-o", "json", "--image-store", "oci:store", "cmdimage.yaml"));

        assertThat(run.exit).as(run.err).isZero();
        assertThat(Files.readAllLines(tmp.resolve("runs.log"))).containsExactly("run");
    }
}

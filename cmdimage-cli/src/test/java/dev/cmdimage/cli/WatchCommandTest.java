package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cmdimage watch}, in process on a thread of its own, stopped by interrupting it (as a signal would). */
class WatchCommandTest {
    @TempDir
    Path tmp;

    private final String marker = "cmdimage-watch-test-" + UUID.randomUUID();
    private Watch watch;

    @AfterEach
    void stop() throws InterruptedException {
        if (watch != null) {
            watch.stop();
        }
        assertThat(JarProcess.processesWithMarker(marker)).as("processes left behind").isEmpty();
    }

    /** The command line on a thread, with stdout and stderr readable while it runs. */
    static final class Watch {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final Thread thread;
        volatile Integer exit;

        Watch(Path cwd, String... args) {
            Cli cli = new Cli(new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8),
                    new PrintStream(err, true, StandardCharsets.UTF_8), cwd, new HashMap<>(System.getenv()), false);
            thread = new Thread(() -> exit = Main.run(cli, args), "watch-under-test");
            thread.start();
        }

        String out() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String err() {
            return err.toString(StandardCharsets.UTF_8);
        }

        long linesOf(String name, String text) {
            return err().lines().filter(l -> l.equals("[" + name + "] " + text)).count();
        }

        /** Every object printed so far, in order. */
        List<ApiObject> printed() {
            try {
                return CmdImageCodec.create().read(out(), "stdout");
            } catch (ValidationException e) {
                throw new AssertionError(e.getMessage() + "\n" + out(), e);
            }
        }

        /** The states CmdImage {@code name} was printed in, e.g. [waiting, building, completed]. */
        List<String> states(String name) {
            return printed().stream().filter(o -> o instanceof CmdImage && o.name().equals(name))
                    .map(o -> ((CmdImage) o).status().state()).filter(s -> !(s instanceof dev.cmdimage.api.CmdImageStatus.Pending))
                    .map(s -> s.getClass().getSimpleName().toLowerCase()).toList();
        }

        void stop() throws InterruptedException {
            thread.interrupt();
            thread.join(60_000);
            assertThat(thread.isAlive()).as("watch still running after an interrupt").isFalse();
        }
    }

    private void write(Path file, String text) throws IOException {
        Path next = file.resolveSibling(file.getFileName() + ".next");
        Files.writeString(next, text);
        Files.move(next, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private String base(String image) {
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
                """.formatted(image, image);
    }

    private String app() {
        return TestYaml.remote("app", "echo on $TILT_IMAGE_0", "imageMaps: [base]", "env: [\"M=" + marker + "\"]");
    }

    private String other() {
        return TestYaml.remote("other", "echo other ran", "env: [\"M=" + marker + "\"]");
    }

    @Test
    void rebuildsExactlyWhatDependsOnAChangedImageMapAndShowsEachState() throws IOException {
        Path file = tmp.resolve("watched.yaml");
        write(file, base("base:v1") + app() + other());

        watch = new Watch(tmp, "watch", "-o", "json", "watched.yaml");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.states("app").contains("completed")
                && watch.states("other").contains("completed"));
        assertThat(watch.linesOf("app", "on base:v1")).isEqualTo(1);

        write(file, base("base:v2") + app() + other());

        await().atMost(Duration.ofSeconds(30)).until(() -> watch.linesOf("app", "on base:v2") == 1
                && watch.states("app").stream().filter("completed"::equals).count() == 2);
        List<String> states = watch.states("app");
        assertThat(states.subList(states.indexOf("completed") + 1, states.size())).containsSubsequence("building", "completed");
        assertThat(watch.linesOf("other", "other ran")).as("an unchanged CmdImage is not rebuilt").isEqualTo(1);
        assertThat(watch.out().lines()).allMatch(l -> l.startsWith("{") && l.endsWith("}"));
    }

    @Test
    void aChangedBaseCmdImageRebuildsItsDependentsInOrderEachWaitingThenBuildingThenCompleted() throws IOException {
        Path file = tmp.resolve("chain.yaml");
        String tail = TestYaml.remote("app", "echo app on $TILT_IMAGE_0", "imageMaps: [base]")
                + TestYaml.remote("top", "echo top on $TILT_IMAGE_0", "imageMaps: [app]") + other();
        write(file, TestYaml.remote("base", "echo base v1", "env: [\"M=" + marker + "\"]") + tail);
        watch = new Watch(tmp, "watch", "-o", "json", "chain.yaml");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.linesOf("top", "completed: " + ref(watch, "top")) == 1
                && watch.states("other").contains("completed"));
        int printedBefore = watch.printed().size();

        write(file, TestYaml.remote("base", "sleep 0.3; echo base v2", "env: [\"M=" + marker + "\"]") + tail);

        await().atMost(Duration.ofSeconds(30)).until(() -> watch.err().contains("[base] base v2")
                && watch.states("top").stream().filter("completed"::equals).count() == 2);
        List<ApiObject> after = watch.printed().subList(printedBefore, watch.printed().size());
        for (String name : List.of("app", "top")) {
            List<String> states = after.stream().filter(o -> o instanceof CmdImage && o.name().equals(name))
                    .map(o -> ((CmdImage) o).status().state().getClass().getSimpleName().toLowerCase()).toList();
            assertThat(states).as(name).containsSubsequence("waiting", "building", "completed");
        }
        List<String> lines = watch.err().lines().toList();
        assertThat(lines.indexOf("[base] base v2")).isLessThan(indexOfLast(lines, "[app] building"));
        assertThat(indexOfLast(lines, "[app] completed")).isLessThan(indexOfLast(lines, "[top] building"));
        assertThat(watch.linesOf("other", "other ran")).as("an unrelated CmdImage is not rebuilt").isEqualTo(1);
    }

    private static String ref(Watch watch, String name) {
        return watch.printed().stream().filter(o -> o instanceof CmdImage && o.name().equals(name))
                .map(o -> ((CmdImage) o).status().ref()).filter(r -> r != null).reduce((a, b) -> b).orElse("?");
    }

    private static int indexOfLast(List<String> lines, String prefix) {
        for (int i = lines.size() - 1; i >= 0; i--) {
            if (lines.get(i).startsWith(prefix)) {
                return i;
            }
        }
        throw new AssertionError("no line starting with " + prefix + " in " + lines);
    }

    @Test
    void objectsRemovedFromTheFileAreDeleted() throws IOException {
        Path file = tmp.resolve("watched.yaml");
        write(file, base("base:v1") + app() + other());
        watch = new Watch(tmp, "watch", "watched.yaml");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.states("other").contains("completed"));

        write(file, base("base:v1") + app());

        await().atMost(Duration.ofSeconds(30)).until(() -> watch.err().contains("[other] CmdImage deleted"));
        assertThat(watch.linesOf("app", "on base:v1")).isEqualTo(1);
    }

    @Test
    void aFileThatBecomesInvalidKeepsThePreviousObjectsUntilItIsFixed() throws IOException {
        Path file = tmp.resolve("watched.yaml");
        write(file, base("base:v1") + app());
        watch = new Watch(tmp, "watch", "watched.yaml");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.states("app").contains("completed"));

        write(file, base("base:v2") + app().replace("  args: [\"sh\"", "  argz: [\"sh\""));

        await().atMost(Duration.ofSeconds(30)).until(() -> watch.err().contains("spec.args: Required value"));
        assertThat(watch.err()).contains("keeping the previous objects");
        assertThat(watch.linesOf("app", "on base:v2")).isZero();

        write(file, base("base:v3") + app());

        await().atMost(Duration.ofSeconds(30)).until(() -> watch.linesOf("app", "on base:v3") == 1);
    }

    /** A FILE replaced by a FIFO stalled watch silently in open(); now it says so and keeps the objects. */
    @Test
    void aFileThatBecomesAFifoIsReportedAndThePreviousObjectsAreKept() throws IOException, InterruptedException {
        Path file = tmp.resolve("watched.yaml");
        write(file, base("base:v1") + app());
        watch = new Watch(tmp, "watch", "watched.yaml");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.states("app").contains("completed"));

        Files.delete(file);
        HostileInputTest.mkfifo(file);

        await().atMost(Duration.ofSeconds(30)).until(() -> watch.err().contains(
                "cannot read watched.yaml: it is a FIFO (named pipe), not a regular file"));
        assertThat(watch.err()).contains("keeping the previous objects");

        Files.delete(file);
        write(file, base("base:v2") + app());

        await().atMost(Duration.ofSeconds(30)).until(() -> watch.linesOf("app", "on base:v2") == 1);
    }

    @Test
    void printsYamlDocumentsByDefault() throws IOException {
        write(tmp.resolve("watched.yaml"), other());
        watch = new Watch(tmp, "watch", "watched.yaml");

        await().atMost(Duration.ofSeconds(30)).until(() -> watch.states("other").contains("completed"));
        assertThat(watch.out()).startsWith("---\n").contains("\n---\n").contains("kind: CmdImage");
    }

    @Test
    void anInterruptCancelsTheBuildsInFlightAndLeavesNoProcess() throws IOException, InterruptedException {
        write(tmp.resolve("watched.yaml"), TestYaml.remote("slow", "echo started; sleep 300",
                "env: [\"M=" + marker + "\"]"));
        watch = new Watch(tmp, "watch", "watched.yaml");
        await().atMost(Duration.ofSeconds(30)).until(() -> watch.err().contains("[slow] started"));
        assertThat(JarProcess.processesWithMarker(marker)).isNotEmpty();

        watch.stop();

        assertThat(watch.exit).isEqualTo(WatchCommand.STOPPED);
        assertThat(JarProcess.processesWithMarker(marker)).isEmpty();
    }

    @Test
    void stdinAndAnInvalidFileAtTheStartAreUsageErrors() throws IOException {
        assertThat(CliRun.run(tmp, "watch", "-").exit).isEqualTo(2);
        Files.writeString(tmp.resolve("bad.yaml"), "kind: Pod\napiVersion: v1\nmetadata: {name: x}\n");
        CliRun bad = CliRun.run(tmp, "watch", "bad.yaml");
        assertThat(bad.exit).isEqualTo(2);
        assertThat(bad.err).contains("bad.yaml").contains("Pod");
    }
}

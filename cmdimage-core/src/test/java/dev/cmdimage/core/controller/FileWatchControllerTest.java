package dev.cmdimage.core.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.controller.ScriptedBuilder.FakeBuild;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controller rebuilding on file changes and on demand, with real files and real file system events (the
 * JDK's WatchService); builds are scripted ({@link ScriptedBuilder}). Every wait is bounded.
 */
class FileWatchControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final Duration DEBOUNCE = Duration.ofMillis(150);

    @TempDir
    Path dir;

    private final ScriptedBuilder builder = new ScriptedBuilder();
    private final ChangeRecorder recorder = new ChangeRecorder();
    private final List<CmdImageController> controllers = new ArrayList<>();

    @AfterEach
    void close() {
        builder.endCancelsPromptly();
        controllers.forEach(CmdImageController::close);
        assertThat(builder.overlaps()).as("CmdImages with two builds side by side").isEmpty();
    }

    private CmdImageController controller(CmdImageControllers.Builder b) {
        CmdImageController c = b.build();
        c.subscribe(recorder);
        controllers.add(c);
        return c;
    }

    private CmdImageController controller() {
        return controller(CmdImageControllers.builder(builder).baseDirectory(dir).fileWatchDebounce(DEBOUNCE));
    }

    /** A CmdImage depending on the FileWatches {@code watches} (annotation). */
    private static CmdImage image(String name, String watches) {
        return new CmdImage(new ObjectMeta(name, null, null, Map.of(FileWatch.FILE_WATCHES_ANNOTATION, watches),
                null, null, null, null), CmdImageSpec.builder().ref("localhost:5000/" + name).args("true").build(),
                null);
    }

    /** Applies and waits until the controller watches its paths. */
    private static void watch(CmdImageController c, FileWatch fw) {
        c.apply(fw);
        await().atMost(WAIT).until(() -> c.fileWatch(fw.name()).orElseThrow().status().monitorStartTime() != null);
    }

    private List<String> reasons(String name) {
        return builder.builds(name).stream().map(b -> b.request.reason()).toList();
    }

    private static void write(Path file, String text) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void changingAWatchedFileRebuildsWithTheFileAsReason() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        CmdImageController c = controller();
        watch(c, FileWatch.of("src", List.of("src")));
        c.apply(image("app", "src"));
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app")).containsExactly("build requested");

        write(dir.resolve("src/main.txt"), "v2");

        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app")).containsExactly("build requested", "files changed: src/main.txt");
        assertThat(recorder.statuses("app")).contains("building: files changed: src/main.txt");
        FileWatch fw = c.fileWatch("src").orElseThrow();
        assertThat(fw.status().lastEventTime()).isNotNull();
        assertThat(fw.status().fileEvents()).last().satisfies(e ->
                assertThat(e.seenFiles()).containsExactly(dir.resolve("src/main.txt").toString()));
        assertThat(recorder.of(FileWatch.KIND, "src")).as("FileWatch statuses reach subscribers")
                .anySatisfy(ch -> assertThat(((FileWatch) ch.object()).status().fileEvents()).isNotEmpty());
    }

    @Test
    void aBurstOfChangesIsOneBuildNamingThreePathsAndTheRest() throws Exception {
        CmdImageController c = controller(CmdImageControllers.builder(builder).baseDirectory(dir)
                .fileWatchDebounce(Duration.ofMillis(500)));
        Files.createDirectories(dir.resolve("src"));
        watch(c, FileWatch.of("src", List.of(dir.resolve("src").toString())));
        c.apply(image("app", "src"));
        assertThat(c.awaitIdle(WAIT)).isTrue();

        for (int i = 0; i < 200; i++) {
            write(dir.resolve("src/f" + i + ".txt"), "x" + i);
        }

        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app")).hasSize(2);
        assertThat(reasons("app").get(1)).isEqualTo("files changed: src/f0.txt, src/f1.txt, src/f2.txt (+197 more)");
        assertThat(c.fileWatch("src").orElseThrow().status().fileEvents()).last()
                .satisfies(e -> assertThat(e.seenFiles()).hasSize(FileWatch.FileEvent.MAX_SEEN_FILES)
                        .startsWith(dir.resolve("src/f0.txt").toString()));
    }

    @Test
    void changesDuringABuildQueueOneRebuildAfterItAndCancelNothing() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        CmdImageController c = controller();
        watch(c, FileWatch.of("src", List.of("src")));
        builder.block("app");
        c.apply(image("app", "src"));
        FakeBuild first = builder.awaitBuild("app", 0);

        for (int i = 0; i < 3; i++) {
            write(dir.resolve("src/a" + i + ".txt"), "x");
            int batches = i + 1;
            await().atMost(WAIT).until(() -> c.fileWatch("src").orElseThrow().status().fileEvents().size() >= batches);
        }
        assertThat(first.cancelRequested()).as("the build in flight is not cancelled").isFalse();
        assertThat(builder.builds("app")).hasSize(1);
        assertThat(ChangeRecorder.describe(c.cmdImage("app").orElseThrow().status())).startsWith("building:");

        builder.unblock("app");
        first.succeed();
        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app")).containsExactly("build requested", "files changed: src/a2.txt");
    }

    @Test
    void ignoredFilesGitTheNeverWatchedStoreAndTheRefFileNeverTrigger() throws Exception {
        Path store = dir.resolve("store");
        Files.createDirectories(store);
        Files.createDirectories(dir.resolve(".git"));
        Files.createDirectories(dir.resolve("build"));
        CmdImageController c = controller(CmdImageControllers.builder(builder).baseDirectory(dir)
                .fileWatchDebounce(DEBOUNCE).neverWatch(store));
        FileWatch fw = new FileWatch(ObjectMeta.named("all"), FileWatch.Spec.builder().watchedPaths(".")
                .addIgnore(dir.toString(), "*.log", "build", "!build/keep.txt").build(), null);
        watch(c, fw);
        CmdImage app = image("app", "all");
        c.apply(app.withSpec(app.spec().toBuilder().outputsImageRefTo("ref.txt").build()));
        assertThat(c.awaitIdle(WAIT)).isTrue();

        write(dir.resolve("debug.log"), "ignored by *.log");
        write(dir.resolve("build/out.bin"), "ignored by build");
        write(dir.resolve(".git/index"), "git");
        write(store.resolve("index.json"), "the store");
        write(store.resolve("blobs/sha256/abc"), "a new directory in the store");
        write(dir.resolve("ref.txt"), "localhost:5000/app:tilt-1");
        write(dir.resolve("build/keep.txt"), "re-included by !build/keep.txt");

        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        // the ignored changes came first: had one counted, it would be named here or have made a build of its own
        assertThat(reasons("app")).containsExactly("build requested", "files changed: build/keep.txt");
    }

    @Test
    void aNewDirectoryIsWatchedAndTheFilesAlreadyInItCount() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        CmdImageController c = controller();
        watch(c, FileWatch.of("src", List.of("src")));
        c.apply(image("app", "src"));
        assertThat(c.awaitIdle(WAIT)).isTrue();

        write(dir.resolve("src/a/b/c/deep.txt"), "1");
        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        // the reason names at most 3 paths, and the new directories may come first (whether the watcher saw them
        // created depends on timing): the file is among the paths the FileWatch saw
        assertThat(reasons("app").get(1)).startsWith("files changed: src/a");
        assertThat(c.fileWatch("src").orElseThrow().status().fileEvents())
                .flatExtracting(FileWatch.FileEvent::seenFiles)
                .contains(dir.resolve("src/a/b/c/deep.txt").toString());

        write(dir.resolve("src/a/b/c/deep.txt"), "2");
        builder.awaitBuild("app", 2);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app").get(2)).isEqualTo("files changed: src/a/b/c/deep.txt");
    }

    @Test
    void aWatchedDirectoryThatIsDeletedAndCreatedAgainIsWatchedAgain() throws Exception {
        write(dir.resolve("src/a/old.txt"), "1");
        CmdImageController c = controller();
        watch(c, FileWatch.of("src", List.of("src")));
        c.apply(image("app", "src"));
        assertThat(c.awaitIdle(WAIT)).isTrue();

        Files.delete(dir.resolve("src/a/old.txt"));
        Files.delete(dir.resolve("src/a"));
        Files.delete(dir.resolve("src"));
        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();

        write(dir.resolve("src/new.txt"), "2");
        builder.awaitBuild("app", 2);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        write(dir.resolve("src/new.txt"), "3");
        builder.awaitBuild("app", 3);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app").get(3)).isEqualTo("files changed: src/new.txt");
    }

    @Test
    void aWatchedFileIsWatchedThroughItsDirectoryEvenBeforeItExists() throws Exception {
        CmdImageController c = controller();
        write(dir.resolve("other.txt"), "not watched");
        watch(c, FileWatch.of("df", List.of("Dockerfile")));
        c.apply(image("app", "df"));
        assertThat(c.awaitIdle(WAIT)).isTrue();

        write(dir.resolve("other.txt"), "still not watched");
        write(dir.resolve("Dockerfile"), "FROM scratch");
        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app")).containsExactly("build requested", "files changed: Dockerfile");
    }

    @Test
    void aFileWatchThatCannotWatchSaysWhy() {
        CmdImageController c = controller();
        c.apply(FileWatch.of("gone", List.of("no/such/dir/file")));
        await().atMost(WAIT).until(() -> c.fileWatch("gone").orElseThrow().status().error() != null);
        assertThat(c.fileWatch("gone").orElseThrow().status().error())
                .isEqualTo("cannot watch " + dir.resolve("no/such/dir/file") + ": neither it nor its directory exists");
        assertThat(c.fileWatch("gone").orElseThrow().status().monitorStartTime()).isNull();
    }

    @Test
    void aPathThatCouldNotBeWatchedIsTriedAgainWhenTheWatchesChange() throws Exception {
        CmdImageController c = controller();
        c.apply(FileWatch.of("late", List.of("late/file.txt")));
        await().atMost(WAIT).until(() -> c.fileWatch("late").orElseThrow().status().error() != null);

        Files.createDirectories(dir.resolve("late"));
        watch(c, FileWatch.of("other", List.of("late"))); // any change of the watches

        await().atMost(WAIT).until(() -> c.fileWatch("late").orElseThrow().status().monitorStartTime() != null);
        assertThat(c.fileWatch("late").orElseThrow().status().error()).isNull();
    }

    @Test
    void triggerRebuildsNowWithItsReasonAndOnceAfterABuildInFlight() throws Exception {
        CmdImageController c = controller();
        c.apply(image("app", ""));
        assertThat(c.awaitIdle(WAIT)).isTrue();

        assertThat(c.trigger("app")).isTrue();
        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(c.trigger("app", "rebuild button")).isTrue();
        builder.awaitBuild("app", 2);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app")).containsExactly("build requested", "triggered", "rebuild button");
        assertThat(c.trigger("nothing", null)).isFalse();

        builder.block("app");
        c.trigger("app", "one");
        FakeBuild running = builder.awaitBuild("app", 3);
        c.trigger("app", "two");
        c.trigger("app", "three");
        assertThat(running.cancelRequested()).isFalse();
        builder.unblock("app");
        running.succeed();
        builder.awaitBuild("app", 4);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app")).endsWith("one", "three").hasSize(5);

        c.close();
        assertThatThrownBy(() -> c.trigger("app")).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theWatchThreadIsTheControllersAndEndsWithClose() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        CmdImageController c = controller();
        watch(c, FileWatch.of("src", List.of("src")));
        List<Thread> watchThreads = Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().matches("cmdimage-controller-\\d+-watch")).toList();
        assertThat(watchThreads).isNotEmpty();

        c.close();

        assertThat(watchThreads).allSatisfy(t -> assertThat(t.isAlive()).as(t.getName()).isFalse());
    }

    @Test
    void aDeletedFileWatchNoLongerTriggers() throws Exception {
        Files.createDirectories(dir.resolve("src"));
        Files.createDirectories(dir.resolve("other"));
        CmdImageController c = controller();
        watch(c, FileWatch.of("src", List.of("src")));
        watch(c, FileWatch.of("other", List.of("other")));
        c.apply(image("app", "src,other"));
        assertThat(c.awaitIdle(WAIT)).isTrue();

        c.delete("FileWatch", "src");
        assertThat(c.fileWatch("src")).isEmpty();
        write(dir.resolve("src/x.txt"), "no longer watched");
        write(dir.resolve("other/y.txt"), "watched");
        builder.awaitBuild("app", 1);
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(reasons("app")).containsExactly("build requested", "files changed: other/y.txt");
    }
}

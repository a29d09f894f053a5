package dev.cmdimage.core.internal.watch;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileWatcher} with real files and the JDK's WatchService: lost events, and its thread. */
class FileWatcherTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<List<Path>> batches = new CopyOnWriteArrayList<>();
    private final List<String> started = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private final CountDownLatch firstBatch = new CountDownLatch(1);
    private volatile boolean holdFirstBatch;
    private FileWatcher watcher;

    private final FileWatcher.Sink sink = new FileWatcher.Sink() {
        @Override
        public void started(String name) {
            started.add(name);
        }

        @Override
        public void failed(String name, String error) {
            started.add(name + ": " + error);
        }

        @Override
        public void changed(String name, List<Path> paths) {
            batches.add(paths);
            firstBatch.countDown();
            if (holdFirstBatch) {
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS); // the watcher's thread is busy meanwhile
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                holdFirstBatch = false;
            }
        }
    };

    @AfterEach
    void close() {
        release.countDown();
        if (watcher != null) {
            watcher.close();
        }
    }

    @Test
    void lostEventsMeanARescanAndOneBatchNamingTheWatchedPath() throws Exception {
        watcher = new FileWatcher("test-watch", Duration.ofMillis(100), sink);
        watcher.update(Map.of("w", new FileWatcher.Watch(List.of(dir), List.of())), Set.of());
        await().atMost(WAIT).until(() -> started.contains("w"));

        holdFirstBatch = true;
        Files.writeString(dir.resolve("first.txt"), "1");
        assertThat(firstBatch.await(WAIT.toMillis(), TimeUnit.MILLISECONDS)).isTrue();
        // the watcher's thread is held: more events pile up on the directory's key than the JDK keeps (512)
        Files.createDirectories(dir.resolve("made-while-held"));
        for (int i = 0; i < 2000; i++) {
            Files.writeString(dir.resolve("f" + i + ".txt"), "x");
        }
        Files.writeString(dir.resolve("made-while-held/inner.txt"), "x");
        release.countDown();

        await().atMost(WAIT).until(() -> batches.size() >= 2);
        Thread.sleep(500); // five debounce periods: a further batch would have come by now
        assertThat(batches).hasSize(2);
        assertThat(batches.get(1)).as("the overflow names the watched directory").contains(dir);

        // the rescan registered the directory made while events were lost
        Files.writeString(dir.resolve("made-while-held/inner.txt"), "y");
        await().atMost(WAIT).until(() -> batches.size() >= 3);
        assertThat(batches.get(2)).containsExactly(dir.resolve("made-while-held/inner.txt"));
    }

    @Test
    void theThreadStartsWithTheFirstWatchAndEndsWithClose() throws Exception {
        watcher = new FileWatcher("test-watch-thread", Duration.ofMillis(50), sink);
        assertThat(threads("test-watch-thread")).as("no watch yet: no thread").isEmpty();

        watcher.update(Map.of("w", new FileWatcher.Watch(List.of(dir), List.of())), Set.of());
        await().atMost(WAIT).until(() -> started.contains("w"));
        List<Thread> threads = threads("test-watch-thread");
        assertThat(threads).hasSize(1);

        watcher.close();
        assertThat(threads.get(0).isAlive()).isFalse();
    }

    private static List<Thread> threads(String name) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().equals(name)).toList();
    }
}

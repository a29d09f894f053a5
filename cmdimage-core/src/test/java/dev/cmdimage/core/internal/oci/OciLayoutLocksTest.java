package dev.cmdimage.core.internal.oci;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** This JVM's locks on layouts: writers of one layout take turns, and no entry stays once nobody writes. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class OciLayoutLocksTest {
    @TempDir
    Path dir;

    @Test
    void noLockEntryIsLeftForTheLayoutsWrittenBefore() throws Exception {
        // the entries were kept per layout path for the JVM's life: a long-running host (an IDE) building into
        // many temporary layouts gained one map entry each
        for (int i = 0; i < 100; i++) {
            new OciLayout(dir.resolve("layout-" + i)).create();
        }

        assertThat(OciLayout.jvmLockEntries()).isZero();
    }

    @Test
    void writersOfOneLayoutTakeTurnsAndLeaveNoEntry() throws Exception {
        OciLayout layout = new OciLayout(dir.resolve("shared"));
        layout.create();
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger most = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> writes = new ArrayList<>();
            for (int i = 0; i < 40; i++) {
                writes.add(pool.submit(() -> {
                    layout.updateIndex(index -> {
                        most.accumulateAndGet(inside.incrementAndGet(), Math::max);
                        Thread.onSpinWait();
                        inside.decrementAndGet();
                        return index;
                    });
                    return null;
                }));
            }
            for (Future<?> w : writes) {
                w.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(most.get()).as("writers inside the lock at once").isEqualTo(1);
        assertThat(OciLayout.jvmLockEntries()).isZero();
    }
}

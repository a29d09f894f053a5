package dev.cmdimage.bench.watch;

import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.core.CmdImageControllers;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Rebuilding on file changes (issue 13), the controller side by side with a plain {@link WatchService} loop (what
 * a user would write: register the directories, poll, react to every event). The builds are instant (no process):
 * what is measured is the watching.
 *
 * <ol>
 *   <li><b>latency</b>: from writing a file to the start of the build it causes ({@code CmdImageBuilder.start}
 *       called), over {@code rounds} writes; the controller's figure includes its debounce, so its excess over the
 *       debounce is what to compare with the plain loop's (write to event);</li>
 *   <li><b>a 10,000-file tree</b> (100 directories of 100 files): the time until the whole tree is watched (the
 *       FileWatch's {@code monitorStartTime} is set; the plain loop: every directory registered) and the heap it
 *       holds (used heap after a full GC, before and after);</li>
 *   <li><b>a burst</b>: 1,000 writes spread over one second make how many builds (must be one) and how many
 *       events the plain loop sees.</li>
 * </ol>
 *
 * <p>Run: {@code scripts/bench.sh watch}, or after {@code mvn -pl cmdimage-bench -am package -DskipTests}:
 * {@code java -cp cmdimage-bench/target/cmdimage-bench.jar dev.cmdimage.bench.watch.FileWatchBench [debounceMs]
 * [rounds]} (defaults 100, 30). Needs nothing but a writable temporary directory.
 */
public final class FileWatchBench {
    private static final Duration BOUND = Duration.ofSeconds(30);

    private FileWatchBench() {}

    public static void main(String[] args) throws Exception {
        long debounceMs = args.length > 0 ? Long.parseLong(args[0]) : 100;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        Path root = Files.createTempDirectory("cmdimage-watch-bench");
        try {
            System.out.printf(Locale.ROOT, "debounce %d ms, %d rounds, %s, %d processors%n", debounceMs, rounds,
                    root, Runtime.getRuntime().availableProcessors());
            latency(root.resolve("latency"), Duration.ofMillis(debounceMs), rounds);
            tree(root.resolve("tree"), Duration.ofMillis(debounceMs));
            burst(root.resolve("burst"), Duration.ofMillis(200));
        } finally {
            try (Stream<Path> walk = Files.walk(root)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ------------------------------------------------------------------ latency

    private static void latency(Path dir, Duration debounce, int rounds) throws Exception {
        Files.createDirectories(dir);
        List<Double> plain = new ArrayList<>();
        try (WatchService ws = FileSystems.getDefault().newWatchService()) {
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            for (int i = 0; i < rounds + 5; i++) {
                long t0 = System.nanoTime();
                Files.writeString(dir.resolve("plain.txt"), "v" + i);
                WatchKey key = ws.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                long t1 = System.nanoTime();
                if (key == null) {
                    throw new IllegalStateException("no event within " + BOUND);
                }
                key.pollEvents();
                key.reset();
                if (i >= 5) {
                    plain.add((t1 - t0) / 1e6);
                }
                drain(ws);
            }
        }

        TimedBuilder builder = new TimedBuilder();
        List<Double> controller = new ArrayList<>();
        try (CmdImageController c = controller(builder, debounce)) {
            watch(c, dir);
            c.apply(image("app"));
            builder.starts.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS); // the first build
            c.awaitIdle(BOUND);
            for (int i = 0; i < rounds + 5; i++) {
                long t0 = System.nanoTime();
                Files.writeString(dir.resolve("ctl.txt"), "v" + i);
                Long started = builder.starts.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
                if (started == null) {
                    throw new IllegalStateException("no build within " + BOUND);
                }
                if (i >= 5) {
                    controller.add((started - t0) / 1e6);
                }
                c.awaitIdle(BOUND);
            }
        }
        System.out.println();
        System.out.println("latency, file write -> reaction (ms), after 5 warm-up rounds:");
        row("plain WatchService loop (write -> event)", plain, 0);
        row("controller (write -> build start)", controller, 0);
        row("controller minus its debounce of " + debounce.toMillis() + " ms", controller, debounce.toMillis());
    }

    private static void row(String label, List<Double> ms, double minus) {
        List<Double> sorted = new ArrayList<>(ms);
        Collections.sort(sorted);
        System.out.printf(Locale.ROOT, "  %-48s median %7.1f  p95 %7.1f  max %7.1f%n", label,
                sorted.get(sorted.size() / 2) - minus, sorted.get((int) (sorted.size() * 0.95)) - minus,
                sorted.get(sorted.size() - 1) - minus);
    }

    // ------------------------------------------------------------------ a 10,000-file tree

    private static void tree(Path dir, Duration debounce) throws Exception {
        for (int d = 0; d < 100; d++) {
            Path sub = dir.resolve("d" + (d / 10)).resolve("e" + d);
            Files.createDirectories(sub);
            for (int f = 0; f < 100; f++) {
                Files.writeString(sub.resolve("f" + f + ".txt"), "x");
            }
        }
        long dirs;
        try (Stream<Path> walk = Files.walk(dir)) {
            dirs = walk.filter(Files::isDirectory).count();
        }

        long before = usedHeap();
        long t0 = System.nanoTime();
        WatchService ws = FileSystems.getDefault().newWatchService();
        List<WatchKey> keys = new ArrayList<>();
        Files.walkFileTree(dir, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) throws IOException {
                keys.add(d.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY,
                        StandardWatchEventKinds.ENTRY_DELETE));
                return FileVisitResult.CONTINUE;
            }
        });
        long plainNanos = System.nanoTime() - t0;
        long plainHeap = usedHeap() - before;
        ws.close();
        keys.clear();

        TimedBuilder builder = new TimedBuilder();
        long ctlNanos;
        long ctlHeap;
        try (CmdImageController c = controller(builder, debounce)) {
            c.apply(image("app"));
            c.awaitIdle(BOUND);
            before = usedHeap();
            t0 = System.nanoTime();
            watch(c, dir);
            ctlNanos = System.nanoTime() - t0;
            ctlHeap = usedHeap() - before;
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "a tree of 10,000 files in %d directories:%n", dirs);
        System.out.printf(Locale.ROOT, "  %-48s %8.1f ms  heap %+8.1f KiB%n", "plain WatchService: register every dir",
                plainNanos / 1e6, plainHeap / 1024.0);
        System.out.printf(Locale.ROOT, "  %-48s %8.1f ms  heap %+8.1f KiB%n", "controller: apply -> monitorStartTime",
                ctlNanos / 1e6, ctlHeap / 1024.0);
    }

    private static long usedHeap() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    // ------------------------------------------------------------------ a burst

    private static void burst(Path dir, Duration debounce) throws Exception {
        Files.createDirectories(dir);
        AtomicInteger plainEvents = new AtomicInteger();
        TimedBuilder builder = new TimedBuilder();
        try (WatchService ws = FileSystems.getDefault().newWatchService();
                CmdImageController c = controller(builder, debounce)) {
            dir.register(ws, StandardWatchEventKinds.ENTRY_CREATE, StandardWatchEventKinds.ENTRY_MODIFY);
            watch(c, dir);
            c.apply(image("app"));
            builder.starts.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            c.awaitIdle(BOUND);
            int before = builder.count.get();

            long t0 = System.nanoTime();
            for (int i = 0; i < 1000; i++) {
                Files.writeString(dir.resolve("f" + (i % 100) + ".txt"), "v" + i);
                long due = t0 + TimeUnit.MILLISECONDS.toNanos(i + 1);
                while (System.nanoTime() < due) {
                    Thread.onSpinWait();
                }
                plainEvents.addAndGet(drain(ws));
            }
            long took = System.nanoTime() - t0;
            Long started = builder.starts.poll(BOUND.toMillis(), TimeUnit.MILLISECONDS);
            if (started == null) {
                throw new IllegalStateException("no build within " + BOUND);
            }
            Thread.sleep(debounce.toMillis() * 5); // anything further would have started by now
            c.awaitIdle(BOUND);
            plainEvents.addAndGet(drain(ws));
            int builds = builder.count.get() - before;
            System.out.println();
            System.out.printf(Locale.ROOT, "1,000 writes in %.0f ms (debounce %d ms):%n", took / 1e6,
                    debounce.toMillis());
            System.out.printf(Locale.ROOT, "  %-48s %d events%n", "plain WatchService loop", plainEvents.get());
            System.out.printf(Locale.ROOT, "  %-48s %d build(s), started %.0f ms after the last write: %s%n",
                    "controller", builds, (started - t0 - took) / 1e6, builds == 1 ? "OK" : "EXPECTED 1");
            if (builds != 1) {
                throw new IllegalStateException("1,000 writes in one second made " + builds + " builds");
            }
        }
    }

    // ------------------------------------------------------------------ helpers

    private static int drain(WatchService ws) {
        int n = 0;
        WatchKey key;
        while ((key = ws.poll()) != null) {
            for (WatchEvent<?> e : key.pollEvents()) {
                n++;
            }
            key.reset();
        }
        return n;
    }

    private static CmdImageController controller(CmdImageBuilder builder, Duration debounce) {
        return CmdImageControllers.builder(builder).maxParallelBuilds(1).fileWatchDebounce(debounce).build();
    }

    private static CmdImage image(String name) {
        return new CmdImage(new ObjectMeta(name, null, null, Map.of(FileWatch.FILE_WATCHES_ANNOTATION, "src"),
                null, null, null, null), CmdImageSpec.builder().ref(name).args("true").build(), null);
    }

    /** Applies FileWatch {@code src} on {@code dir} and waits until it is watched. */
    private static void watch(CmdImageController c, Path dir) throws InterruptedException {
        c.apply(FileWatch.of("src", List.of(dir.toString())));
        long deadline = System.nanoTime() + BOUND.toNanos();
        while (c.fileWatch("src").orElseThrow().status().monitorStartTime() == null) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("not watching after " + BOUND + ": " + c.fileWatch("src"));
            }
            Thread.sleep(1);
        }
    }

    /** Finishes every build at once, recording when it started. */
    private static final class TimedBuilder implements CmdImageBuilder {
        final BlockingQueue<Long> starts = new LinkedBlockingQueue<>();
        final AtomicInteger count = new AtomicInteger();

        @Override
        public BuildResult build(BuildRequest request) {
            MicroTime now = MicroTime.of(Instant.now());
            String ref = request.cmdImage().spec().ref() + ":b" + count.get();
            return new BuildResult(CmdImageStatus.succeeded(ref, request.reason(), now, now),
                    new ImageMap.Status(ref, ref, ref, now), ref, ref, null, null);
        }

        @Override
        public BuildHandle start(BuildRequest request) {
            starts.add(System.nanoTime());
            count.incrementAndGet();
            BuildResult result = build(request);
            return new BuildHandle() {
                @Override
                public String name() {
                    return request.name();
                }

                @Override
                public void cancel() {}

                @Override
                public CompletableFuture<BuildResult> result() {
                    return CompletableFuture.completedFuture(result);
                }

                @Override
                public CompletableFuture<CmdImageStatus> finalStatus() {
                    return CompletableFuture.completedFuture(result.status());
                }

                @Override
                public CmdImageStatus currentStatus() {
                    return result.status();
                }
            };
        }
    }
}

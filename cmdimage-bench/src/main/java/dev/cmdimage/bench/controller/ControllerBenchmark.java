package dev.cmdimage.bench.controller;

import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The controller at scale (issue 5): 1,000 CmdImages in a layered dependency graph (10 layers of 100, each image
 * depending on 1-3 images of the layer before, chosen with a fixed seed), each command a plain {@code true} in
 * {@code remote} output mode, built by the real pipeline ({@link CmdImages}) with the real {@link JdkProcessRunner}.
 *
 * <p>It measures, in one run and side by side:
 * <ol>
 *   <li>the time to build everything with the controller at parallelism 1 and 8;</li>
 *   <li>the time to settle after one root's spec changes, and how many builds that caused, which must be exactly
 *       the root plus its transitive dependents (checked; the run fails otherwise);</li>
 *   <li>what a user would otherwise do: a plain loop starting the same 1,000 {@code true} processes with
 *       {@link ProcessBuilder}, sequentially and on 8 threads; and the same 1,000 builds through the pipeline
 *       alone ({@code CmdImageBuilder.build} in a loop, no controller), so that the controller's own share is
 *       visible: controller minus pipeline-loop, per build;</li>
 *   <li>the controller alone, with a builder that finishes every build at once without a process: its own
 *       bookkeeping per build.</li>
 * </ol>
 *
 * <p>Run: {@code scripts/bench.sh controller}, or after {@code mvn -pl cmdimage-bench -am package -DskipTests}:
 * {@code java -cp cmdimage-bench/target/cmdimage-bench.jar dev.cmdimage.bench.controller.ControllerBenchmark
 * [layers] [width] [seed]} (defaults 10, 100, 42). Needs {@code true} on the PATH and nothing else (no Docker, no
 * registry). Numbers depend on the machine and on what else runs on it; warm-up rounds run first (1,000 builds of
 * each sequential loop, a small graph for the rest). Ends with
 * {@code RESULT build_overhead_ms <(pipeline loop - ProcessBuilder loop) / builds, sequential>}.
 */
public final class ControllerBenchmark {
    private static final Duration SETTLE_BOUND = Duration.ofMinutes(30);

    private ControllerBenchmark() {}

    public static void main(String[] args) throws Exception {
        int layers = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int width = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 42;
        Graph graph = Graph.layered(layers, width, seed);
        int n = graph.size();
        System.out.printf(Locale.ROOT, "graph: %d CmdImages, %d layers x %d, %d edges, seed %d; %d processors%n",
                n, layers, width, graph.edges(), seed, Runtime.getRuntime().availableProcessors());

        CmdImageBuilder pipeline = CmdImages.builder().processRunner(new JdkProcessRunner()).build();

        // warm-up: every path on a small graph, so the JIT has seen the code; the two sequential loops that give
        // build_overhead_ms 1,000 times each first (a JMH-style warm-up: their first few hundred iterations run
        // before the JIT has compiled the pipeline's and the runner's code, and would measure that instead)
        Graph small = Graph.layered(3, 20, seed);
        plainLoop(graph.size(), 1);
        pipelineLoop(pipeline, graph, 1);
        plainLoop(small.size(), 8);
        pipelineLoop(pipeline, small, 1);
        try (Run warm = new Run(pipeline, small, 8)) {
            warm.buildAll();
        }

        Row plain1 = new Row("ProcessBuilder loop, sequential", n, plainLoop(n, 1));
        Row plain8 = new Row("ProcessBuilder loop, 8 threads", n, plainLoop(n, 8));
        Row pipe1 = new Row("pipeline loop (no controller), sequential", n, pipelineLoop(pipeline, graph, 1));
        Row pipe8 = new Row("pipeline loop (no controller), 8 threads", n, pipelineLoop(pipeline, graph, 8));
        Row ctl1;
        try (Run run = new Run(pipeline, graph, 1)) {
            ctl1 = new Row("controller, parallelism 1", n, run.buildAll());
        }
        Row ctl8;
        Row settle;
        int rebuilds;
        Set<String> expected;
        try (Run run = new Run(pipeline, graph, 8)) {
            ctl8 = new Row("controller, parallelism 8", n, run.buildAll());
            String root = graph.name(0, 0);
            expected = graph.dependentsOf(root);
            expected.add(root);
            run.builds.clear();
            long t0 = System.nanoTime();
            run.change(root);
            long settleNanos = System.nanoTime() - t0;
            List<String> rebuilt = new ArrayList<>(run.builds);
            rebuilds = rebuilt.size();
            settle = new Row("settle after root " + root + " changed (parallelism 8)", rebuilds, settleNanos);
            if (rebuilds != expected.size() || !new HashSet<>(rebuilt).equals(expected)) {
                Set<String> extra = new TreeSet<>(rebuilt);
                extra.removeAll(expected);
                Set<String> missing = new TreeSet<>(expected);
                missing.removeAll(rebuilt);
                throw new AssertionError("after changing " + root + ": " + rebuilds + " builds, expected exactly "
                        + expected.size() + " (the root and its transitive dependents); extra " + extra
                        + ", missing " + missing + ", built twice: " + (rebuilds - new HashSet<>(rebuilt).size()));
            }
            run.checkAllSucceeded();
        }

        Row bare1;
        try (Run run = new Run(new InstantBuilder(), graph, 1)) {
            bare1 = new Row("controller alone (instant builder, no process), par. 1", n, run.buildAll());
        }
        Row bare8;
        try (Run run = new Run(new InstantBuilder(), graph, 8)) {
            bare8 = new Row("controller alone (instant builder, no process), par. 8", n, run.buildAll());
        }

        System.out.println();
        System.out.printf(Locale.ROOT, "%-58s %8s %10s %12s%n", "", "builds", "total s", "ms / build");
        for (Row r : List.of(plain1, pipe1, ctl1, plain8, pipe8, ctl8, settle, bare1, bare8)) {
            System.out.printf(Locale.ROOT, "%-58s %8d %10.2f %12.2f%n", r.label, r.count, r.nanos / 1e9,
                    r.nanos / 1e6 / r.count);
        }
        System.out.println();
        System.out.printf(Locale.ROOT, "settle: %d rebuilds = root + %d transitive dependents (expected %d): OK%n",
                rebuilds, rebuilds - 1, expected.size());
        System.out.printf(Locale.ROOT, "controller's own overhead per build, sequential: %.2f ms vs the pipeline "
                + "loop, %.2f ms vs the ProcessBuilder loop%n", (ctl1.nanos - pipe1.nanos) / 1e6 / n,
                (ctl1.nanos - plain1.nanos) / 1e6 / n);
        System.out.printf(Locale.ROOT, "controller's own overhead per build, 8 at once: %.2f ms vs the pipeline "
                + "loop, %.2f ms vs the ProcessBuilder loop%n", (ctl8.nanos - pipe8.nanos) / 1e6 / n,
                (ctl8.nanos - plain8.nanos) / 1e6 / n);
        // the library's time per build beyond spawning the command (issue 15): pipeline loop minus ProcessBuilder loop
        System.out.printf(Locale.ROOT, "RESULT build_overhead_ms %.2f%n", (pipe1.nanos - plain1.nanos) / 1e6 / n);
    }

    private record Row(String label, int count, long nanos) {}

    /**
     * A builder that finishes every build at once without running anything: what is left of the time is the
     * controller's own work (ordering, bookkeeping, status delivery, hand-offs between threads).
     */
    private static final class InstantBuilder implements CmdImageBuilder {
        @Override
        public BuildResult build(BuildRequest request) {
            MicroTime now = MicroTime.of(java.time.Instant.now());
            String ref = request.cmdImage().spec().ref() + ":instant-" + System.nanoTime();
            return new BuildResult(CmdImageStatus.succeeded(ref, request.reason(), now, now),
                    new ImageMap.Status(ref, ref, ref, now), ref, ref, null, null);
        }

        @Override
        public BuildHandle start(BuildRequest request) {
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

    /** Starts {@code n} {@code true} processes with ProcessBuilder and waits for each, on {@code threads}. */
    static long plainLoop(int n, int threads) throws Exception {
        long t0 = System.nanoTime();
        if (threads == 1) {
            for (int i = 0; i < n; i++) {
                runTrue();
            }
        } else {
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int i = 0; i < n; i++) {
                    futures.add(pool.submit(() -> {
                        runTrue();
                        return null;
                    }));
                }
                for (Future<?> f : futures) {
                    f.get();
                }
            } finally {
                pool.shutdown();
            }
        }
        return System.nanoTime() - t0;
    }

    private static void runTrue() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("true").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) {
            throw new IllegalStateException("true failed");
        }
    }

    /**
     * Builds every CmdImage of the graph through the pipeline alone, layer by layer (what a tool without the
     * controller would do: its own ordering, its own loop), {@code threads} at a time within a layer.
     */
    static long pipelineLoop(CmdImageBuilder pipeline, Graph graph, int threads) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<String, ImageMap> published = new ConcurrentHashMap<>();
        long t0 = System.nanoTime();
        try {
            for (int l = 0; l < graph.layers; l++) {
                List<Future<BuildResult>> futures = new ArrayList<>();
                for (int i = 0; i < graph.width; i++) {
                    CmdImage image = graph.cmdImage(l, i, null);
                    futures.add(pool.submit(() -> {
                        BuildRequest.Builder request = BuildRequest.builder(image);
                        image.spec().imageMaps().forEach(m -> request.imageMap(published.get(m)));
                        BuildResult result = pipeline.build(request.build());
                        published.put(image.name(), new ImageMap(ObjectMeta.named(image.name()),
                                new ImageMap.Spec(image.spec().ref(), false, false, null), result.imageMapStatus()));
                        return result;
                    }));
                }
                for (Future<BuildResult> f : futures) {
                    f.get();
                }
            }
        } finally {
            pool.shutdown();
        }
        return System.nanoTime() - t0;
    }

    /** One controller over the graph, with a builder that counts what the controller starts. */
    private static final class Run implements AutoCloseable {
        final Graph graph;
        final CmdImageController controller;
        final ConcurrentLinkedQueue<String> builds = new ConcurrentLinkedQueue<>();

        Run(CmdImageBuilder pipeline, Graph graph, int parallelism) {
            this.graph = graph;
            CmdImageBuilder counting = new CmdImageBuilder() {
                @Override
                public BuildResult build(BuildRequest request) throws CmdImageException {
                    builds.add(request.name());
                    return pipeline.build(request);
                }

                @Override
                public BuildHandle start(BuildRequest request) {
                    builds.add(request.name());
                    return pipeline.start(request);
                }
            };
            this.controller = CmdImageControllers.builder(counting).maxParallelBuilds(parallelism).build();
        }

        long buildAll() throws InterruptedException {
            long t0 = System.nanoTime();
            for (int l = graph.layers - 1; l >= 0; l--) { // leaves first: the controller must find the order
                for (int i = 0; i < graph.width; i++) {
                    controller.apply(graph.cmdImage(l, i, null));
                }
            }
            awaitIdle();
            long nanos = System.nanoTime() - t0;
            checkAllSucceeded();
            if (builds.size() != graph.size()) {
                throw new AssertionError(builds.size() + " builds for " + graph.size() + " CmdImages");
            }
            return nanos;
        }

        void change(String root) throws InterruptedException {
            int[] li = graph.position(root);
            controller.apply(graph.cmdImage(li[0], li[1], "BENCH_CHANGE=1"));
            awaitIdle();
        }

        private void awaitIdle() throws InterruptedException {
            if (!controller.awaitIdle(SETTLE_BOUND)) {
                throw new AssertionError("not idle after " + SETTLE_BOUND);
            }
        }

        void checkAllSucceeded() {
            for (int l = 0; l < graph.layers; l++) {
                for (int i = 0; i < graph.width; i++) {
                    CmdImageStatus s = controller.cmdImage(graph.name(l, i)).orElseThrow().status();
                    if (!s.isSucceeded()) {
                        throw new AssertionError(graph.name(l, i) + " did not build: " + s);
                    }
                }
            }
        }

        @Override
        public void close() {
            controller.close();
        }
    }

    /** A layered graph: each image of layer l > 0 depends on 1-3 images of layer l - 1. */
    static final class Graph {
        final int layers;
        final int width;
        private final List<List<List<Integer>>> deps;

        private Graph(int layers, int width, List<List<List<Integer>>> deps) {
            this.layers = layers;
            this.width = width;
            this.deps = deps;
        }

        static Graph layered(int layers, int width, long seed) {
            Random random = new Random(seed);
            List<List<List<Integer>>> deps = new ArrayList<>();
            for (int l = 0; l < layers; l++) {
                List<List<Integer>> layer = new ArrayList<>();
                for (int i = 0; i < width; i++) {
                    List<Integer> d = new ArrayList<>();
                    if (l > 0) {
                        int k = 1 + random.nextInt(Math.min(3, width));
                        List<Integer> candidates = new ArrayList<>();
                        for (int j = 0; j < width; j++) {
                            candidates.add(j);
                        }
                        Collections.shuffle(candidates, random);
                        d.addAll(candidates.subList(0, k));
                    }
                    layer.add(d);
                }
                deps.add(layer);
            }
            return new Graph(layers, width, deps);
        }

        int size() {
            return layers * width;
        }

        int edges() {
            return deps.stream().mapToInt(layer -> layer.stream().mapToInt(List::size).sum()).sum();
        }

        String name(int layer, int index) {
            return "l" + layer + "-n" + index;
        }

        int[] position(String name) {
            int dash = name.indexOf('-');
            return new int[] {Integer.parseInt(name.substring(1, dash)), Integer.parseInt(name.substring(dash + 2))};
        }

        CmdImage cmdImage(int layer, int index, String extraEnv) {
            List<String> maps = new ArrayList<>();
            for (int d : deps.get(layer).get(index)) {
                maps.add(name(layer - 1, d));
            }
            CmdImageSpec.Builder spec = CmdImageSpec.builder()
                    .ref("localhost:5000/bench/" + name(layer, index))
                    .args("true")
                    .imageMaps(maps)
                    .outputMode(CmdImageSpec.OUTPUT_MODE_REMOTE);
            if (extraEnv != null) {
                spec.env(List.of(extraEnv));
            }
            return CmdImage.of(name(layer, index), spec.build());
        }

        /** Every image that depends on {@code name}, directly or not. */
        Set<String> dependentsOf(String name) {
            Map<String, List<String>> reverse = new HashMap<>();
            for (int l = 1; l < layers; l++) {
                for (int i = 0; i < width; i++) {
                    for (int d : deps.get(l).get(i)) {
                        reverse.computeIfAbsent(name(l - 1, d), k -> new ArrayList<>()).add(name(l, i));
                    }
                }
            }
            Set<String> out = new HashSet<>();
            Deque<String> todo = new ArrayDeque<>(List.of(name));
            while (!todo.isEmpty()) {
                for (String r : reverse.getOrDefault(todo.pop(), List.of())) {
                    if (out.add(r)) {
                        todo.push(r);
                    }
                }
            }
            return out;
        }
    }
}

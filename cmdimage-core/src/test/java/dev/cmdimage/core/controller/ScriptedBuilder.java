package dev.cmdimage.core.controller;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.internal.FinalStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A {@link CmdImageBuilder} scripted per CmdImage name: by default every build succeeds at once with a new ref
 * ({@code <spec.ref>:b<n>}); {@link #block} makes builds wait until the test releases them; {@link #fail} makes
 * them fail; {@link #fixedRef} makes them produce the same image every time; {@link #slowCancel} makes a cancelled
 * build end only when the test says so. It records every request and checks that no two builds of one name ever
 * overlap.
 */
final class ScriptedBuilder implements CmdImageBuilder {
    private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
    private final List<FakeBuild> builds = new ArrayList<>();
    private final Map<String, AtomicInteger> runningByName = new ConcurrentHashMap<>();
    private final AtomicInteger running = new AtomicInteger();
    private final AtomicInteger maxRunning = new AtomicInteger();
    private final AtomicInteger refCounter = new AtomicInteger();
    private final List<String> overlaps = new ArrayList<>();
    private volatile RuntimeException startFailure;

    private static final class Behaviour {
        volatile boolean block;
        volatile String failure;
        volatile String fixedRef;
        volatile boolean slowCancel;
    }

    private Behaviour behaviour(String name) {
        return behaviours.computeIfAbsent(name, n -> new Behaviour());
    }

    /** Builds of {@code name} wait until {@link FakeBuild#succeed()} (or fail/cancel). */
    ScriptedBuilder block(String name) {
        behaviour(name).block = true;
        return this;
    }

    /** Builds of {@code name} finish by themselves again. */
    ScriptedBuilder unblock(String name) {
        behaviour(name).block = false;
        return this;
    }

    /** Builds of {@code name} fail with {@code error} (null: succeed again). */
    ScriptedBuilder fail(String name, String error) {
        behaviour(name).failure = error;
        return this;
    }

    /** Builds of {@code name} always produce {@code ref} (an identical image). */
    ScriptedBuilder fixedRef(String name, String ref) {
        behaviour(name).fixedRef = ref;
        return this;
    }

    /** A cancelled build of {@code name} ends only when {@link FakeBuild#finishCancel()} is called. */
    ScriptedBuilder slowCancel(String name) {
        behaviour(name).slowCancel = true;
        return this;
    }

    /** Cancels end at once from now on, and every build whose cancel was requested ends now (test clean-up). */
    void endCancelsPromptly() {
        behaviours.values().forEach(b -> b.slowCancel = false);
        for (FakeBuild b : builds()) {
            b.slowCancelOff();
        }
    }

    /** {@code start} throws this. */
    ScriptedBuilder failToStart(RuntimeException e) {
        this.startFailure = e;
        return this;
    }

    @Override
    public BuildResult build(BuildRequest request) throws CmdImageException {
        BuildHandle h = start(request);
        try {
            return h.result().get();
        } catch (Exception e) {
            throw new CmdImageException("fake build failed", e);
        }
    }

    @Override
    public BuildHandle start(BuildRequest request) {
        if (startFailure != null) {
            throw startFailure;
        }
        Behaviour b = behaviour(request.name());
        int n = runningByName.computeIfAbsent(request.name(), k -> new AtomicInteger()).incrementAndGet();
        if (n > 1) {
            synchronized (overlaps) {
                overlaps.add(request.name());
            }
        }
        int r = running.incrementAndGet();
        maxRunning.accumulateAndGet(r, Math::max);
        FakeBuild build;
        synchronized (this) {
            build = new FakeBuild(request, b.slowCancel);
            builds.add(build);
            notifyAll();
        }
        if (!b.block) {
            String failure = b.failure;
            String fixed = b.fixedRef;
            // finish on another thread, like a real build
            Thread t = new Thread(() -> {
                if (failure != null) {
                    build.fail(failure);
                } else {
                    build.succeedWith(fixed != null ? fixed : nextRef(request));
                }
            }, "fake-build-" + request.name());
            t.setDaemon(true);
            t.start();
        }
        return build;
    }

    private String nextRef(BuildRequest request) {
        return request.cmdImage().spec().ref() + ":b" + refCounter.incrementAndGet();
    }

    /** Every build started so far, in start order. */
    synchronized List<FakeBuild> builds() {
        return List.copyOf(builds);
    }

    /** The builds of {@code name}, in start order. */
    synchronized List<FakeBuild> builds(String name) {
        return builds.stream().filter(b -> b.name().equals(name)).toList();
    }

    /** Waits until the {@code index}-th (0-based) build of {@code name} has started. */
    synchronized FakeBuild awaitBuild(String name, int index) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true) {
            List<FakeBuild> of = builds(name);
            if (of.size() > index) {
                return of.get(index);
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                throw new AssertionError("build #" + index + " of " + name + " did not start; builds: " + builds);
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
    }

    /** The highest number of builds that ran at once. */
    int maxRunning() {
        return maxRunning.get();
    }

    /** Names of CmdImages that had two builds running at once (should be empty). */
    List<String> overlaps() {
        synchronized (overlaps) {
            return List.copyOf(overlaps);
        }
    }

    /** One fake build. */
    final class FakeBuild implements BuildHandle {
        final BuildRequest request;
        final MicroTime startedAt = MicroTime.of(Instant.now());
        private volatile boolean slowCancel;
        private final CompletableFuture<BuildResult> result = new CompletableFuture<>();
        private final CompletableFuture<CmdImageStatus> finalStatus = new CompletableFuture<>();
        private final CountDownLatch cancelRequested = new CountDownLatch(1);
        private volatile CmdImageStatus current;
        private volatile boolean ended;

        FakeBuild(BuildRequest request, boolean slowCancel) {
            this.request = request;
            this.slowCancel = slowCancel;
            this.current = CmdImageStatus.building(request.reason(), startedAt);
        }

        @Override
        public String name() {
            return request.name();
        }

        @Override
        public void cancel() {
            cancelRequested.countDown();
            if (!slowCancel) {
                finishCancel();
            }
        }

        void slowCancelOff() {
            slowCancel = false;
            if (cancelRequested()) {
                finishCancel();
            }
        }

        /** Ends a cancelled build (for {@link #slowCancel} builds). */
        void finishCancel() {
            end(null, "build cancelled");
        }

        boolean cancelRequested() {
            return cancelRequested.getCount() == 0;
        }

        boolean awaitCancelRequested(Duration timeout) throws InterruptedException {
            return cancelRequested.await(timeout.toMillis(), TimeUnit.MILLISECONDS);
        }

        boolean ended() {
            return ended;
        }

        void succeed() {
            succeedWith(nextRef(request));
        }

        void succeedWith(String ref) {
            end(ref, null);
        }

        void fail(String error) {
            end(null, error);
        }

        private synchronized void end(String ref, String error) {
            if (ended) {
                return;
            }
            ended = true;
            runningByName.get(name()).decrementAndGet();
            running.decrementAndGet();
            MicroTime finished = MicroTime.of(Instant.now());
            if (ref != null) {
                CmdImageStatus s = CmdImageStatus.succeeded(ref, request.reason(), startedAt, finished);
                current = s;
                finalStatus.complete(s);
                result.complete(new BuildResult(s, new ImageMap.Status(ref, ref, ref, startedAt), ref, ref, null,
                        null));
            } else {
                CmdImageStatus s = CmdImageStatus.failed(error, request.reason(), startedAt, finished);
                current = s;
                finalStatus.complete(s);
                CmdImageException e = "build cancelled".equals(error)
                        ? new BuildCancelledException(error) : new CmdImageException(error);
                result.completeExceptionally(FinalStatus.record(e, s));
            }
        }

        @Override
        public CompletableFuture<BuildResult> result() {
            return result;
        }

        @Override
        public CompletableFuture<CmdImageStatus> finalStatus() {
            return finalStatus;
        }

        @Override
        public CmdImageStatus currentStatus() {
            return current;
        }

        /** The image the request gave for ImageMap {@code map}, or null. */
        String mapImage(String map) {
            ImageMap m = request.imageMaps().get(map);
            return m == null ? null : m.status().image();
        }

        @Override
        public String toString() {
            return "FakeBuild[" + name() + ", " + request.reason() + (ended ? ", ended" : "") + "]";
        }
    }
}

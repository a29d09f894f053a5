package dev.cmdimage.core.internal.controller;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.core.internal.pipeline.RecordMethodCaches;
import dev.cmdimage.core.internal.watch.DockerIgnore;
import dev.cmdimage.core.internal.watch.FileWatcher;
import java.io.UncheckedIOException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@link CmdImageController} (BEHAVIOUR.md section 6).
 *
 * <p>How it works. All state sits behind one lock. {@link #apply}, {@link #delete} and the end of a build change
 * the state and mark the CmdImages they affect <em>dirty</em>; then a single serial <em>loop</em> (a daemon thread
 * of the controller's, or tasks on the caller's executor, never two at once) reconciles: it re-evaluates the dirty
 * CmdImages in build order (dependencies first), starts what may start within the bound on parallel builds,
 * cancels what became obsolete, and delivers the recorded changes to subscribers in the order they happened.
 * Builds run on the {@code CmdImageBuilder}'s threads through {@code start()}; cancelling one is
 * {@code BuildHandle.cancel()}.
 *
 * <p>Evaluating one CmdImage (decided by {@link Decisions}, a pure function over a snapshot; done here):
 * <ol>
 *   <li>a member of a dependency cycle is {@code completed} with the cycle as its error;</li>
 *   <li>a missing named cluster, a cluster with an error, a missing ImageMap, an ImageMap without an image, or
 *       an ImageMap whose producing CmdImage is building or about to (in flux) is {@code waiting} for exactly
 *       that;</li>
 *   <li>otherwise its {@link Inputs} (spec, map images, cluster registry and architecture) are compared with
 *       those of the build in flight (obsolete: cancel it) and of the last build that ended (different: queue a
 *       build, with the reason saying what changed; the same: show that build's result again).</li>
 * </ol>
 * A CmdImage waiting on a producer in flux is itself in flux, so a change at a root holds back every transitive
 * dependent until its own dependencies have settled: each builds at most once per change.
 *
 * <p>A build in flight is cancelled when its CmdImage's spec changes, when its inputs change while they are ready
 * (a new image in an ImageMap, another registry or architecture), when it joins a dependency cycle, when its
 * CmdImage is deleted, and on {@link #close()}. A dependency that merely becomes not ready (a cluster reporting an
 * error, an ImageMap deleted) does not cancel it: the build ends on its own and the CmdImage then waits. The
 * replacement starts only once the cancelled build has ended (its processes are gone); until then the CmdImage
 * shows {@code waiting for the cancelled build to end}.
 */
public final class DefaultCmdImageController implements CmdImageController {
    private static final Logger LOG = LoggerFactory.getLogger(DefaultCmdImageController.class);
    private static final String SLOT_REASON = "waiting for a build slot";
    private static final String ENDING_REASON = "waiting for the cancelled build to end";
    private static final Duration DRAIN_BOUND = Duration.ofSeconds(10);
    /**
     * The longest close() waits for cancelled builds to end. The builder's contract makes every build end soon
     * after cancel (the default one within its kill grace); this only keeps a builder that breaks it from hanging
     * close() forever.
     */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(120);
    /**
     * Numbers controllers for their thread names. Static, but it holds an int and no reference: it pins no class
     * loader.
     */
    private static final AtomicInteger IDS = new AtomicInteger();
    private static final Comparator<Entry> BUILD_ORDER =
            Comparator.comparingInt((Entry e) -> e.position).thenComparing(e -> e.name);
    private static final Comparator<Entry> QUEUE_ORDER =
            Comparator.comparingInt((Entry e) -> e.position).thenComparingLong(e -> e.queuedSeq);

    private static final String TRIGGERED = "triggered";
    /** How many changed paths a {@code files changed} reason names. */
    private static final int REASON_PATHS = 3;

    private final ControllerConfig config;
    private final FileWatcher watcher;
    private final Executor executor;
    private final ExecutorService ownExecutor;
    private final CopyOnWriteArrayList<Listener> listeners = new CopyOnWriteArrayList<>();
    /** The threads of {@link #ownExecutor}, joined by {@link #close()}. */
    private final CopyOnWriteArrayList<Thread> ownThreads = new CopyOnWriteArrayList<>();

    private final Object lock = new Object();
    // ---- guarded by lock ----
    private final TreeMap<String, Entry> images = new TreeMap<>();
    private final TreeMap<String, ImageMap> maps = new TreeMap<>();
    private final TreeMap<String, Cluster> clusters = new TreeMap<>();
    private final TreeMap<String, FileWatch> fileWatches = new TreeMap<>();
    /** Whether the watcher must be told what to watch (FileWatches, or ref files, changed). */
    private boolean watchesDirty;
    /** ImageMaps the controller created for a CmdImage (deleted with it unless the caller applied them). */
    private final Set<String> createdMaps = new HashSet<>();
    /** Builds of deleted CmdImages that have not ended yet, by name: a new CmdImage of that name waits for them. */
    private final Map<String, Run> endingRuns = new HashMap<>();
    private Map<String, List<Entry>> dependentsOfMap = Map.of();
    private boolean graphDirty;
    private final Set<Entry> dirty = new LinkedHashSet<>();
    /** The dirty set of the evaluation pass in progress, or {@code null}. */
    private TreeSet<Entry> passWork;
    private TreeSet<Entry> queue = new TreeSet<>(QUEUE_ORDER);
    private long queueSeq;
    private final List<Run> pendingStarts = new ArrayList<>();
    private final List<BuildHandle> pendingCancels = new ArrayList<>();
    private final ArrayDeque<Change> changes = new ArrayDeque<>();
    private int inFlight;
    /** Handles of builds whose work has not stopped yet (by identity): close() waits for them. */
    private final Set<BuildHandle> unstopped = Collections.newSetFromMap(new IdentityHashMap<>());
    private boolean scheduled;
    private boolean closed;
    // ---- end guarded ----
    private volatile Thread loopThread;

    /** A controller with the given configuration; it starts idle, holding nothing. */
    public DefaultCmdImageController(ControllerConfig config) {
        this.config = Objects.requireNonNull(config, "config");
        String threadName = "cmdimage-controller-" + IDS.incrementAndGet();
        this.watcher = new FileWatcher(threadName + "-watch", config.fileWatchDebounce(), new WatchSink());
        if (config.executor() != null) {
            this.executor = config.executor();
            this.ownExecutor = null;
        } else {
            this.ownExecutor = Executors.newSingleThreadExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                ownThreads.add(t);
                return t;
            });
            this.executor = ownExecutor;
        }
    }

    // ------------------------------------------------------------------ public API

    @Override
    public void apply(ApiObject object) {
        Objects.requireNonNull(object, "object");
        boolean submit;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the controller is closed");
            }
            if (object instanceof CmdImageList list) {
                for (CmdImage item : list.items()) {
                    requireName(item);
                }
                list.items().forEach(this::applyCmdImage);
            } else if (object instanceof CmdImage cmdImage) {
                requireName(cmdImage);
                applyCmdImage(cmdImage);
            } else if (object instanceof ImageMap map) {
                requireName(map);
                applyImageMap(map);
            } else if (object instanceof Cluster cluster) {
                requireName(cluster);
                applyCluster(cluster);
            } else if (object instanceof FileWatch fileWatch) {
                requireName(fileWatch);
                applyFileWatch(fileWatch);
            }
            updateWatcher();
            submit = schedule();
        }
        submitLoop(submit);
    }

    @Override
    public void delete(String kind, String name) {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        boolean submit;
        synchronized (lock) {
            if (closed) {
                return;
            }
            switch (kind.toLowerCase(Locale.ROOT)) {
                case "cmdimage" -> deleteCmdImage(name);
                case "imagemap" -> deleteImageMap(name);
                case "cluster" -> deleteCluster(name);
                case "filewatch" -> deleteFileWatch(name);
                default -> throw new IllegalArgumentException(
                        "unknown kind \"" + kind + "\": supported kinds: CmdImage, ImageMap, Cluster, FileWatch");
            }
            updateWatcher();
            submit = schedule();
        }
        submitLoop(submit);
    }

    @Override
    public Optional<CmdImage> cmdImage(String name) {
        synchronized (lock) {
            Entry e = images.get(name);
            return e == null ? Optional.empty() : Optional.of(e.snapshot());
        }
    }

    @Override
    public Optional<CmdImageException> lastFailure(String name) {
        synchronized (lock) {
            Entry e = images.get(name);
            return e == null ? Optional.empty() : Optional.ofNullable(e.lastFailure);
        }
    }

    @Override
    public Optional<ImageMap> imageMap(String name) {
        synchronized (lock) {
            return Optional.ofNullable(maps.get(name));
        }
    }

    @Override
    public Optional<Cluster> cluster(String name) {
        synchronized (lock) {
            return Optional.ofNullable(clusters.get(name));
        }
    }

    @Override
    public Optional<FileWatch> fileWatch(String name) {
        synchronized (lock) {
            return Optional.ofNullable(fileWatches.get(name));
        }
    }

    @Override
    public boolean trigger(String name, String reason) {
        Objects.requireNonNull(name, "name");
        boolean submit;
        synchronized (lock) {
            if (closed) {
                throw new IllegalStateException("the controller is closed");
            }
            Entry e = images.get(name);
            if (e == null) {
                return false;
            }
            requestRebuild(e, reason == null || reason.isBlank() ? TRIGGERED : reason);
            submit = schedule();
        }
        submitLoop(submit);
        return true;
    }

    @Override
    public List<ApiObject> objects() {
        synchronized (lock) {
            List<ApiObject> out = new ArrayList<>(images.size() + maps.size() + clusters.size() + fileWatches.size());
            images.values().forEach(e -> out.add(e.snapshot()));
            out.addAll(maps.values());
            out.addAll(clusters.values());
            out.addAll(fileWatches.values());
            return out;
        }
    }

    @Override
    public dev.cmdimage.api.Subscription subscribe(Listener listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    @Override
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        synchronized (lock) {
            while (!idle()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    @Override
    public void close() {
        List<BuildHandle> cancels;
        synchronized (lock) {
            if (!closed) {
                closed = true;
                LOG.debug("closing: cancelling {} build(s) in flight", inFlight);
                for (Entry e : images.values()) {
                    if (e.run != null) {
                        cancelRun(e.run);
                    }
                    e.queued = false;
                }
                queue.clear();
                dirty.clear();
            }
            cancels = drain(pendingCancels);
        }
        watcher.close(); // outside the lock: its thread may be waiting for the lock to report a change
        cancelAll(cancels);
        boolean interrupted = false;
        synchronized (lock) {
            // Every build ends after cancel (the builder's contract): this wait is bounded by its kill grace, and
            // by CLOSE_BOUND should a builder break that contract. A build ended by force (its plug-in did not stop
            // in time) still has processes until its handle says it stopped: wait for that too.
            long closeDeadline = System.nanoTime() + CLOSE_BOUND.toNanos();
            while (inFlight > 0 || !unstopped.isEmpty()) {
                long left = closeDeadline - System.nanoTime();
                if (left <= 0) {
                    LOG.debug("closing: {} cancelled build(s) still running after {}; no longer waiting",
                            Math.max(inFlight, unstopped.size()), CLOSE_BOUND);
                    break;
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
            if (Thread.currentThread() != loopThread) {
                long deadline = System.nanoTime() + DRAIN_BOUND.toNanos();
                while (scheduled && deadline - System.nanoTime() > 0) {
                    try {
                        TimeUnit.NANOSECONDS.timedWait(lock, deadline - System.nanoTime());
                    } catch (InterruptedException e) {
                        interrupted = true;
                    }
                }
            }
        }
        if (ownExecutor != null) {
            ownExecutor.shutdown();
            if (Thread.currentThread() != loopThread) {
                try {
                    long deadline = System.nanoTime() + DRAIN_BOUND.toNanos();
                    ownExecutor.awaitTermination(DRAIN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                    for (Thread t : ownThreads) {
                        long left = deadline - System.nanoTime();
                        if (left > 0) {
                            TimeUnit.NANOSECONDS.timedJoin(t, left);
                        }
                    }
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        }
        RecordMethodCaches.release();
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        synchronized (lock) {
            return "CmdImageController[" + images.size() + " CmdImages, " + maps.size() + " ImageMaps, "
                    + clusters.size() + " Clusters, " + fileWatches.size() + " FileWatches, " + inFlight + " building"
                    + (closed ? ", closed" : "") + "]";
        }
    }

    // ------------------------------------------------------------------ applying and deleting (under lock)

    private static void requireName(ApiObject object) {
        if (object.name() == null || object.name().isEmpty()) {
            throw new IllegalArgumentException(object.kind() + " has no metadata.name: every object the controller "
                    + "holds needs a name");
        }
    }

    private void applyCmdImage(CmdImage applied) {
        CmdImage object = applied.withStatus(CmdImageStatus.EMPTY);
        Entry e = images.get(object.name());
        if (e == null) {
            e = new Entry(object.name(), object);
            images.put(e.name, e);
            graphDirty = true;
            watchesDirty = true;
            markDirty(e);
            record(e.snapshot(), false);
            return;
        }
        if (e.object.equals(object)) {
            return;
        }
        CmdImageSpec before = e.object.spec();
        e.object = object;
        watchesDirty = true; // its ref file may have changed
        if (!before.imageMaps().equals(object.spec().imageMaps())) {
            graphDirty = true;
        }
        if (!before.equals(object.spec())) {
            markDirty(e);
        }
        record(e.snapshot(), false);
    }

    private void applyImageMap(ImageMap applied) {
        ImageMap old = maps.get(applied.name());
        ImageMap map = applied;
        if (old != null && applied.status().equals(ImageMap.Status.EMPTY) && images.containsKey(applied.name())) {
            // A file that declares the ImageMap a CmdImage publishes to carries no image; re-applying it must not
            // erase what the build published.
            map = new ImageMap(applied.metadata(), applied.spec(), old.status());
        }
        createdMaps.remove(map.name());
        if (map.equals(old)) {
            return;
        }
        maps.put(map.name(), map);
        record(map, false);
        if (old == null || !sameImage(old, map)) {
            dirtyDependentsOfMap(map.name());
        }
    }

    private void applyCluster(Cluster cluster) {
        Cluster old = clusters.get(cluster.name());
        if (cluster.equals(old)) {
            return;
        }
        clusters.put(cluster.name(), cluster);
        record(cluster, false);
        if (old == null || !Inputs.ClusterKey.of(old).equals(Inputs.ClusterKey.of(cluster))
                || !Objects.equals(old.status().error(), cluster.status().error())) {
            dirtyUsersOfCluster(cluster.name());
        }
    }

    private void deleteCmdImage(String name) {
        Entry e = images.remove(name);
        if (e == null) {
            return;
        }
        e.deleted = true;
        watchesDirty = true;
        dirty.remove(e);
        dequeue(e);
        if (e.run != null) {
            cancelRun(e.run);
            endingRuns.put(name, e.run);
        }
        graphDirty = true;
        record(e.snapshot(), true);
        if (createdMaps.remove(name)) {
            ImageMap map = maps.remove(name);
            if (map != null) {
                record(map, true);
            }
        }
        dirtyDependentsOfMap(name);
    }

    private void deleteImageMap(String name) {
        ImageMap map = maps.remove(name);
        createdMaps.remove(name);
        if (map != null) {
            record(map, true);
            dirtyDependentsOfMap(name);
        }
    }

    private void deleteCluster(String name) {
        Cluster cluster = clusters.remove(name);
        if (cluster != null) {
            record(cluster, true);
            dirtyUsersOfCluster(name);
        }
    }

    private void applyFileWatch(FileWatch applied) {
        FileWatch old = fileWatches.get(applied.name());
        // the controller owns the status: kept while the spec stays, reset (watched anew) when it changes
        FileWatch.Status status = old != null && old.spec().equals(applied.spec()) ? old.status()
                : FileWatch.Status.EMPTY;
        FileWatch fileWatch = applied.withStatus(status);
        if (fileWatch.equals(old)) {
            return;
        }
        fileWatches.put(fileWatch.name(), fileWatch);
        record(fileWatch, false);
        if (old == null || !old.spec().equals(fileWatch.spec())) {
            watchesDirty = true;
        }
    }

    private void deleteFileWatch(String name) {
        FileWatch fileWatch = fileWatches.remove(name);
        if (fileWatch != null) {
            record(fileWatch, true);
            watchesDirty = true;
        }
    }

    /** Hands the watcher what to watch now, when that changed. */
    private void updateWatcher() {
        if (!watchesDirty || closed) {
            return;
        }
        watchesDirty = false;
        Map<String, FileWatcher.Watch> watches = new HashMap<>();
        for (FileWatch fw : fileWatches.values()) {
            try {
                watches.put(fw.name(), watchOf(fw));
            } catch (InvalidPathException e) {
                setFileWatchStatus(fw.name(), s -> new FileWatch.Status(null, s.lastEventTime(), s.fileEvents(),
                        "cannot watch: " + e.getMessage(), s.extra()));
            }
        }
        Set<Path> never = new HashSet<>(config.neverWatched());
        for (Entry e : images.values()) {
            String refFile = e.object.spec().outputsImageRefTo();
            if (refFile != null) {
                try {
                    never.add(resolve(config.baseDirectoryOf(e.object), refFile));
                } catch (InvalidPathException ex) {
                    LOG.debug("{}: outputsImageRefTo is no path", e.name, ex);
                }
            }
        }
        try {
            watcher.update(watches, never);
        } catch (UncheckedIOException e) {
            for (String name : watches.keySet()) {
                setFileWatchStatus(name, s -> new FileWatch.Status(null, s.lastEventTime(), s.fileEvents(),
                        e.getMessage(), s.extra()));
            }
        }
    }

    private FileWatcher.Watch watchOf(FileWatch fw) {
        Path base = config.baseDirectory();
        List<Path> roots = new ArrayList<>();
        for (String p : fw.spec().watchedPaths()) {
            roots.add(resolve(base, p));
        }
        List<DockerIgnore> ignores = new ArrayList<>();
        for (FileWatch.IgnoreDef def : fw.spec().ignores()) {
            if (def.basePath() != null) {
                ignores.add(DockerIgnore.of(resolve(base, def.basePath()),
                        def.patterns().isEmpty() ? List.of("**") : def.patterns()));
            }
        }
        return new FileWatcher.Watch(roots, ignores);
    }

    private static Path resolve(Path base, String path) {
        Path p = Path.of(path);
        if (!p.isAbsolute()) {
            p = (base != null ? base : Path.of("")).resolve(p);
        }
        return p.toAbsolutePath().normalize();
    }

    private void setFileWatchStatus(String name, java.util.function.UnaryOperator<FileWatch.Status> change) {
        FileWatch fw = fileWatches.get(name);
        if (fw == null) {
            return;
        }
        FileWatch next = fw.withStatus(change.apply(fw.status()));
        if (!next.equals(fw)) {
            fileWatches.put(name, next);
            record(next, false);
        }
    }

    /** Asks for a rebuild of {@code e} (a trigger, changed files): a new rebuild request is a new input. */
    private void requestRebuild(Entry e, String reason) {
        e.rebuild = e.rebuild.next(reason);
        markDirty(e);
    }

    /** {@code files changed: a, b, c (+N more)}, each path relative to the CmdImage's base directory when inside. */
    private String filesChanged(Entry e, List<Path> paths) {
        Path base = config.baseDirectoryOf(e.object);
        Path absBase = base == null ? null : base.toAbsolutePath().normalize();
        List<String> shown = new ArrayList<>();
        for (Path p : paths.subList(0, Math.min(REASON_PATHS, paths.size()))) {
            shown.add(absBase != null && p.startsWith(absBase) && !p.equals(absBase)
                    ? absBase.relativize(p).toString() : p.toString());
        }
        String more = paths.size() > REASON_PATHS ? " (+" + (paths.size() - REASON_PATHS) + " more)" : "";
        return "files changed: " + String.join(", ", shown) + more;
    }

    /** What the watcher reports, applied under the lock (on the watcher's thread). */
    private final class WatchSink implements FileWatcher.Sink {
        @Override
        public void started(String name) {
            boolean submit;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                MicroTime now = now();
                setFileWatchStatus(name, s -> new FileWatch.Status(now, s.lastEventTime(), s.fileEvents(), null,
                        s.extra()));
                submit = schedule();
            }
            submitLoop(submit);
        }

        @Override
        public void failed(String name, String error) {
            boolean submit;
            synchronized (lock) {
                if (closed) {
                    return;
                }
                setFileWatchStatus(name, s -> new FileWatch.Status(s.monitorStartTime(), s.lastEventTime(),
                        s.fileEvents(), error, s.extra()));
                submit = schedule();
            }
            submitLoop(submit);
        }

        @Override
        public void changed(String name, List<Path> paths) {
            boolean submit;
            synchronized (lock) {
                if (closed || !fileWatches.containsKey(name)) {
                    return;
                }
                MicroTime now = now();
                List<String> seen = paths.stream().limit(FileWatch.FileEvent.MAX_SEEN_FILES).map(Path::toString)
                        .toList();
                setFileWatchStatus(name, s -> {
                    List<FileWatch.FileEvent> events = new ArrayList<>(s.fileEvents());
                    events.add(new FileWatch.FileEvent(now, seen));
                    while (events.size() > FileWatch.Status.MAX_FILE_EVENTS) {
                        events.remove(0);
                    }
                    return new FileWatch.Status(s.monitorStartTime(), now, events, s.error(), s.extra());
                });
                for (Entry e : images.values()) {
                    if (FileWatch.namesFor(e.object).contains(name)) {
                        LOG.debug("{}: files of {} changed: {}", e.name, name, paths);
                        requestRebuild(e, filesChanged(e, paths));
                    }
                }
                submit = schedule();
            }
            submitLoop(submit);
        }
    }

    private static boolean sameImage(ImageMap a, ImageMap b) {
        return Inputs.MapImage.of(a).equals(Inputs.MapImage.of(b));
    }

    private void markDirty(Entry e) {
        if (e.deleted || closed) {
            return;
        }
        if (passWork != null) {
            passWork.add(e);
        } else {
            dirty.add(e);
        }
    }

    private void dirtyDependentsOfMap(String mapName) {
        for (Entry d : dependentsOfMap.getOrDefault(mapName, List.of())) {
            markDirty(d);
        }
    }

    private void dirtyUsersOfCluster(String clusterName) {
        for (Entry e : images.values()) {
            if (e.object.spec().effectiveCluster().equals(clusterName)) {
                markDirty(e);
            }
        }
    }

    private void record(ApiObject object, boolean deleted) {
        changes.add(new Change(object, deleted));
    }

    private boolean idle() {
        return dirty.isEmpty() && queue.isEmpty() && inFlight == 0 && !scheduled && changes.isEmpty()
                && pendingStarts.isEmpty();
    }

    // ------------------------------------------------------------------ the loop

    /** Marks the loop as due; returns whether the caller must submit it (outside the lock). */
    private boolean schedule() {
        if (scheduled) {
            return false;
        }
        if (dirty.isEmpty() && changes.isEmpty() && pendingCancels.isEmpty() && pendingStarts.isEmpty()
                && !graphDirty) {
            return false;
        }
        scheduled = true;
        return true;
    }

    private void submitLoop(boolean submit) {
        if (!submit) {
            return;
        }
        try {
            executor.execute(this::loop);
        } catch (RejectedExecutionException e) {
            LOG.debug("controller executor rejected the reconcile loop", e);
            synchronized (lock) {
                scheduled = false;
                lock.notifyAll();
            }
        }
    }

    private void loop() {
        loopThread = Thread.currentThread();
        try {
            while (true) {
                List<BuildHandle> cancels;
                List<Run> starts;
                List<Change> deliver;
                synchronized (lock) {
                    try {
                        reconcile();
                    } catch (RuntimeException e) {
                        LOG.debug("reconcile failed", e);
                    }
                    cancels = drain(pendingCancels);
                    starts = drain(pendingStarts);
                    deliver = new ArrayList<>(changes);
                    changes.clear();
                    if (cancels.isEmpty() && starts.isEmpty() && deliver.isEmpty() && dirty.isEmpty()) {
                        scheduled = false;
                        lock.notifyAll();
                        return;
                    }
                }
                cancelAll(cancels);
                starts.forEach(this::startRun);
                deliver.forEach(this::deliver);
            }
        } catch (RuntimeException | Error e) {
            LOG.debug("controller loop failed", e);
            synchronized (lock) {
                scheduled = false;
                lock.notifyAll();
            }
            throw e;
        } finally {
            loopThread = null;
        }
    }

    private static <T> List<T> drain(List<T> list) {
        List<T> out = new ArrayList<>(list);
        list.clear();
        return out;
    }

    private static void cancelAll(List<BuildHandle> handles) {
        for (BuildHandle h : handles) {
            try {
                h.cancel();
            } catch (RuntimeException e) {
                LOG.debug("cancelling build {} failed", h.name(), e);
            }
        }
    }

    private void deliver(Change change) {
        for (Listener l : listeners) {
            try {
                l.changed(change.object(), change.deleted());
            } catch (RuntimeException e) {
                LOG.debug("listener {} threw on a change of {}/{}", l, change.object().kind(),
                        change.object().name(), e);
            }
        }
    }

    // ------------------------------------------------------------------ reconciling (under lock)

    private void reconcile() {
        if (closed) {
            dirty.clear();
            return;
        }
        if (graphDirty) {
            recomputeGraph();
        }
        passWork = new TreeSet<>(BUILD_ORDER);
        passWork.addAll(dirty);
        dirty.clear();
        try {
            while (!passWork.isEmpty()) {
                evaluate(passWork.pollFirst());
            }
        } finally {
            passWork = null;
        }
        startQueued();
    }

    private void recomputeGraph() {
        graphDirty = false;
        Map<String, List<String>> deps = new LinkedHashMap<>();
        Map<String, List<Entry>> dependents = new HashMap<>();
        for (Entry e : images.values()) {
            List<String> names = e.object.spec().imageMaps();
            deps.put(e.name, names);
            for (String m : new LinkedHashSet<>(names)) {
                dependents.computeIfAbsent(m, k -> new ArrayList<>()).add(e);
            }
        }
        DependencyGraph graph = DependencyGraph.of(deps);
        List<Entry> queued = new ArrayList<>(queue);
        queue = new TreeSet<>(QUEUE_ORDER);
        for (Entry e : images.values()) {
            e.position = graph.position(e.name);
            String cycle = graph.cycleError(e.name);
            if (!Objects.equals(cycle, e.cycleError)) {
                e.cycleError = cycle;
                markDirty(e);
            }
        }
        queue.addAll(queued);
        dependentsOfMap = dependents;
    }

    /** Decides what to do about {@code e} ({@link Decisions}) and does it. */
    private void evaluate(Entry e) {
        if (e.deleted) {
            return;
        }
        Decisions.Decision decision = Decisions.decide(snapshot(e));
        for (Decisions.Action action : decision.actions()) {
            if (action instanceof Decisions.CancelRun) {
                cancelRun(e.run);
            } else if (action instanceof Decisions.Dequeue) {
                dequeue(e);
            } else if (action instanceof Decisions.ShowStatus show) {
                setStatus(e, show.status());
            } else if (action instanceof Decisions.Fail fail) {
                setStatus(e, CmdImageStatus.failed(fail.error(), null, null, now()));
            } else if (action instanceof Decisions.Enqueue enqueue) {
                dequeue(e);
                e.queuedInputs = enqueue.inputs();
                e.queuedReason = enqueue.reason();
                e.queuedSeq = queueSeq++;
                e.queued = true;
                queue.add(e);
            }
        }
        e.waitsOnProducer = decision.waitsOnProducer();
        propagate(e);
    }

    /** What {@link Decisions} needs to know about {@code e}, taken under the lock. */
    private Decisions.Snapshot snapshot(Entry e) {
        CmdImageSpec spec = e.object.spec();
        List<Decisions.MapState> mapStates = new ArrayList<>();
        for (String m : new LinkedHashSet<>(spec.imageMaps())) {
            Entry producer = images.get(m);
            boolean producerBusy = producer != null && producer != e && producer.cycleError == null
                    && producer.inFlux;
            mapStates.add(new Decisions.MapState(m, maps.get(m), producerBusy));
        }
        Decisions.RunState run = e.run == null ? null : new Decisions.RunState(e.run.inputs, e.run.cancelled);
        return new Decisions.Snapshot(spec, e.cycleError, clusters.get(spec.effectiveCluster()), mapStates, run,
                e.builtInputs, e.lastResult, e.startedInputs, e.queued ? e.queuedInputs : null, e.status, e.rebuild);
    }

    /** Dependents re-evaluate when whether this one is in flux changes. */
    private void propagate(Entry e) {
        boolean inFlux = e.run != null || e.queued || e.waitsOnProducer;
        if (inFlux != e.inFlux) {
            e.inFlux = inFlux;
            dirtyDependentsOfMap(e.name);
        }
    }

    private void dequeue(Entry e) {
        if (e.queued) {
            queue.remove(e);
            e.queued = false;
            e.queuedInputs = null;
            e.queuedReason = null;
        }
    }

    private void startQueued() {
        List<Entry> started = new ArrayList<>();
        for (Entry e : queue) {
            if (inFlight >= config.maxParallelBuilds()) {
                break;
            }
            if (e.run != null || endingRuns.containsKey(e.name)) {
                continue; // never two builds side by side: the replacement waits for the old one to end
            }
            started.add(e);
            BuildRequest request = request(e, e.queuedInputs, e.queuedReason);
            Run run = new Run(e, e.queuedInputs, e.queuedReason, request, now());
            e.run = run;
            e.startedInputs = run.inputs;
            inFlight++;
            pendingStarts.add(run);
            LOG.debug("{}: starting build ({})", e.name, run.reason);
        }
        for (Entry e : started) {
            queue.remove(e);
            e.queued = false;
            e.queuedInputs = null;
            e.queuedReason = null;
        }
        for (Entry e : queue) {
            if (e.run != null && !e.run.cancelled) {
                continue; // a rebuild queued behind its own build in flight: it still shows building
            }
            setStatus(e, CmdImageStatus.waiting(e.run != null || endingRuns.containsKey(e.name)
                    ? ENDING_REASON : SLOT_REASON));
        }
    }

    private BuildRequest request(Entry e, Inputs inputs, String reason) {
        CmdImageSpec spec = inputs.spec();
        Cluster cluster = clusters.get(spec.effectiveCluster());
        BuildRequest.Builder b = BuildRequest.builder(e.object)
                .cluster(cluster)
                .baseEnvironment(config.baseEnvironment())
                .baseDirectory(config.baseDirectoryOf(e.object))
                .timeout(config.buildTimeout())
                .reason(reason)
                .clusterSharesImageStore(config.clusterSharesImageStore().test(cluster))
                .listener(config.buildListener());
        for (String m : spec.imageMaps()) {
            ImageMap map = maps.get(m);
            if (map != null) {
                b.imageMap(map);
            }
        }
        return b.build();
    }

    private void cancelRun(Run run) {
        if (run.cancelled) {
            return;
        }
        run.cancelled = true;
        LOG.debug("{}: cancelling build ({})", run.entry.name, run.reason);
        if (run.handle != null) {
            pendingCancels.add(run.handle);
        }
    }

    private void setStatus(Entry e, CmdImageStatus status) {
        if (e.deleted || status.equals(e.status)) {
            return;
        }
        e.status = status;
        record(e.snapshot(), false);
    }

    private MicroTime now() {
        return MicroTime.of(config.clock().instant());
    }

    // ------------------------------------------------------------------ builds

    /** Starts a build (on the loop, outside the lock). */
    private void startRun(Run run) {
        boolean cancelledBeforeStart;
        synchronized (lock) {
            cancelledBeforeStart = run.cancelled;
        }
        if (cancelledBeforeStart) {
            ended(run, null, null);
            return;
        }
        BuildHandle handle;
        try {
            handle = config.builder().start(run.request);
            Objects.requireNonNull(handle, "CmdImageBuilder.start returned null");
        } catch (RuntimeException | Error e) {
            LOG.debug("{}: starting the build failed", run.entry.name, e);
            ended(run, null, e);
            return;
        }
        boolean cancelNow;
        boolean submit;
        synchronized (lock) {
            run.handle = handle;
            unstopped.add(handle);
            cancelNow = run.cancelled;
            CmdImageStatus current = null;
            try {
                current = handle.currentStatus();
            } catch (RuntimeException e) {
                LOG.debug("{}: currentStatus() failed", run.entry.name, e);
            }
            CmdImageStatus.Building building = current == null ? null : current.buildingState().orElse(null);
            run.startedAt = building != null && building.startedAt() != null ? building.startedAt() : run.requestedAt;
            if (!cancelNow && run.entry.run == run) {
                setStatus(run.entry, building != null
                        ? current
                        : CmdImageStatus.building(run.reason, run.startedAt));
            }
            submit = schedule();
        }
        submitLoop(submit);
        if (cancelNow) {
            cancelAll(List.of(handle));
        }
        handle.result().whenComplete((result, error) -> ended(run, result, error));
        try {
            handle.stopped().whenComplete((nothing, error) -> stopped(handle));
        } catch (RuntimeException e) {
            LOG.debug("{}: stopped() failed; taking the end of the build for its stop", run.entry.name, e);
            handle.finalStatus().whenComplete((status, error) -> stopped(handle));
        }
    }

    /** A build's work stopped (any thread): no process of it is left. */
    private void stopped(BuildHandle handle) {
        synchronized (lock) {
            if (unstopped.remove(handle)) {
                lock.notifyAll();
            }
        }
    }

    /** A build ended (any thread). */
    private void ended(Run run, BuildResult result, Throwable error) {
        boolean submit;
        synchronized (lock) {
            if (run.ended) {
                return;
            }
            run.ended = true;
            inFlight--;
            Entry e = run.entry;
            if (e.run == run) {
                e.run = null;
            }
            endingRuns.remove(e.name, run);
            if (!e.deleted) {
                CmdImageStatus fin = finalStatus(run, result, error);
                if (run.cancelled) {
                    LOG.debug("{}: cancelled build ended: {}", e.name, fin);
                    if (closed) {
                        setStatus(e, fin);
                        e.lastFailure = failureOf(fin, result, error);
                    }
                } else {
                    LOG.debug("{}: build ended: {}", e.name, fin);
                    e.builtInputs = run.inputs;
                    e.lastResult = fin;
                    e.lastFailure = failureOf(fin, result, error);
                    setStatus(e, fin);
                    if (result != null && fin.isSucceeded() && result.imageMapStatus() != null) {
                        publish(e, result.imageMapStatus());
                    }
                }
                markDirty(e);
            } else {
                Entry successor = images.get(e.name);
                if (successor != null) {
                    markDirty(successor);
                }
            }
            lock.notifyAll();
            submit = schedule();
        }
        submitLoop(submit);
    }

    private CmdImageStatus finalStatus(Run run, BuildResult result, Throwable error) {
        MicroTime startedAt = run.startedAt != null ? run.startedAt : run.requestedAt;
        if (error == null && result != null && result.status() != null) {
            return result.status();
        }
        if (error == null && result != null) {
            return result.localRef() != null
                    ? CmdImageStatus.succeeded(result.localRef(), run.reason, startedAt, now())
                    : CmdImageStatus.failed("the build reported success without an image", run.reason, startedAt,
                            now());
        }
        if (error == null) {
            return CmdImageStatus.failed("build cancelled", run.reason, startedAt, now());
        }
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CmdImageException ce) {
            Optional<CmdImageStatus> s = ce.status();
            if (s.isPresent() && s.get().isFailed()) {
                return s.get();
            }
            return CmdImageStatus.failed(ce.getMessage(), run.reason, startedAt, now());
        }
        if (cause instanceof java.util.concurrent.CancellationException) {
            return CmdImageStatus.failed("build cancelled", run.reason, startedAt, now());
        }
        String what = cause.getMessage() == null ? cause.getClass().getName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
        return CmdImageStatus.failed("the build crashed: " + what, run.reason, startedAt, now());
    }

    /**
     * The exception a build with final status {@code fin} ended with: the builder's own {@link CmdImageException}
     * when it threw one, else one carrying the status's error; {@code null} when it succeeded.
     */
    private static CmdImageException failureOf(CmdImageStatus fin, BuildResult result, Throwable error) {
        Optional<CmdImageStatus.Completed> completed = fin.completedState();
        if (completed.isEmpty() || completed.get().error() == null) {
            return null;
        }
        Throwable cause = error;
        while ((cause instanceof CompletionException || cause instanceof ExecutionException)
                && cause.getCause() != null) {
            cause = cause.getCause();
        }
        if (cause instanceof CmdImageException ce) {
            return ce;
        }
        if ((error == null && result == null) || cause instanceof java.util.concurrent.CancellationException) {
            return new BuildCancelledException(completed.get().error());
        }
        return new CmdImageException(completed.get().error(), cause);
    }

    private void publish(Entry e, ImageMap.Status status) {
        ImageMap old = maps.get(e.name);
        ImageMap map;
        if (old == null) {
            map = new ImageMap(ObjectMeta.named(e.name),
                    new ImageMap.Spec(e.object.spec().ref(), false, false, null), status);
            createdMaps.add(e.name);
        } else {
            map = old.withStatus(status);
        }
        if (map.equals(old)) {
            return;
        }
        maps.put(e.name, map);
        record(map, false);
        if (old == null || !sameImage(old, map)) {
            dirtyDependentsOfMap(e.name);
        }
    }

    /** A change to deliver to subscribers. */
    private record Change(ApiObject object, boolean deleted) {}
}

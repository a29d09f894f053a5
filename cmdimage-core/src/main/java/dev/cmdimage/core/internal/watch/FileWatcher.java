package dev.cmdimage.core.internal.watch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the paths of named watches with file system events ({@link WatchService}: inotify on Linux) on one thread
 * of its own, and reports debounced batches of changed paths per watch to a {@link Sink}.
 *
 * <ul>
 *   <li>a watched directory is watched recursively; a directory created under it is registered at once, and the
 *       files already in it count as changed (they may have been written before the registration);</li>
 *   <li>a watched file is watched through its directory (the file may be replaced, deleted or not exist yet); so is
 *       a watched directory that is deleted, until it is created again;</li>
 *   <li>lost events (an overflow) are answered with a rescan and one batch naming every watched path;</li>
 *   <li>changes inside a {@code .git} directory, under a path that must never trigger, or ignored by a watch's
 *       rules are dropped (and directories named {@code .git} or that must never trigger are not registered);</li>
 *   <li>a watch's changes are held until no new one came for the debounce period (a burst of saves is one batch),
 *       at most {@value #MAX_HOLD_FACTOR} debounce periods after the first change of the batch.</li>
 * </ul>
 *
 * <p>Thread-safe. {@link #update} hands over the watches (the thread registers them within
 * {@value #CONFIG_CHECK_MILLIS} ms and reports {@link Sink#started} or {@link Sink#failed}); {@link #close()} stops
 * the thread and closes the watch service. The sink is called on the watcher's thread, one call at a time.
 */
public final class FileWatcher implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(FileWatcher.class);
    static final int MAX_HOLD_FACTOR = 10;
    static final long CONFIG_CHECK_MILLIS = 100;
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(10);
    private static final WatchEvent.Kind<?>[] KINDS = {StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY, StandardWatchEventKinds.ENTRY_DELETE};

    /** Hears what the watcher sees; called on its thread. Must be fast and must not throw. */
    public interface Sink {
        /** The paths of watch {@code name} are watched from now on. */
        void started(String name);

        /** The paths of watch {@code name} cannot be watched (all or some of them): {@code error} says why. */
        void failed(String name, String error);

        /** A debounced batch of changes of watch {@code name}, in the order they were first seen. */
        void changed(String name, List<Path> paths);
    }

    /**
     * What one watch watches.
     *
     * @param roots   absolute, normalized files and directories
     * @param ignores rules whose matches are dropped
     */
    public record Watch(List<Path> roots, List<DockerIgnore> ignores) {
        public Watch {
            roots = List.copyOf(roots);
            ignores = List.copyOf(ignores);
        }
    }

    /** What {@link #update} handed over. */
    private record Config(Map<String, Watch> watches, Set<Path> never) {}

    /** A root's registration: a directory tree, or the directory of a file. */
    private static final class RootReg {
        boolean tree;
        final Set<Path> dirs = new LinkedHashSet<>();
    }

    /** The changes of one watch held back for debouncing. */
    private static final class Pending {
        final LinkedHashSet<Path> paths = new LinkedHashSet<>();
        final long first;
        long last;

        Pending(long now) {
            first = now;
            last = now;
        }
    }

    private final String threadName;
    private final long debounceNanos;
    private final Sink sink;
    private final Object lock = new Object();
    // ---- guarded by lock ----
    private Config config = new Config(Map.of(), Set.of());
    private boolean configDirty;
    private boolean closed;
    private Thread thread;
    private WatchService service;
    // ---- confined to the watcher's thread ----
    private Map<String, Watch> active = Map.of();
    private Set<Path> never = Set.of();
    private final Map<Path, RootReg> roots = new HashMap<>();
    private final Map<Path, WatchKey> keyOf = new HashMap<>();
    private final Map<WatchKey, Path> dirOf = new HashMap<>();
    private final Map<Path, Integer> refs = new HashMap<>();
    private final Map<String, Pending> pending = new LinkedHashMap<>();

    /**
     * A watcher whose thread (started by the first {@link #update} with a watch) is named {@code threadName}.
     *
     * @param debounce how long a watch must be quiet before its changes are reported
     */
    public FileWatcher(String threadName, Duration debounce, Sink sink) {
        this.threadName = Objects.requireNonNull(threadName, "threadName");
        this.debounceNanos = debounce.toNanos();
        this.sink = Objects.requireNonNull(sink, "sink");
    }

    /**
     * Watches these (replacing what was watched before).
     *
     * @param watches every watch, by name
     * @param never   absolute paths whose changes (and changes under which) never count
     * @throws UncheckedIOException when no watch service can be created
     */
    public void update(Map<String, Watch> watches, Set<Path> never) {
        synchronized (lock) {
            if (closed) {
                return;
            }
            config = new Config(Map.copyOf(watches), Set.copyOf(never));
            configDirty = true;
            if (thread == null && !watches.isEmpty()) {
                try {
                    service = FileSystems.getDefault().newWatchService();
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot watch files: " + e.getMessage(), e);
                }
                WatchService ws = service;
                thread = new Thread(() -> run(ws), threadName);
                thread.setDaemon(true);
                thread.start();
            }
        }
    }

    /** Stops the thread and closes the watch service; waits (bounded) for the thread to end. */
    @Override
    public void close() {
        Thread t;
        synchronized (lock) {
            if (closed) {
                return;
            }
            closed = true;
            t = thread;
            if (service != null) {
                try {
                    service.close();
                } catch (IOException e) {
                    LOG.debug("closing the watch service failed", e);
                }
            }
        }
        if (t != null && t != Thread.currentThread()) {
            try {
                t.join(CLOSE_BOUND.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void run(WatchService ws) {
        try {
            while (true) {
                Config next = null;
                synchronized (lock) {
                    if (closed) {
                        return;
                    }
                    if (configDirty) {
                        configDirty = false;
                        next = config;
                    }
                }
                if (next != null) {
                    reconfigure(ws, next);
                }
                WatchKey key = ws.poll(pollMillis(), TimeUnit.MILLISECONDS);
                if (key != null) {
                    // a configuration handed over while this thread waited holds for the events that woke it: a
                    // ref file or directory excluded before a write must not count for that write
                    Config changed = null;
                    synchronized (lock) {
                        if (configDirty) {
                            configDirty = false;
                            changed = config;
                        }
                    }
                    if (changed != null) {
                        reconfigure(ws, changed);
                    }
                }
                while (key != null) {
                    handle(ws, key);
                    key = ws.poll();
                }
                flushDue(System.nanoTime());
            }
        } catch (ClosedWatchServiceException | InterruptedException e) {
            LOG.debug("file watcher {} stopped", threadName);
        } catch (RuntimeException | Error e) {
            LOG.debug("file watcher {} failed", threadName, e);
            for (String name : active.keySet()) {
                sink.failed(name, "the file watcher stopped: " + e);
            }
        }
    }

    /** Until the next batch is due, at most until the next look at the configuration. */
    private long pollMillis() {
        long wait = TimeUnit.MILLISECONDS.toNanos(CONFIG_CHECK_MILLIS);
        long now = System.nanoTime();
        for (Pending p : pending.values()) {
            wait = Math.min(wait, dueAt(p) - now);
        }
        return Math.max(1, TimeUnit.NANOSECONDS.toMillis(wait) + 1);
    }

    private long dueAt(Pending p) {
        return Math.min(p.last + debounceNanos, p.first + MAX_HOLD_FACTOR * debounceNanos);
    }

    private void flushDue(long now) {
        List<String> due = new ArrayList<>();
        pending.forEach((name, p) -> {
            if (now - dueAt(p) >= 0) {
                due.add(name);
            }
        });
        for (String name : due) {
            Pending p = pending.remove(name);
            sink.changed(name, List.copyOf(p.paths));
        }
    }

    // ------------------------------------------------------------------ registering

    private void reconfigure(WatchService ws, Config next) {
        Map<String, Watch> before = active;
        active = next.watches();
        never = next.never();
        Set<Path> wanted = new LinkedHashSet<>();
        next.watches().values().forEach(w -> wanted.addAll(w.roots()));
        for (Path root : new ArrayList<>(roots.keySet())) {
            if (!wanted.contains(root)) {
                RootReg reg = roots.remove(root);
                reg.dirs.forEach(this::release);
            }
        }
        Map<Path, String> errors = new HashMap<>();
        Set<Path> added = new LinkedHashSet<>();
        for (Path root : wanted) {
            if (!roots.containsKey(root)) {
                added.add(root); // new, or failed before: tried (again)
                String error = addRoot(ws, root);
                if (error != null) {
                    errors.put(root, error);
                }
            }
        }
        pending.keySet().retainAll(active.keySet());
        for (Map.Entry<String, Watch> e : next.watches().entrySet()) {
            boolean retried = e.getValue().roots().stream().anyMatch(added::contains);
            if (e.getValue().equals(before.get(e.getKey())) && !retried) {
                continue;
            }
            List<String> failed = new ArrayList<>();
            for (Path root : e.getValue().roots()) {
                if (errors.containsKey(root)) {
                    failed.add(errors.get(root));
                }
            }
            if (failed.isEmpty()) {
                sink.started(e.getKey());
            } else {
                sink.failed(e.getKey(), String.join("; ", failed));
            }
        }
    }

    /**
     * Registers a root; returns why it cannot be watched, or {@code null}. A root that cannot be watched is left
     * out, so that the next change of the watches tries it again.
     */
    private String addRoot(WatchService ws, Path root) {
        RootReg reg = new RootReg();
        roots.put(root, reg);
        String error = registerRoot(ws, root, reg);
        if (error != null) {
            roots.remove(root);
            reg.dirs.forEach(this::release);
        }
        return error;
    }

    private String registerRoot(WatchService ws, Path root, RootReg reg) {
        try {
            if (Files.isDirectory(root, LinkOption.NOFOLLOW_LINKS)) {
                reg.tree = true;
                registerTree(ws, root, reg, null);
            } else {
                Path parent = root.getParent();
                if (parent == null || !Files.isDirectory(parent)) {
                    return "cannot watch " + root + ": neither it nor its directory exists";
                }
                register(ws, parent, reg);
            }
            return null;
        } catch (IOException | UncheckedIOException e) {
            String why = e.getMessage();
            return "cannot watch " + root + ": " + (why == null ? e.getClass().getSimpleName() : why);
        }
    }

    /** Registers {@code top} and every directory under it; {@code found} (when given) receives the files seen. */
    private void registerTree(WatchService ws, Path top, RootReg reg, List<Path> found) throws IOException {
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(top) && (skipped(dir) || Objects.equals(dir.getFileName().toString(), ".git"))) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                register(ws, dir, reg);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (found != null) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (file.equals(top)) {
                    throw e;
                }
                LOG.debug("cannot watch {}", file, e); // deleted meanwhile, or unreadable: not watched
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private void register(WatchService ws, Path dir, RootReg reg) throws IOException {
        if (!reg.dirs.add(dir)) {
            return;
        }
        int n = refs.merge(dir, 1, Integer::sum);
        if (n == 1) {
            WatchKey key = dir.register(ws, KINDS);
            keyOf.put(dir, key);
            dirOf.put(key, dir);
        }
    }

    private void release(Path dir) {
        Integer n = refs.merge(dir, -1, Integer::sum);
        if (n != null && n <= 0) {
            refs.remove(dir);
            WatchKey key = keyOf.remove(dir);
            if (key != null) {
                dirOf.remove(key);
                key.cancel();
            }
        }
    }

    private boolean skipped(Path path) {
        for (Path n : never) {
            if (path.startsWith(n)) {
                return true;
            }
        }
        return false;
    }

    // ------------------------------------------------------------------ events

    private void handle(WatchService ws, WatchKey key) {
        Path dir = dirOf.get(key);
        List<WatchEvent<?>> events = key.pollEvents();
        boolean valid = key.reset();
        if (dir == null) {
            return; // cancelled meanwhile
        }
        for (WatchEvent<?> event : events) {
            if (event.kind() == StandardWatchEventKinds.OVERFLOW) {
                overflow(ws);
                continue;
            }
            Path child = dir.resolve((Path) event.context());
            if (event.kind() == StandardWatchEventKinds.ENTRY_CREATE
                    && Files.isDirectory(child, LinkOption.NOFOLLOW_LINKS)) {
                List<Path> found = new ArrayList<>();
                registerNewDirectory(ws, child, found);
                found.forEach(this::report);
            }
            report(child);
        }
        if (!valid) {
            dirOf.remove(key);
            keyOf.remove(dir, key);
            refs.remove(dir);
            roots.values().forEach(r -> r.dirs.remove(dir));
            RootReg gone = roots.get(dir);
            if (gone != null && gone.tree) {
                // a watched directory was deleted: watch its parent for it to come back (then it is a tree again)
                roots.remove(dir);
                gone.dirs.forEach(this::release);
                String error = addRoot(ws, dir);
                if (error != null) {
                    LOG.debug("file watcher {}: {}", threadName, error);
                }
            }
        }
    }

    /** A directory appeared: register it for every root whose tree it joins (or that it is). */
    private void registerNewDirectory(WatchService ws, Path dir, List<Path> found) {
        if (skipped(dir) || dir.getFileName().toString().equals(".git")) {
            return;
        }
        boolean walked = false;
        for (Map.Entry<Path, RootReg> e : roots.entrySet()) {
            RootReg reg = e.getValue();
            boolean joins = reg.tree ? dir.startsWith(e.getKey()) : dir.equals(e.getKey());
            if (!joins) {
                continue;
            }
            reg.tree = true;
            try {
                registerTree(ws, dir, reg, walked ? null : found);
                walked = true;
            } catch (IOException | UncheckedIOException ex) {
                LOG.debug("cannot watch new directory {}", dir, ex);
            }
        }
    }

    /** Events were lost: register what is missing and report every watched path once. */
    private void overflow(WatchService ws) {
        LOG.debug("file watcher {}: events were lost; rescanning", threadName);
        for (Map.Entry<Path, RootReg> e : roots.entrySet()) {
            if (e.getValue().tree && Files.isDirectory(e.getKey(), LinkOption.NOFOLLOW_LINKS)) {
                try {
                    registerTree(ws, e.getKey(), e.getValue(), null);
                } catch (IOException | UncheckedIOException ex) {
                    LOG.debug("rescanning {} failed", e.getKey(), ex);
                }
            }
        }
        long now = System.nanoTime();
        for (Map.Entry<String, Watch> w : active.entrySet()) {
            Pending p = pending.computeIfAbsent(w.getKey(), k -> new Pending(now));
            p.last = now;
            p.paths.addAll(w.getValue().roots());
        }
    }

    /** Adds {@code path} to the pending batch of every watch that covers it and does not ignore it. */
    private void report(Path path) {
        if (skipped(path)) {
            return;
        }
        long now = System.nanoTime();
        for (Map.Entry<String, Watch> e : active.entrySet()) {
            if (counts(e.getValue(), path)) {
                Pending p = pending.computeIfAbsent(e.getKey(), k -> new Pending(now));
                p.last = now;
                p.paths.add(path);
            }
        }
    }

    private boolean counts(Watch w, Path path) {
        boolean covered = false;
        for (Path root : w.roots()) {
            RootReg reg = roots.get(root);
            if (path.equals(root) || (reg != null && reg.tree && path.startsWith(root) && !inGit(root, path))) {
                covered = true;
                break;
            }
        }
        if (!covered) {
            return false;
        }
        for (DockerIgnore ignore : w.ignores()) {
            if (ignore.ignores(path)) {
                return false;
            }
        }
        return true;
    }

    private static boolean inGit(Path root, Path path) {
        for (Path name : root.relativize(path)) {
            if (name.toString().equals(".git")) {
                return true;
            }
        }
        return false;
    }

    @Override
    public String toString() {
        return "FileWatcher[" + threadName + "]";
    }
}

package dev.cmdimage.core;

import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.internal.process.Executables;
import dev.cmdimage.core.internal.process.LineReader;
import dev.cmdimage.core.internal.process.LiveProcesses;
import dev.cmdimage.core.internal.process.ProcessStarts;
import dev.cmdimage.core.internal.process.OutputTail;
import dev.cmdimage.core.internal.process.ProcessTree;
import dev.cmdimage.core.internal.process.Supervisor;
import dev.cmdimage.core.internal.process.SupervisorServer;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessResult.Termination;
import dev.cmdimage.spi.ProcessRunner;
import dev.cmdimage.spi.ProcessSpec;
import java.io.File;
import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default {@link ProcessRunner}: runs the command as a child of this JVM.
 *
 * <ul>
 *   <li>The argv is run as given (through a shell only when the argv names one), in {@link ProcessSpec#directory()},
 *       with exactly {@link ProcessSpec#environment()}; nothing of this JVM's environment is inherited. Its stdin is
 *       empty ({@code /dev/null}).</li>
 *   <li>The child runs in a process group of its own, in a session of its own, under a supervisor: a small perl
 *       script ({@code perl-base} is an essential package on Debian) that replaces the {@code setsid} exec, forks
 *       the command, and ties its processes to this JVM's life. When the JVM dies (SIGKILL, out of memory, or an
 *       exit that ends no command), the supervisor's stdin from the JVM ends and it ends the tree: SIGTERM, then
 *       SIGKILL after the grace, cut to 3 s. It is the reaper of the tree's orphans, so every process the command
 *       starts stays its descendant, even a daemon that left the session. Without perl (or {@code /proc}) the
 *       child is started through {@code setsid} (util-linux; busybox elsewhere) and does not end with the JVM;
 *       where no {@code setsid} is found either (macOS) the child shares this JVM's group and its tree is found
 *       through {@link ProcessHandle#descendants()} only; {@link #newSession()} tells whether it got a session.
 *       The supervisors are forked by a perl process of the runner, its supervisor server, which keeps one
 *       supervisor ready for the next command, so that a command does not wait for perl to start; the
 *       supervisor's pipes are opened through {@code /proc}. The server and its spare supervisor start with a
 *       command and end 5 s after the last one, on {@link #close()}, or with the JVM; where the server cannot run,
 *       each command starts perl itself.</li>
 *   <li>stdout and stderr are read by two daemon threads (of the runner's pool, kept 2 s between commands) and
 *       handed over line by line as they come. Memory is
 *       bounded whatever the command prints: a line longer than {@link Builder#maxLineLength(int)} bytes is cut
 *       and ends with {@value LineReader#CUT_MARK}; the result keeps the last {@link Builder#outputTailLines(int)}
 *       lines.</li>
 *   <li>On timeout, cancellation or an interrupt of the calling thread, the whole tree gets SIGTERM, then SIGKILL
 *       after {@link ProcessSpec#killGrace()}. The signal goes to the command's process group first, in one
 *       atomic kill, so that a command that keeps forking cannot outrun it; what escaped the group is found and
 *       signalled after. When the main process exits by itself, the processes it left behind are ended the same
 *       way. {@code run} returns once every process of the tree is gone and both readers have finished (waiting a
 *       bounded time for either).</li>
 *   <li>Only when asked ({@link Builder#shutdownHook(boolean)}; off by default) a JVM shutdown hook ends the trees
 *       of commands still running when the JVM exits (e.g. on Ctrl-C); such a run ends
 *       {@link Termination#CANCELLED} (whatever status the signal left), so a build reports itself cancelled, not
 *       failed. The hook is installed with the first command and removed by {@link #close()}.</li>
 *   <li>A command whose cancellation is signalled before it starts is not started: the result is
 *       {@link Termination#CANCELLED} with exit code -1.</li>
 * </ul>
 *
 * <p>How the tree is found (Linux): under the supervisor, every descendant of the supervisor, found in {@code /proc}
 * by parent pid (orphans are re-parented to the supervisor, not to init, so nothing leaves the tree); whether any is
 * left is one {@code waitpid} call, not a scan. Through {@code setsid}: every process in the command's session or
 * process group, read from {@code /proc} (this includes processes re-parented to init after their parent exited),
 * every descendant of the main process while it lives ({@link ProcessHandle#descendants()}, which includes
 * children that started sessions of their own), and, when the output stays open after all those are gone, the
 * processes holding the command's output pipes; out of reach there: a classic double-fork daemon (it leaves the
 * session, closes its output, and its parent exits before the runner looks). Without {@code setsid} or
 * {@code /proc} (macOS, Windows), any process re-parented after its parent exited is out of reach.
 *
 * <p>Cost: about 0.5-1 ms per command on top of {@link ProcessBuilder} on a 2-core machine (perl started per
 * command cost 2.5 ms more; no scan of {@code /proc} after a command that left nothing behind); output is read at
 * about the speed of {@link java.io.BufferedReader#readLine()}.
 *
 * <p>Instances are thread-safe; one instance can run many commands at once. Up to 5 s after its last command it
 * owns a daemon thread reading its supervisor server's reports and the server's two perl processes, and for 2 s the
 * idle reader threads; after that nothing. {@link #close()} ends the commands still running, the server and these
 * threads at once, and removes the shutdown hook, if one was asked for.
 */
public final class JdkProcessRunner implements ProcessRunner, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(JdkProcessRunner.class);
    private static final File DEV_NULL = new File("/dev/null");
    private static final Duration FIRST_DRAIN = Duration.ofMillis(200);
    /** The longest {@link #close()} waits for the commands still running to end. */
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(15);

    private final int outputTailLines;
    private final int maxLineLength;
    private final Charset charset;
    /** How often a wait for the command's exit looks at its cancellation. */
    private static final long WAIT_SLICE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    /** How long an idle reader thread waits for the next command before it ends. */
    private static final Duration READER_KEEP_ALIVE = Duration.ofSeconds(2);
    private static final Duration READERS_CLOSE = Duration.ofSeconds(1);

    private final Supervisor supervisor;
    /** Forks the supervisors (null: each command starts perl itself, or there is no supervisor). */
    private final SupervisorServer server;
    private final String setsid;
    private final Duration drainTimeout;
    private final LiveProcesses live;
    /** The name of this runner's reader threads between commands. */
    private final String idleReader = "cmdimage-process-reader-" + Integer.toHexString(System.identityHashCode(this))
            + " (idle)";
    private final ThreadPoolExecutor readers = readerPool(idleReader);

    /**
     * A runner with the defaults: a 20-line tail, lines cut at 64 KiB, UTF-8, a session of its own, no shutdown
     * hook.
     */
    public JdkProcessRunner() {
        this(builder());
    }

    private JdkProcessRunner(Builder b) {
        this.outputTailLines = b.outputTailLines;
        this.maxLineLength = b.maxLineLength;
        this.charset = b.charset;
        this.supervisor = b.newSession && b.supervised ? Supervisor.find() : null;
        this.server = supervisor != null && b.server ? new SupervisorServer(supervisor) : null;
        this.setsid = b.newSession && supervisor == null ? findSetsid() : null;
        this.drainTimeout = b.drainTimeout;
        this.live = new LiveProcesses(b.shutdownHook);
    }

    /** A builder starting from the defaults. */
    public static Builder builder() {
        return new Builder();
    }

    /** Whether commands run in a session of their own (under the supervisor, or through {@code setsid}). */
    public boolean newSession() {
        return supervisor != null || setsid != null;
    }

    @Override
    public ProcessResult run(ProcessSpec spec, LineConsumer output, Cancellation cancellation) throws IOException {
        Objects.requireNonNull(spec, "spec");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(cancellation, "cancellation");
        live.requireOpen();
        String program = spec.command().get(0);
        Path directory = Executables.directory(program, spec.directory());
        String executable = Executables.resolve(program, directory, spec.environment());

        OutputTail tail = new OutputTail(outputTailLines);
        long started = System.nanoTime();
        if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
            return new ProcessResult(-1, Termination.CANCELLED, tail.snapshot(), Duration.ZERO);
        }

        List<String> command = new ArrayList<>(spec.command().size() + 1);
        if (setsid != null) {
            command.add(setsid);
        }
        command.add(executable);
        command.addAll(spec.command().subList(1, spec.command().size()));
        // the supervisor's stdin is a pipe from this JVM (it ends the tree when the pipe ends); the command's is
        // /dev/null either way
        Process process = null;
        if (server != null) {
            try {
                process = server.start(command, directory, spec.environment(), spec.killGrace());
            } catch (IOException e) {
                LOG.debug("the supervisor server cannot start {} ({}); starting its supervisor directly",
                        spec.command(), e.getMessage());
            }
        }
        if (process == null) {
            List<String> argv = supervisor == null ? command
                    : supervisor.argv(command, spec.environment(), spec.killGrace());
            ProcessBuilder builder = new ProcessBuilder(argv).directory(directory.toFile());
            builder.environment().clear();
            builder.environment().putAll(supervisor == null ? spec.environment()
                    : Supervisor.environment(spec.environment()));
            if (supervisor == null && DEV_NULL.exists()) {
                builder.redirectInput(ProcessBuilder.Redirect.from(DEV_NULL));
            }
            try {
                process = ProcessStarts.start(builder); // no context loader for the JDK 17 reaper thread
            } catch (IOException e) {
                throw new IOException(Executables.cannotRun(program) + e.getMessage(), e);
            }
        }
        if (supervisor == null && !DEV_NULL.exists()) {
            process.getOutputStream().close();
        }
        ProcessTree tree = new ProcessTree(process, supervisor != null ? ProcessTree.Start.SUPERVISED
                : setsid != null ? ProcessTree.Start.SESSION : ProcessTree.Start.SHARED, spec.killGrace());
        LOG.debug("started {} as pid {} in {}", spec.command(), process.pid(), directory);

        Sink sink = new Sink(output, tail);
        CountDownLatch stdout = reader(process, StdStream.STDOUT, sink);
        CountDownLatch stderr = reader(process, StdStream.STDERR, sink);

        boolean interrupted = false;
        Termination termination = Termination.EXITED;
        boolean registered = false;
        CompletableFuture<Void> cancelled = new CompletableFuture<>();
        // set before the shutdown hook signals the tree, so that a command it ends counts as cancelled even when
        // this thread only sees it after the command has exited (e.g. with status 143)
        AtomicBoolean endedByShutdown = new AtomicBoolean();
        AutoCloseable cancelRegistration = () -> {};
        try {
            live.register(tree, () -> {
                endedByShutdown.set(true);
                cancelled.complete(null);
            });
            registered = true;
        } catch (IllegalStateException e) {
            // the JVM is shutting down, or the runner was closed meanwhile: the command must not outlive it
            LOG.debug("{}; ending pid {} at once", e.getMessage(), process.pid());
            endedByShutdown.set(true);
            cancelled.complete(null);
        }
        try {
            cancelRegistration = cancellation.onCancel(() -> cancelled.complete(null));
            // Process.waitFor, in slices: it is woken by the JDK's process reaper. Process.onExit() completes on
            // the common pool, which a host may have filled with blocking work: the exit would then go unseen.
            try {
                while (process.isAlive()) {
                    if (cancelled.isDone()) {
                        termination = Termination.CANCELLED;
                        break;
                    }
                    long slice = WAIT_SLICE_NANOS;
                    if (spec.timeout() != null) {
                        long left = spec.timeout().toNanos() - (System.nanoTime() - started);
                        if (left <= 0) {
                            termination = Termination.TIMED_OUT;
                            break;
                        }
                        slice = Math.min(slice, left);
                    }
                    process.waitFor(slice, TimeUnit.NANOSECONDS);
                }
            } catch (InterruptedException e) {
                interrupted = true;
                termination = Termination.CANCELLED;
            }
            if (termination != Termination.EXITED) {
                LOG.debug("pid {} {}: ending its process tree", process.pid(),
                        termination == Termination.TIMED_OUT ? "timed out after " + spec.timeout() : "cancelled");
            }
            // after a normal exit this ends the leftovers (e.g. "sleep 1000 &") in the command's session
            tree.terminate();
            awaitReaders(tree, stdout, stderr, sink);
        } finally {
            try {
                cancelRegistration.close();
            } catch (Exception e) {
                LOG.debug("could not deregister the cancel callback", e);
            }
            if (registered) {
                live.deregister(tree);
            }
        }

        if (endedByShutdown.get() && termination == Termination.EXITED) {
            LOG.debug("pid {} was ended by the JVM's shutdown hook", process.pid());
            termination = Termination.CANCELLED;
        }
        int exitCode = exitCode(process);
        if (interrupted || tree.interrupted() || sink.interrupted) {
            Thread.currentThread().interrupt();
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
        LOG.debug("pid {} ended: {} exit {} after {}", process.pid(), termination, exitCode, elapsed);
        return new ProcessResult(exitCode, termination, tail.snapshot(), elapsed);
    }

    /**
     * Ends the commands still running (as a cancel would: SIGTERM, SIGKILL after their kill grace; their runs
     * return {@link Termination#CANCELLED}), waits at most 15 seconds for their runs to return (past that it logs
     * at DEBUG and returns; each run still ends its tree before it returns), ends the supervisor server (waiting at
     * most 2 seconds for it) and removes the shutdown hook if one was installed. Afterwards {@link #run} throws
     * {@link IllegalStateException}. Idempotent; throws nothing checked.
     */
    @Override
    public void close() {
        if (!live.close(CLOSE_BOUND)) {
            LOG.debug("closed with {} command(s) still ending after {}", live.count(), CLOSE_BOUND);
        }
        if (server != null) {
            server.close();
        }
        readers.shutdown();
        try {
            if (!readers.awaitTermination(READERS_CLOSE.toMillis(), TimeUnit.MILLISECONDS)) {
                LOG.debug("output readers still reading after {} (their output is held open)", READERS_CLOSE);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The name of this runner's reader threads between commands (for tests and diagnostics). */
    String idleReaderName() {
        return idleReader;
    }

    /** The pid of this runner's supervisor server while one runs, else -1 (for tests and diagnostics). */
    long supervisorServerPid() {
        return server == null ? -1 : server.pid();
    }

    /** Whether a JVM shutdown hook of this runner is installed now (for tests and diagnostics). */
    boolean shutdownHookInstalled() {
        return live.hookInstalled();
    }

    /** Reads one stream on a thread of the readers' pool (named after the process while it reads it). */
    private CountDownLatch reader(Process process, StdStream stream, Sink sink) {
        LineReader reader = new LineReader(
                stream == StdStream.STDOUT ? process.getInputStream() : process.getErrorStream(),
                stream, sink::line, maxLineLength, charset);
        String name = "cmdimage-process-" + process.pid() + "-" + stream.name().toLowerCase();
        CountDownLatch done = new CountDownLatch(1);
        Runnable task = () -> {
            Thread thread = Thread.currentThread();
            thread.setName(name);
            try {
                reader.run();
            } finally {
                thread.setName(idleReader);
                done.countDown();
            }
        };
        try {
            readers.execute(task);
        } catch (RejectedExecutionException e) {
            // closed while this run started: a thread of its own, as the run must still read its output
            Thread thread = new Thread(task, name);
            thread.setDaemon(true);
            thread.setContextClassLoader(null);
            thread.start();
        }
        return done;
    }

    /**
     * Waits for both readers to reach the end of their stream. The tree is gone by now, so only a process that left
     * it (a daemon that called setsid and was re-parented) can still hold the pipes open: such processes are ended
     * too. Past the drain timeout the readers are abandoned and whatever they read later is dropped.
     */
    private void awaitReaders(ProcessTree tree, CountDownLatch stdout, CountDownLatch stderr, Sink sink) {
        if (!await(sink, FIRST_DRAIN, stdout, stderr)) {
            tree.terminatePipeHolders();
            if (!await(sink, drainTimeout, stdout, stderr)) {
                LOG.debug("the output of pid {} is still open after {}; no longer reading it", tree.pid(),
                        drainTimeout);
            }
        }
        sink.close();
    }

    private static boolean await(Sink sink, Duration timeout, CountDownLatch... readers) {
        long deadline = System.nanoTime() + timeout.toNanos();
        for (CountDownLatch reader : readers) {
            while (reader.getCount() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                try {
                    reader.await(left, TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    sink.interrupted = true;
                }
            }
        }
        return true;
    }

    /** The readers' pool: daemon threads kept 2 s between commands, none after {@link #close()}. */
    private static ThreadPoolExecutor readerPool(String idleReader) {
        return new ThreadPoolExecutor(0, Integer.MAX_VALUE, READER_KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS,
                new SynchronousQueue<>(), task -> {
                    Thread thread = new Thread(task, idleReader);
                    thread.setDaemon(true);
                    thread.setContextClassLoader(null); // not the caller's (an embedder's plug-in loader)
                    return thread;
                });
    }

    private static int exitCode(Process process) {
        try {
            if (process.waitFor(1, TimeUnit.SECONDS)) {
                return process.exitValue();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return -1;
    }

    private static String findSetsid() {
        List<Path> candidates = new ArrayList<>(List.of(Paths.get("/usr/bin/setsid"), Paths.get("/bin/setsid")));
        String path = System.getenv("PATH");
        if (path != null) {
            for (String entry : path.split(File.pathSeparator)) {
                if (!entry.isEmpty()) {
                    candidates.add(Paths.get(entry, "setsid"));
                }
            }
        }
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        LOG.debug("no setsid program found: commands share this JVM's process group; their trees are found "
                + "through ProcessHandle.descendants() only");
        return null;
    }

    @Override
    public String toString() {
        return "JdkProcessRunner[tail=" + outputTailLines + " lines, maxLineLength=" + maxLineLength + ", charset="
                + charset + ", " + (supervisor != null ? "supervisor=" + supervisor : "setsid=" + setsid) + "]";
    }

    /** Hands lines to the caller's consumer and the tail until closed; a throwing consumer does not stop reading. */
    private static final class Sink {
        private final LineConsumer consumer;
        private final OutputTail tail;
        private volatile boolean closed;
        volatile boolean interrupted;

        Sink(LineConsumer consumer, OutputTail tail) {
            this.consumer = consumer;
            this.tail = tail;
        }

        void line(StdStream stream, String line) {
            if (closed) {
                return;
            }
            tail.add(line);
            try {
                consumer.line(stream, line);
            } catch (RuntimeException | LinkageError | AssertionError e) {
                // the reader must keep draining the pipe, or the command would block on a full pipe
                LOG.debug("the output consumer failed on a line; reading goes on", e);
            }
        }

        void close() {
            closed = true;
        }
    }

    /** Options of a {@link JdkProcessRunner}. */
    public static final class Builder {
        private int outputTailLines = 20;
        private int maxLineLength = 64 * 1024;
        private Charset charset = StandardCharsets.UTF_8;
        private boolean newSession = true;
        private boolean supervised = true;
        private boolean server = true;
        private Duration drainTimeout = Duration.ofSeconds(2);
        private boolean shutdownHook;

        private Builder() {}

        /** How many of the last output lines the result keeps (default 20). */
        public Builder outputTailLines(int lines) {
            if (lines < 0) {
                throw new IllegalArgumentException("outputTailLines must not be negative: " + lines);
            }
            this.outputTailLines = lines;
            return this;
        }

        /** The longest line handed over, in bytes; longer lines are cut and end with "…" (default 64 KiB). */
        public Builder maxLineLength(int bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxLineLength must be at least 1: " + bytes);
            }
            this.maxLineLength = bytes;
            return this;
        }

        /** The encoding of the command's output (default UTF-8; malformed bytes become U+FFFD). */
        public Builder charset(Charset charset) {
            this.charset = Objects.requireNonNull(charset, "charset");
            return this;
        }

        /**
         * Whether to start commands in a session of their own through {@code setsid} when one is installed
         * (default true). Without it, a process the command leaves behind after it exits cannot be found.
         */
        public Builder newSession(boolean newSession) {
            this.newSession = newSession;
            return this;
        }

        /**
         * Whether commands run under the supervisor where it can run (default true); false falls back to
         * {@code setsid}. For tests of that fallback.
         */
        Builder supervised(boolean supervised) {
            this.supervised = supervised;
            return this;
        }

        /**
         * Whether supervisors are forked by one long-lived supervisor server (default true) instead of each
         * command starting perl. For tests comparing the two.
         */
        Builder supervisorServer(boolean server) {
            this.server = server;
            return this;
        }

        /**
         * How long {@code run} waits for the output to end once every process of the tree is gone (default 2 s);
         * only a process outside the tree that holds the output open can make it wait that long.
         */
        public Builder drainTimeout(Duration timeout) {
            if (timeout.isNegative()) {
                throw new IllegalArgumentException("drainTimeout must not be negative: " + timeout);
            }
            this.drainTimeout = timeout;
            return this;
        }

        /**
         * Whether a JVM shutdown hook ends the commands still running when the JVM exits (default false: the
         * library installs no hook unless asked). A command-line tool turns it on so that Ctrl-C leaves no build
         * process behind (or, like cmdimage's own CLI, cancels its builds from a hook of its own); an embedding
         * application turns it on too, or closes the runner (or the builder that made it) before its JVM exits.
         * The hook is removed by {@link JdkProcessRunner#close()}.
         */
        public Builder shutdownHook(boolean enabled) {
            this.shutdownHook = enabled;
            return this;
        }

        /** The runner. */
        public JdkProcessRunner build() {
            return new JdkProcessRunner(this);
        }
    }
}

package dev.cmdimage.core.internal.process;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one command: its main process, everything in its session (when it got one), every descendant
 * ever seen, and, as a last resort, whoever holds its output pipes.
 *
 * <p>How it is started decides who ends it ({@link Start}). Under the {@link Supervisor} (Linux with perl), the
 * supervisor ends the tree itself when asked through its stdin, and this class only sweeps what might be left after
 * the supervisor exited. Otherwise killing works in layers, each catching what the one before can miss: first a
 * signal to the whole process group ({@code kill -s SIG -- -pgid}, atomic in the kernel, so that a command that keeps
 * forking cannot outrun it), and only then a signal to each member found in {@code /proc} by session id (covers
 * processes re-parented to init and sub-groups made by job control) and to each
 * {@link ProcessHandle#descendants() descendant} (covers children that called {@code setsid} themselves while their
 * parent is alive, and systems without {@code /proc}). Waiting for the tree to end reads only the processes already
 * known ({@code /proc/<pid>/stat}), with a bounded number of full scans of {@code /proc}.
 *
 * <p>Waits in here are not cut short by interrupts: an interrupt is remembered ({@link #interrupted()}) so that
 * the caller can re-set it once the tree is gone.
 */
public final class ProcessTree {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
    private static final File SH = new File("/bin/sh");
    /** How long the supervisor may take, after the grace, for its SIGKILL rounds. */
    private static final Duration SUPERVISOR_KILL = Duration.ofSeconds(2);
    /** SIGKILL rounds (each a scan of {@code /proc}) before giving up on processes that do not die. */
    private static final int KILL_ROUNDS = 5;
    private static final Duration KILL_ROUND = Duration.ofMillis(200);
    /** Full scans of {@code /proc} while waiting for the tree to end after SIGTERM. */
    private static final int AWAIT_SCANS = 5;

    /** How the command was started. */
    public enum Start {
        /** Under the {@link Supervisor}: in a session of its own, tied to this JVM's life. */
        SUPERVISED,
        /** Through {@code setsid}: in a session and process group of its own whose id is the main pid. */
        SESSION,
        /** In this JVM's session and process group. */
        SHARED
    }

    private final Process main;
    private final Start start;
    private final long sid;
    private final Duration killGrace;
    private final List<String> outputPipes;
    private final Map<Long, ProcessHandle> seen = new ConcurrentHashMap<>();
    private volatile boolean interrupted;

    /**
     * @param main      the started process (the supervisor, when {@code start} is {@link Start#SUPERVISED})
     * @param start     how it was started
     * @param killGrace how long the tree has after SIGTERM before SIGKILL
     */
    public ProcessTree(Process main, Start start, Duration killGrace) {
        this.main = main;
        this.start = start;
        this.sid = start == Start.SHARED ? -1 : main.pid();
        this.killGrace = killGrace;
        this.outputPipes = ProcFs.outputPipes(main.pid());
    }

    /** The main process's pid. */
    public long pid() {
        return main.pid();
    }

    /** The grace period between SIGTERM and SIGKILL. */
    public Duration killGrace() {
        return killGrace;
    }

    /** Whether an interrupt arrived while this tree was waiting for processes to end. */
    public boolean interrupted() {
        return interrupted;
    }

    /** The live processes of the tree, the main process included while it lives (a full scan of {@code /proc}). */
    public List<ProcessHandle> members() {
        List<ProcessHandle> members = new ArrayList<>();
        if (main.isAlive()) {
            members.add(main.toHandle());
            try {
                main.descendants().forEach(h -> seen.putIfAbsent(h.pid(), h));
            } catch (RuntimeException e) {
                // not supported here: the session scan below still runs
            }
        }
        if (sid > 0) {
            for (long pid : ProcFs.membersOfSession(sid)) {
                if (pid != main.pid()) {
                    ProcessHandle.of(pid).ifPresent(h -> seen.putIfAbsent(pid, h));
                }
            }
        }
        seen.values().removeIf(h -> !alive(h));
        members.addAll(seen.values());
        return members;
    }

    /**
     * Ends every process of the tree: SIGTERM, then SIGKILL to what is left after the grace period. Returns when
     * all are gone (or after a bounded wait for processes that cannot be killed, such as ones stuck in the kernel).
     * Called after the main process exited by itself, it ends what the command left behind.
     *
     * @return whether every process is gone
     */
    public boolean terminate() {
        long deadline = System.nanoTime() + killGrace.toNanos();
        if (start == Start.SUPERVISED) {
            if (main.isAlive()) {
                LOG.debug("asking the supervisor, pid {}, to end its process tree", main.pid());
                request(Supervisor.END);
                awaitExit(killGrace.plus(SUPERVISOR_KILL));
            } else if (main.exitValue() < 128) {
                // the supervisor exits by itself only once its tree is gone, and nothing can leave its tree
                return true;
            }
            // it was killed, or it exited with a signal's status: make sure (a scan finds nothing)
            return kill();
        }
        if (main.isAlive()) {
            LOG.debug("sending SIGTERM to the process tree of pid {}", main.pid());
            signalTerm();
            awaitExit(killGrace);
        }
        // what is left: processes that left the group, or what the command left behind when it exited
        List<ProcessHandle> left = members();
        if (left.isEmpty()) {
            return true;
        }
        LOG.debug("sending SIGTERM to {} processes left by pid {}", left.size(), main.pid());
        signal(left, false, true);
        if (awaitGone(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
            return true;
        }
        return kill();
    }

    /** Sends SIGKILL to every process of the tree until all are gone (bounded). */
    public boolean kill() {
        if (start == Start.SUPERVISED && main.isAlive()) {
            request(Supervisor.KILL);
            if (!awaitExit(SUPERVISOR_KILL)) {
                LOG.debug("the supervisor, pid {}, does not exit; killing it and sweeping its tree", main.pid());
                main.destroyForcibly();
            }
        }
        boolean groupSignal = true;
        for (int round = 0; round < KILL_ROUNDS; round++) {
            List<ProcessHandle> members = members();
            if (members.isEmpty()) {
                return true;
            }
            LOG.debug("sending SIGKILL to the process tree of pid {} ({} processes)", main.pid(), members.size());
            signal(members, true, groupSignal);
            groupSignal = false;
            awaitKnownGone(members, KILL_ROUND);
        }
        List<ProcessHandle> left = members();
        if (!left.isEmpty()) {
            LOG.debug("processes of pid {} survive SIGKILL: {}", main.pid(), left);
        }
        return left.isEmpty();
    }

    /**
     * Sends SIGTERM to the tree without waiting (used by the shutdown hook for many trees at once). The process
     * group gets it before anything is listed; under the supervisor, the supervisor is asked to end the tree.
     */
    public void signalTerm() {
        switch (start) {
            case SUPERVISED -> request(Supervisor.END);
            case SESSION -> {
                if (main.isAlive()) { // while the main process is not reaped, its pid (the group's id) is not reused
                    signalGroup("TERM");
                }
                main.destroy();
            }
            case SHARED -> {
                main.destroy();
                signal(members(), false, false);
            }
        }
    }

    /**
     * Ends the processes that hold the command's output pipes although they are not in its tree any more (a
     * daemon that left the session and was re-parented), so that reading the output can end. Linux only.
     *
     * @return how many such processes there were
     */
    public int terminatePipeHolders() {
        List<ProcessHandle> holders = new ArrayList<>();
        for (long pid : ProcFs.holdersOf(outputPipes)) {
            ProcessHandle.of(pid).ifPresent(holders::add);
        }
        if (holders.isEmpty()) {
            return 0;
        }
        LOG.debug("processes {} left the tree of pid {} but hold its output open; ending them", holders, main.pid());
        holders.forEach(h -> seen.putIfAbsent(h.pid(), h));
        holders.forEach(ProcessHandle::destroy);
        if (!awaitGone(killGrace)) {
            kill();
        }
        return holders.size();
    }

    /**
     * Waits up to {@code timeout} for every process of the tree to be gone. Polls only the processes already known;
     * when they are gone, a scan of {@code /proc} looks for others (at most {@value #AWAIT_SCANS} scans).
     */
    public boolean awaitGone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        if (start == Start.SUPERVISED && !awaitExit(timeout)) {
            return false;
        }
        for (int scan = 0; scan < AWAIT_SCANS; scan++) {
            List<ProcessHandle> known = members();
            if (known.isEmpty()) {
                return true;
            }
            if (!awaitKnownGone(known, Duration.ofNanos(Math.max(0, deadline - System.nanoTime())))) {
                return false;
            }
        }
        return true;
    }

    /** Waits up to {@code timeout} for the given processes to be gone, reading only their own {@code /proc} entries. */
    private boolean awaitKnownGone(List<ProcessHandle> known, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<ProcessHandle> left = new ArrayList<>(known);
        long pause = 5;
        while (true) {
            left.removeIf(h -> !alive(h));
            if (left.isEmpty()) {
                return true;
            }
            long remaining = deadline - System.nanoTime();
            if (remaining <= 0) {
                return false;
            }
            pause(Math.min(pause, TimeUnit.NANOSECONDS.toMillis(remaining) + 1));
            pause = Math.min(pause * 2, 50);
        }
    }

    /** Waits up to {@code timeout} for the main process to exit. */
    private boolean awaitExit(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            long remaining = deadline - System.nanoTime();
            try {
                return main.waitFor(Math.max(0, remaining), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
    }

    /** Writes one request to the supervisor's stdin ({@link Supervisor#END}, {@link Supervisor#KILL}). */
    private void request(int request) {
        synchronized (main) {
            try {
                main.getOutputStream().write(request);
                main.getOutputStream().flush();
            } catch (IOException e) {
                // the supervisor is gone already (or going): it has ended its tree
                LOG.debug("could not ask the supervisor, pid {}: {}", main.pid(), e.toString());
            }
        }
    }

    private void signal(List<ProcessHandle> members, boolean force, boolean groupSignal) {
        // the group's id is reserved while a member lives, and members were just found: it is still the command's
        if (groupSignal && start == Start.SESSION) {
            signalGroup(force ? "KILL" : "TERM");
        }
        for (ProcessHandle h : members) {
            try {
                if (h.pid() == main.pid()) {
                    if (force) {
                        main.destroyForcibly();
                    } else {
                        main.destroy();
                    }
                } else if (force) {
                    h.destroyForcibly();
                } else {
                    h.destroy();
                }
            } catch (RuntimeException e) {
                LOG.debug("could not signal pid {}: {}", h.pid(), e.toString());
            }
        }
    }

    /** {@code kill -s SIG -- -pgid}: one atomic signal to the whole group, through the shell's builtin kill. */
    private void signalGroup(String signal) {
        if (!SH.canExecute()) {
            return;
        }
        try {
            Process kill = ProcessStarts.start(new ProcessBuilder(SH.getPath(), "-c", "kill -s " + signal + " -- -" + sid)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
            while (!kill.waitFor(0, TimeUnit.MILLISECONDS) && System.nanoTime() - deadline < 0) {
                pause(2);
            }
            if (kill.isAlive()) {
                kill.destroyForcibly();
            }
        } catch (IOException | InterruptedException e) {
            LOG.debug("could not signal process group {}: {}", sid, e.toString());
        }
    }

    private static boolean alive(ProcessHandle h) {
        return h.isAlive() && (!ProcFs.available() || ProcFs.alive(h.pid()));
    }

    private void pause(long millis) {
        try {
            Thread.sleep(Math.max(1, millis));
        } catch (InterruptedException e) {
            interrupted = true;
        }
    }

    @Override
    public String toString() {
        return "ProcessTree[pid=" + main.pid() + ", " + start.name().toLowerCase(Locale.ROOT) + "]";
    }
}

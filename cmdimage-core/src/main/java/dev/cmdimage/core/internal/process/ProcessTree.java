package dev.cmdimage.core.internal.process;

import java.io.File;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processes of one command: its main process, everything in its session (when it got one through
 * {@code setsid}), every descendant ever seen, and, as a last resort, whoever holds its output pipes.
 *
 * <p>Killing works in layers, each catching what the one before can miss: a signal to the whole process group
 * ({@code kill -s SIG -- -pgid}, atomic in the kernel), a signal to each member found in {@code /proc} by session id
 * (covers processes re-parented to init and sub-groups made by job control), and a signal to each
 * {@link ProcessHandle#descendants() descendant} (covers children that called {@code setsid} themselves while their
 * parent is alive, and systems without {@code /proc}).
 *
 * <p>Waits in here are not cut short by interrupts: an interrupt is remembered ({@link #interrupted()}) so that
 * the caller can re-set it once the tree is gone.
 */
public final class ProcessTree {
    private static final Logger LOG = LoggerFactory.getLogger(ProcessTree.class);
    private static final File SH = new File("/bin/sh");
    private static final Duration KILL_WAIT = Duration.ofSeconds(10);

    private final Process main;
    private final long sid;
    private final Duration killGrace;
    private final List<String> outputPipes;
    private final Map<Long, ProcessHandle> seen = new ConcurrentHashMap<>();
    private volatile boolean interrupted;

    /**
     * @param main       the started process
     * @param ownSession whether {@code main} runs in a session (and process group) of its own whose id is its pid
     * @param killGrace  how long the tree has after SIGTERM before SIGKILL
     */
    public ProcessTree(Process main, boolean ownSession, Duration killGrace) {
        this.main = main;
        this.sid = ownSession ? main.pid() : -1;
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

    /** The live processes of the tree, the main process included while it lives. */
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
     *
     * @return whether every process is gone
     */
    public boolean terminate() {
        List<ProcessHandle> members = members();
        if (members.isEmpty()) {
            return true;
        }
        LOG.debug("sending SIGTERM to the process tree of pid {} ({} processes)", main.pid(), members.size());
        signal(members, false, true);
        if (awaitGone(killGrace)) {
            return true;
        }
        return kill();
    }

    /** Sends SIGKILL to every process of the tree until all are gone (bounded). */
    public boolean kill() {
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        boolean groupSignal = true;
        List<ProcessHandle> members = members();
        while (!members.isEmpty()) {
            LOG.debug("sending SIGKILL to the process tree of pid {} ({} processes)", main.pid(), members.size());
            signal(members, true, groupSignal);
            groupSignal = false;
            if (awaitGone(Duration.ofMillis(200))) {
                return true;
            }
            if (System.nanoTime() - deadline > 0) {
                LOG.debug("processes of pid {} survive SIGKILL: {}", main.pid(), members());
                return false;
            }
            members = members();
        }
        return true;
    }

    /** Sends SIGTERM to the tree without waiting (used by the shutdown hook for many trees at once). */
    public void signalTerm() {
        List<ProcessHandle> members = members();
        if (!members.isEmpty()) {
            signal(members, false, true);
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

    /** Waits up to {@code timeout} for every process of the tree to be gone. */
    public boolean awaitGone(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        long pause = 5;
        while (true) {
            if (members().isEmpty()) {
                return true;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            pause(Math.min(pause, TimeUnit.NANOSECONDS.toMillis(left) + 1));
            pause = Math.min(pause * 2, 50);
        }
    }

    private void signal(List<ProcessHandle> members, boolean force, boolean groupSignal) {
        if (groupSignal && sid > 0) {
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
            Process kill = new ProcessBuilder(SH.getPath(), "-c", "kill -s " + signal + " -- -" + sid)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(ProcessBuilder.Redirect.DISCARD)
                    .start();
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
        return "ProcessTree[pid=" + main.pid() + (sid > 0 ? ", session" : "") + "]";
    }
}

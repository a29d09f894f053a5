package dev.cmdimage.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * What a test left running: threads of cmdimage's (by name) and child processes of this JVM that were not there
 * when the snapshot was taken. Threads get a few seconds to end after a close; leftover processes are killed.
 */
final class LeakCheck {
    /** How long threads and processes get to end after the close. */
    static final Duration GRACE = Duration.ofSeconds(5);
    private static final List<String> PREFIXES = List.of("cmdimage-", "fake-cmdimage-", "test-registry-");

    private final Set<Long> threadsBefore;
    private final Set<Long> processesBefore;

    private LeakCheck(Set<Long> threadsBefore, Set<Long> processesBefore) {
        this.threadsBefore = threadsBefore;
        this.processesBefore = processesBefore;
    }

    static LeakCheck snapshot() {
        return new LeakCheck(ourThreads().stream().map(Thread::getId).collect(Collectors.toSet()),
                ProcessHandle.current().descendants().map(ProcessHandle::pid).collect(Collectors.toSet()));
    }

    /** What is still alive after {@link #GRACE}, described for a person; kills the processes. Empty when clean. */
    List<String> leftBehind() {
        long deadline = System.nanoTime() + GRACE.toNanos();
        List<Thread> threads;
        List<ProcessHandle> processes;
        while (true) {
            threads = ourThreads().stream().filter(t -> !threadsBefore.contains(t.getId())).toList();
            processes = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                    .filter(p -> !processesBefore.contains(p.pid())).toList();
            if ((threads.isEmpty() && processes.isEmpty()) || System.nanoTime() > deadline) {
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        List<String> left = new ArrayList<>();
        for (Thread t : threads) {
            left.add("thread " + t.getName());
        }
        for (ProcessHandle p : processes) {
            left.add("process " + p.pid() + " (" + p.info().commandLine().orElse("?") + "; killed now)");
            p.destroyForcibly();
        }
        return left;
    }

    private static List<Thread> ourThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive)
                .filter(t -> PREFIXES.stream().anyMatch(t.getName()::startsWith)).toList();
    }
}

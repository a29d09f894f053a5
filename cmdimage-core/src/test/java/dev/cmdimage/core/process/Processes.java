package dev.cmdimage.core.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/** Finds test processes by a unique marker in their command line, by reading /proc. */
public final class Processes {
    private Processes() {}

    /**
     * A unique {@code sleep} duration, e.g. {@code 1000.123456789}: {@code sleep <marker>} sleeps ~17 minutes and
     * its command line tells it apart from every other process on the machine.
     */
    public static String marker() {
        return "1000." + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
    }

    /** The live (not zombie) processes whose command line contains {@code marker}, as "pid cmdline". */
    public static List<String> withMarker(String marker) {
        List<String> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Paths.get("/proc"))) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String cmdline = new String(Files.readAllBytes(dir.resolve("cmdline")), StandardCharsets.UTF_8)
                            .replace('\0', ' ').trim();
                    if (cmdline.contains(marker) && !zombie(dir)) {
                        found.add(name + " " + cmdline);
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return found;
    }

    private static boolean zombie(Path dir) throws IOException {
        String stat = new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.ISO_8859_1);
        char state = stat.charAt(stat.lastIndexOf(')') + 2);
        return state == 'Z' || state == 'X';
    }

    /** The live processes that run exactly {@code sleep <marker>} (not the shells whose script names it). */
    public static List<String> sleeping(String marker) {
        List<String> found = new ArrayList<>();
        for (String p : withMarker(marker)) {
            if (p.endsWith(" sleep " + marker)) {
                found.add(p);
            }
        }
        return found;
    }

    /**
     * Waits until at least {@code count} processes run {@code sleep <marker>} (so they have really started, not
     * just been forked by a shell whose own command line names the marker); fails after {@code timeout}.
     */
    public static void awaitSleeping(String marker, int count, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (sleeping(marker).size() < count) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("expected " + count + " processes running sleep " + marker + ", found "
                        + withMarker(marker));
            }
            Thread.sleep(20);
        }
    }

    /** The process group and session of a live process, from {@code /proc/<pid>/stat}. */
    public static GroupAndSession groupAndSession(long pid) throws IOException {
        String stat = new String(Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "stat")),
                StandardCharsets.ISO_8859_1);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new GroupAndSession(Long.parseLong(fields[2]), Long.parseLong(fields[3]));
    }

    /** The live (not zombie) processes in the process group or the session of {@code of}, as pids. */
    public static List<Long> inGroupOrSession(GroupAndSession of) {
        List<Long> found = new ArrayList<>();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(Paths.get("/proc"))) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                try {
                    String stat = new String(Files.readAllBytes(dir.resolve("stat")), StandardCharsets.ISO_8859_1);
                    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
                    boolean zombie = fields[0].equals("Z") || fields[0].equals("X");
                    if (!zombie && (Long.parseLong(fields[2]) == of.group() || Long.parseLong(fields[3]) == of.session())) {
                        found.add(Long.parseLong(name));
                    }
                } catch (IOException e) {
                    // gone meanwhile
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read /proc", e);
        }
        return found;
    }

    /**
     * Kills the process group and every process of the session with SIGKILL, again until none is left (at most
     * 30 s): the clean-up of tests whose command forks without end.
     */
    public static void killGroupAndSession(GroupAndSession of) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        List<Long> left = inGroupOrSession(of);
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                new ProcessBuilder("kill", "-s", "KILL", "--", "-" + of.group()).start().waitFor();
            } catch (IOException | InterruptedException e) {
                // the group is gone; the pids below remain
            }
            for (long pid : left) {
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            left = inGroupOrSession(of);
        }
    }

    /** A process group id and a session id. */
    public record GroupAndSession(long group, long session) {}

    /** Kills the processes with the marker and waits (up to 10 s) until they are gone. */
    public static void killMarked(String marker) {
        for (String p : withMarker(marker)) {
            ProcessHandle.of(Long.parseLong(p.substring(0, p.indexOf(' ')))).ifPresent(ProcessHandle::destroyForcibly);
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!withMarker(marker).isEmpty() && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}

package dev.cmdimage.core.internal.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads Linux's {@code /proc} to find the processes of a session or process group, including those that were
 * re-parented to init after their parent exited (which {@link ProcessHandle#descendants()} cannot see).
 */
final class ProcFs {
    private static final Path PROC = Paths.get("/proc");
    private static final boolean AVAILABLE = Files.isReadable(PROC.resolve("self/stat"));

    private ProcFs() {}

    /** Whether {@code /proc} can be read here (Linux). */
    static boolean available() {
        return AVAILABLE;
    }

    /**
     * The live (not zombie) processes whose session id is {@code sid} or whose process group is {@code sid}.
     * Never includes this JVM. Empty when {@code /proc} is not available.
     */
    static List<Long> membersOfSession(long sid) {
        List<Long> pids = new ArrayList<>();
        if (!AVAILABLE) {
            return pids;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0))) {
                    continue;
                }
                long pid;
                try {
                    pid = Long.parseLong(name);
                } catch (NumberFormatException e) {
                    continue;
                }
                if (pid == self) {
                    continue;
                }
                Stat stat = stat(pid);
                if (stat != null && stat.state != 'Z' && stat.state != 'X'
                        && (stat.session == sid || stat.pgrp == sid)) {
                    pids.add(pid);
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc vanished or is unreadable: fall back to what ProcessHandle sees
        }
        return pids;
    }

    /** The parsed fields of {@code /proc/<pid>/stat} we need, or {@code null} when the process is gone. */
    static Stat stat(long pid) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(PROC.resolve(Long.toString(pid)).resolve("stat"));
        } catch (IOException | RuntimeException e) {
            return null;
        }
        String s = new String(bytes, StandardCharsets.ISO_8859_1);
        // "pid (comm) state ppid pgrp session ..."; comm may contain spaces and parentheses
        int close = s.lastIndexOf(')');
        if (close < 0 || close + 2 >= s.length()) {
            return null;
        }
        String[] f = s.substring(close + 2).split(" ", 6);
        if (f.length < 5) {
            return null;
        }
        try {
            return new Stat(f[0].charAt(0), Long.parseLong(f[1]), Long.parseLong(f[2]), Long.parseLong(f[3]));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** Whether the process exists and is not a zombie. */
    static boolean alive(long pid) {
        Stat stat = stat(pid);
        return stat != null && stat.state != 'Z' && stat.state != 'X';
    }

    /**
     * The inodes of the pipes on {@code pid}'s stdout and stderr (e.g. {@code pipe:[1234]}), read right after start
     * so that processes holding them later can be found even when they left the session. Empty when unknown.
     */
    static List<String> outputPipes(long pid) {
        List<String> pipes = new ArrayList<>();
        if (!AVAILABLE) {
            return pipes;
        }
        for (int fd = 1; fd <= 2; fd++) {
            try {
                String target = Files.readSymbolicLink(PROC.resolve(pid + "/fd/" + fd)).toString();
                if (target.startsWith("pipe:[")) {
                    pipes.add(target);
                }
            } catch (IOException | RuntimeException e) {
                // the process is gone already or the fd was redirected: nothing to remember
            }
        }
        return pipes;
    }

    /** The processes (other than this JVM) that hold any of {@code pipes} open, e.g. escaped daemons. */
    static List<Long> holdersOf(List<String> pipes) {
        List<Long> pids = new ArrayList<>();
        if (!AVAILABLE || pipes.isEmpty()) {
            return pids;
        }
        long self = ProcessHandle.current().pid();
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(PROC)) {
            for (Path dir : dirs) {
                String name = dir.getFileName().toString();
                if (name.isEmpty() || !Character.isDigit(name.charAt(0)) || name.equals(Long.toString(self))) {
                    continue;
                }
                if (holdsAny(dir.resolve("fd"), pipes)) {
                    try {
                        pids.add(Long.parseLong(name));
                    } catch (NumberFormatException e) {
                        // not a process directory
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            // /proc unreadable: nothing found
        }
        return pids;
    }

    private static boolean holdsAny(Path fdDir, List<String> pipes) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(fdDir)) {
            for (Path fd : fds) {
                try {
                    if (pipes.contains(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException | RuntimeException e) {
                    // fd closed meanwhile
                }
            }
        } catch (IOException | RuntimeException e) {
            // process gone or not ours
        }
        return false;
    }

    /** A few fields of {@code /proc/<pid>/stat}. */
    static final class Stat {
        final char state;
        final long ppid;
        final long pgrp;
        final long session;

        Stat(char state, long ppid, long pgrp, long session) {
            this.state = state;
            this.ppid = ppid;
            this.pgrp = pgrp;
            this.session = session;
        }
    }
}

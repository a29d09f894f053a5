package dev.cmdimage.core.internal.process;

import java.io.BufferedInputStream;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts commands under the {@link Supervisor} without starting perl for each: one long-lived perl process (the
 * server, {@code supervisor.pl -server}) forks the supervisors, which then run exactly as ones the JVM started would
 * (a session of their own, the reaper of the command's orphans, the tree ended when the command exits, when asked, or
 * when their stdin from this JVM ends). Starting perl is most of what a supervised command costs beyond
 * {@link ProcessBuilder}; here a command only waits for a write to a supervisor that is already there.
 *
 * <p>The server keeps one spare supervisor ready, its stdin, stdout and stderr pipes that this JVM opens through
 * {@code /proc/<pid>/fd} (the spare is its descendant). A command goes to the spare (which acknowledges it), and the
 * server forks the next one while the command runs. The server reports each supervisor's exit status; one thread
 * per server reads its reports. A spare that gets no command for 5 s ends, and the server ends with its last
 * supervisor (a new one starts with the next command); both also end on {@link #close()} and with this JVM: each
 * supervisor's stdin, and the server's, is a pipe from this JVM alone.
 */
public final class SupervisorServer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(SupervisorServer.class);
    /** The longest wait for the server to make a spare supervisor. */
    private static final Duration SPAWN_BOUND = Duration.ofSeconds(8);
    private static final Duration CLOSE_BOUND = Duration.ofSeconds(2);

    private final Supervisor supervisor;
    private final Charset charset;
    private Server server;
    private boolean closed;

    /** A server of {@code supervisor}'s script, started on the first command. */
    public SupervisorServer(Supervisor supervisor) {
        this.supervisor = supervisor;
        String jnu = System.getProperty("sun.jnu.encoding");
        this.charset = jnu != null && Charset.isSupported(jnu) ? Charset.forName(jnu) : Charset.defaultCharset();
    }

    /**
     * Starts {@code command} (its program already resolved) in {@code directory} with exactly {@code environment},
     * under a supervisor of the server; SIGTERM to SIGKILL takes {@code grace} when the tree is ended.
     *
     * @throws IOException when the server cannot run here or has no supervisor to give (nothing runs then)
     */
    public synchronized Process start(List<String> command, Path directory, Map<String, String> environment,
            Duration grace) throws IOException {
        if (closed) {
            throw new IOException("the supervisor server is closed");
        }
        byte[] request = request(command, directory, environment, grace);
        for (int attempt = 1; ; attempt++) {
            if (server == null || server.ended) {
                server = new Server(supervisor);
            }
            try {
                return server.run(request);
            } catch (SpareGone e) {
                // it went idle (or was killed) just then: the next spare takes the command
                if (attempt == 3) {
                    throw new IOException("the spare supervisors of the server are gone, " + e.getMessage());
                }
            } catch (IOException e) {
                // the server went idle and ended just then: a new one takes the command
                if (!server.ended || attempt == 3) {
                    throw e;
                }
            }
        }
    }

    /**
     * Ends the server and its spare supervisor (their stdin ends) and waits a little for the server; the supervisors
     * of commands still running go on until their commands end.
     */
    @Override
    public synchronized void close() {
        closed = true;
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The pid of the server process running now, or -1 (for tests and diagnostics). */
    public synchronized long pid() {
        return server != null && !server.ended ? server.process.pid() : -1;
    }

    /** {@code <length>\n} and the NUL-separated fields the spare reads (see supervisor.pl). */
    private byte[] request(List<String> command, Path directory, Map<String, String> environment, Duration grace)
            throws IOException {
        List<String> fields = new ArrayList<>(3 + environment.size() + command.size());
        fields.add(Long.toString(grace.toMillis()));
        fields.add(directory.toAbsolutePath().toString());
        fields.add(Integer.toString(environment.size()));
        environment.forEach((name, value) -> fields.add(name + "=" + value));
        fields.addAll(command);
        for (String field : fields) {
            if (field.indexOf('\0') >= 0) {
                throw new IOException("a NUL character in the command, directory or environment");
            }
        }
        byte[] body = String.join("\0", fields).getBytes(charset);
        byte[] head = (body.length + "\n").getBytes(StandardCharsets.US_ASCII);
        byte[] request = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, request, head.length, body.length);
        return request;
    }

    /** The spare supervisor died before it got its command. */
    private static final class SpareGone extends Exception {
        SpareGone(String message) {
            super(message, null, false, false);
        }
    }

    /** A spare supervisor, its pipes open here. */
    private record Spare(ProcessHandle handle, OutputStream control, InputStream stdout, InputStream stderr,
            CompletableFuture<Integer> exit) {
        void discard() {
            closeQuietly(control);
            closeQuietly(stdout);
            closeQuietly(stderr);
        }
    }

    /** One running server process and the thread reading its reports. */
    private static final class Server {
        private static final byte[] NEXT = {'s', '\n'};
        private final Process process;
        private final OutputStream requests;
        private final Thread reader;
        private final Map<Long, CompletableFuture<Integer>> exits = new ConcurrentHashMap<>();
        private final AtomicBoolean serverGone = new AtomicBoolean();
        /** The spare being made, or ready. */
        private volatile CompletableFuture<Spare> spare = new CompletableFuture<>();
        volatile boolean ended;

        Server(Supervisor supervisor) throws IOException {
            ProcessBuilder builder = new ProcessBuilder(supervisor.serverArgv()).directory(new java.io.File("/"))
                    .redirectError(ProcessBuilder.Redirect.DISCARD);
            builder.environment().clear();
            builder.environment().put("PERL_BADLANG", "0");
            this.process = ProcessStarts.start(builder);
            this.requests = process.getOutputStream();
            BufferedReader reports = new BufferedReader(new InputStreamReader(process.getInputStream(),
                    StandardCharsets.UTF_8));
            this.reader = new Thread(() -> read(reports), "cmdimage-supervisor-server-" + process.pid());
            reader.setDaemon(true);
            reader.setContextClassLoader(null);
            reader.start();
            LOG.debug("started the supervisor server, pid {}", process.pid());
        }

        /** Gives {@code request} to the spare and asks for the next one. */
        Process run(byte[] request) throws IOException, SpareGone {
            Spare s;
            try {
                s = spare.get(SPAWN_BOUND.toMillis(), TimeUnit.MILLISECONDS);
            } catch (ExecutionException e) {
                throw new IOException(e.getCause().getMessage(), e.getCause());
            } catch (TimeoutException e) {
                ended = true;
                process.destroyForcibly();
                throw new IOException("the supervisor server made no supervisor within " + SPAWN_BOUND.toSeconds()
                        + "s");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while waiting for a supervisor");
            }
            spare = new CompletableFuture<>();
            try {
                requests.write(NEXT);
                requests.flush();
            } catch (IOException e) {
                spare.completeExceptionally(new IOException("the supervisor server is gone: " + e.getMessage()));
            }
            try {
                s.control().write(request);
                s.control().flush();
                // the spare's acknowledgement: it went idle and ended instead when the stream ends here
                if (s.stdout().read() != 'a') {
                    throw new IOException("it ended without taking the command");
                }
            } catch (IOException e) {
                s.discard();
                throw new SpareGone("pid " + s.handle().pid() + ": " + e.getMessage());
            }
            return new ServedProcess(s.handle(), s.control(), s.stdout(), s.stderr(), s.exit(), serverGone);
        }

        /** Opens the pipes of spare {@code pid} and lets it know. */
        private Spare open(long pid) throws IOException {
            CompletableFuture<Integer> exit = new CompletableFuture<>();
            exits.put(pid, exit);
            ProcessHandle handle = ProcessHandle.of(pid).orElse(null);
            InputStream stdout = null;
            InputStream stderr = null;
            OutputStream control = null;
            try {
                if (handle == null) {
                    throw new IOException("it is gone");
                }
                String fd = "/proc/" + pid + "/fd/";
                // buffered as the JDK's own process streams are (FileInputStream.readAllBytes would try to seek)
                stdout = new BufferedInputStream(new FileInputStream(fd + "1"));
                stderr = new BufferedInputStream(new FileInputStream(fd + "2"));
                control = new FileOutputStream(fd + "0");
                control.write('o');
                control.flush();
                return new Spare(handle, control, stdout, stderr, exit);
            } catch (IOException e) {
                closeQuietly(stdout);
                closeQuietly(stderr);
                closeQuietly(control);
                if (handle != null) {
                    handle.destroyForcibly();
                }
                throw new IOException("cannot open the pipes of supervisor " + pid + " in /proc: " + e.getMessage(),
                        e);
            }
        }

        private void read(BufferedReader reports) {
            try (reports) {
                String line;
                while ((line = reports.readLine()) != null) {
                    report(line);
                }
            } catch (IOException e) {
                LOG.debug("reading the supervisor server's reports failed: {}", e.toString());
            } finally {
                ended = true;
                spare.completeExceptionally(new IOException("the supervisor server exited"));
                spare.thenAccept(Spare::discard);
                orphaned();
                try {
                    process.waitFor(CLOSE_BOUND.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                LOG.debug("the supervisor server, pid {}, ended", process.pid());
            }
        }

        private void report(String line) {
            if (line.startsWith("p ")) {
                long pid = Long.parseLong(line.substring(2).trim());
                try {
                    spare.complete(open(pid));
                } catch (IOException e) {
                    spare.completeExceptionally(e);
                }
            } else if (line.startsWith("e ")) {
                spare.completeExceptionally(new IOException("the supervisor server could not make a supervisor: "
                        + line.substring(2)));
            } else if (line.startsWith("x ")) {
                String[] parts = line.split(" ");
                CompletableFuture<Integer> exit = exits.remove(Long.parseLong(parts[1]));
                if (exit != null) {
                    exit.complete(Integer.parseInt(parts[2]));
                }
            } else {
                LOG.debug("the supervisor server said something unknown: {}", line);
            }
        }

        /**
         * The server is gone, so nobody reports the exits of the supervisors still running (it was killed): each
         * {@link ServedProcess} then watches its own process and counts as ended with status -1 once it is gone.
         */
        private void orphaned() {
            serverGone.set(true);
            exits.forEach((pid, exit) -> {
                if (ProcessHandle.of(pid).map(h -> !h.isAlive()).orElse(true)) {
                    exit.complete(-1);
                }
            });
        }

        void close() {
            closeQuietly(requests);
            spare.thenAccept(Spare::discard);
            try {
                reader.join(CLOSE_BOUND.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (process.isAlive()) {
                LOG.debug("the supervisor server, pid {}, does not exit; killing it", process.pid());
                process.destroyForcibly();
            }
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        if (c != null) {
            try {
                c.close();
            } catch (Exception ignored) {
                // nothing to do
            }
        }
    }
}

package dev.cmdimage.core.internal.credentials;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.spi.RegistryCredentials;
import dev.cmdimage.core.internal.process.ProcessStarts;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs {@code docker-credential-<name> get} the way the Docker CLI does: the server URL on stdin, a JSON object
 * {@code {"ServerURL", "Username", "Secret"}} on stdout. Bounded in time and in output; never prints the secret.
 */
public final class CredentialHelper {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int MAX_OUTPUT = 64 * 1024;
    /** How long a killed helper may take to be gone. */
    private static final Duration KILL_WAIT = Duration.ofSeconds(5);
    /** The user name helpers return for an identity token. */
    private static final String TOKEN_USERNAME = "<token>";

    private final String name;
    private final Map<String, String> environment;
    private final Duration timeout;

    /**
     * @param name        the helper's suffix, e.g. {@code pass} for {@code docker-credential-pass}
     * @param environment the environment to find it in (PATH) and run it with
     * @param timeout     how long it may take
     */
    public CredentialHelper(String name, Map<String, String> environment, Duration timeout) {
        this.name = name;
        this.environment = Map.copyOf(environment);
        this.timeout = timeout;
    }

    /** The program's name, {@code docker-credential-<name>}. */
    public String program() {
        return "docker-credential-" + name;
    }

    /** Finds the program on the environment's PATH. */
    public Optional<Path> locate() {
        String path = environment.getOrDefault("PATH", "");
        boolean windows = System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String candidate : windows ? List.of(program() + ".exe", program() + ".cmd", program())
                    : List.of(program())) {
                Path p = Path.of(dir, candidate);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        return Optional.empty();
    }

    /**
     * Asks the helper for {@code serverUrl}'s credentials.
     *
     * @param why what the helper was configured by, for messages (e.g. {@code credHelpers in /x/config.json})
     * @return the credentials, or empty when the helper has none for that server
     * @throws CredentialsException when the helper is not on the PATH, fails, hangs, or answers nonsense
     */
    public Optional<RegistryCredentials> get(String serverUrl, String why) throws CredentialsException {
        Path exe = locate().orElseThrow(() -> new CredentialsException("The credential helper " + program()
                + " (" + why + ") is not on the PATH, so there are no credentials for " + serverUrl
                + "; install it or remove it from the Docker config"));
        ProcessBuilder pb = new ProcessBuilder(exe.toString(), "get");
        pb.environment().clear();
        pb.environment().putAll(environment);
        Process p;
        try {
            p = ProcessStarts.start(pb); // no context loader for the JDK 17 reaper thread
        } catch (IOException e) {
            throw new CredentialsException("Cannot run the credential helper " + exe + ": " + e.getMessage(), e);
        }
        Reader out = new Reader(p.getInputStream());
        Reader err = new Reader(p.getErrorStream());
        out.start();
        err.start();
        try {
            try (OutputStream stdin = p.getOutputStream()) {
                stdin.write(serverUrl.getBytes(StandardCharsets.UTF_8));
            } catch (IOException ignored) {
                // the helper may exit without reading stdin; its exit status tells
            }
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                kill(p);
                throw new CredentialsException("The credential helper " + program() + " did not answer for "
                        + serverUrl + " within " + timeout.toSeconds() + "s (" + why + ")");
            }
            out.join(2000);
            err.join(2000);
        } catch (InterruptedException e) {
            kill(p);
            Thread.currentThread().interrupt();
            throw new CredentialsException("Interrupted while running the credential helper " + program());
        }
        String stdout = out.text().trim();
        int exit = p.exitValue();
        if (exit != 0) {
            String said = firstLine(stdout.isEmpty() ? err.text().trim() : stdout);
            if (said.toLowerCase(Locale.ROOT).contains("credentials not found")) {
                return Optional.empty();
            }
            throw new CredentialsException("The credential helper " + program() + " failed for " + serverUrl
                    + " (exit status " + exit + ")" + (said.isEmpty() ? "" : ": " + said));
        }
        JsonNode json;
        try {
            json = MAPPER.readTree(stdout);
        } catch (JsonProcessingException e) {
            json = null;
        }
        if (json == null || !json.isObject() || !json.path("Secret").isTextual()) {
            throw new CredentialsException("The credential helper " + program() + " answered for " + serverUrl
                    + " without a JSON object holding \"Secret\"");
        }
        String username = json.path("Username").asText("");
        String secret = json.path("Secret").asText();
        if (TOKEN_USERNAME.equals(username)) {
            return Optional.of(new RegistryCredentials(username, secret, true));
        }
        return Optional.of(RegistryCredentials.basic(username, secret));
    }

    private static String firstLine(String s) {
        if (s.contains("Secret") || s.startsWith("{")) {
            // a failing helper that still printed its JSON answer: never repeat a secret in a message
            return "(an answer holding a JSON object, not shown)";
        }
        int nl = s.indexOf('\n');
        String line = (nl < 0 ? s : s.substring(0, nl)).trim();
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    /** Kills the helper and its children and waits (bounded) until they are gone, so none outlives the call. */
    private static void kill(Process p) {
        List<ProcessHandle> children = p.descendants().toList();
        children.forEach(ProcessHandle::destroyForcibly);
        p.destroyForcibly();
        long deadline = System.nanoTime() + KILL_WAIT.toNanos();
        boolean interrupted = false;
        for (CompletableFuture<?> exit : exits(p, children)) {
            long left = deadline - System.nanoTime();
            try {
                exit.get(Math.max(0, left), TimeUnit.NANOSECONDS);
            } catch (InterruptedException e) {
                interrupted = true;
            } catch (ExecutionException | TimeoutException e) {
                // SIGKILL cannot be ignored: only an unkillable (e.g. stuck in I/O) process gets here; go on
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }

    private static List<CompletableFuture<?>> exits(Process p, List<ProcessHandle> children) {
        List<CompletableFuture<?>> exits = new ArrayList<>();
        exits.add(p.onExit());
        children.forEach(child -> exits.add(child.onExit()));
        return exits;
    }

    /** Reads a stream to its end on a daemon thread, keeping at most {@link #MAX_OUTPUT} bytes. */
    private static final class Reader extends Thread {
        private final InputStream in;
        private final ByteArrayOutputStream buffer = new ByteArrayOutputStream();

        Reader(InputStream in) {
            super("cmdimage-credential-helper-reader");
            setDaemon(true);
            this.in = in;
        }

        @Override
        public void run() {
            byte[] chunk = new byte[8192];
            try (in) {
                int n;
                while ((n = in.read(chunk)) >= 0) {
                    synchronized (buffer) {
                        int room = MAX_OUTPUT - buffer.size();
                        if (room > 0) {
                            buffer.write(chunk, 0, Math.min(room, n));
                        }
                    }
                }
            } catch (IOException ignored) {
                // the process is gone; what was read is kept
            }
        }

        String text() {
            synchronized (buffer) {
                return buffer.toString(StandardCharsets.UTF_8);
            }
        }
    }

    @Override
    public String toString() {
        return "CredentialHelper[" + program() + "]";
    }

    /** Lists nothing secret: the helper's name and the PATH it is looked up in. */
    public List<String> searchPath() {
        List<String> dirs = new ArrayList<>();
        for (String d : environment.getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (!d.isEmpty()) {
                dirs.add(d);
            }
        }
        return dirs;
    }
}

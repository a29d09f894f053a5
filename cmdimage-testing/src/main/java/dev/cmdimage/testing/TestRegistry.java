package dev.cmdimage.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * An OCI distribution registry in this JVM, on a loopback port, over real HTTP: the part of the Registry HTTP API
 * v2 a push uses (blobs with {@code HEAD}, {@code POST}, {@code PATCH} and {@code PUT}; manifests {@code PUT},
 * {@code GET}, {@code HEAD}; {@code tags/list}), optionally behind Basic or Bearer (token) authentication, with
 * faults on demand: an error status, a dropped connection, request bodies read slowly. For tests that push for real
 * with no Docker; data lives in memory.
 *
 * <pre>{@code
 * try (TestRegistry registry = new TestRegistry().start()) {
 *     // push localhost refs such as registry.host() + "/app:v1" (plain HTTP: RegistryHttpPusher.plainHttpHosts)
 *     assertThat(registry.tags("app")).containsExactly("v1");
 *     assertThat(registry.manifest("app", "v1").orElseThrow().json()).contains("\"layers\"");
 * }
 * }</pre>
 *
 * Its threads ({@code test-registry-<port>}) end with {@link #close()}. Thread-safe.
 */
public final class TestRegistry implements AutoCloseable {
    private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
    private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/?");
    private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([0-9a-f-]{36})");
    private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
    private static final Pattern TAGS = Pattern.compile("/v2/(.+)/tags/list");
    private static final Pattern DIGEST = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    /** Which authentication the registry asks for. */
    private enum Auth {
        /** Anonymous access. */
        NONE,
        /** HTTP Basic with the configured user and password. */
        BASIC,
        /** Bearer tokens from the registry's own token endpoint ({@code /token}), which takes Basic credentials. */
        BEARER
    }

    private final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    private final Map<String, Manifest> manifests = new ConcurrentHashMap<>();
    private final Map<String, Set<String>> tags = new ConcurrentHashMap<>();
    private final Map<String, ByteArrayOutputStream> uploads = new ConcurrentHashMap<>();
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final List<Fault> faults = new ArrayList<>();
    private final String token = "test-registry-token-" + UUID.randomUUID();
    private volatile Auth auth = Auth.NONE;
    private volatile String user;
    private volatile String password;
    private volatile long bodyBytesPerSecond;
    private @Nullable HttpServer server;
    private @Nullable ExecutorService pool;

    /** A registry not started yet: anonymous, no faults. */
    public TestRegistry() {}

    /** Asks for HTTP Basic authentication with {@code user} and {@code password} (call before {@link #start()}). */
    public TestRegistry basicAuth(String user, String password) {
        return auth(Auth.BASIC, user, password);
    }

    /**
     * Asks for Bearer tokens, which its token endpoint ({@code http://<host>/token}) hands out for Basic credentials
     * {@code user} and {@code password} (call before {@link #start()}).
     */
    public TestRegistry bearerAuth(String user, String password) {
        return auth(Auth.BEARER, user, password);
    }

    private TestRegistry auth(Auth kind, String user, String password) {
        this.user = Objects.requireNonNull(user, "user");
        this.password = Objects.requireNonNull(password, "password");
        this.auth = kind;
        return this;
    }

    /**
     * Starts listening on a free loopback port.
     *
     * @throws UncheckedIOException when no port can be had
     */
    public synchronized TestRegistry start() {
        if (server != null) {
            throw new IllegalStateException("the registry is started already");
        }
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot listen on a loopback port", e);
        }
        String name = "test-registry-" + INSTANCES.incrementAndGet();
        pool = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
        return this;
    }

    /** {@code 127.0.0.1:<port>}: the domain of refs pushed here. */
    public synchronized String host() {
        if (server == null) {
            throw new IllegalStateException("the registry is not started");
        }
        InetSocketAddress a = server.getAddress();
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** The manifest {@code repository:reference} (a tag or a digest), when it was pushed. */
    public Optional<Manifest> manifest(String repository, String reference) {
        return Optional.ofNullable(manifests.get(repository + ":" + reference));
    }

    /** The tags of {@code repository}, sorted (empty when nothing was pushed there). */
    public List<String> tags(String repository) {
        Set<String> of = tags.get(repository);
        return of == null ? List.of() : List.copyOf(new TreeSet<>(of));
    }

    /** The blob {@code digest} ({@code sha256:...}), when it was uploaded. */
    public Optional<byte[]> blob(String digest) {
        byte[] b = blobs.get(digest);
        return b == null ? Optional.empty() : Optional.of(b.clone());
    }

    /** Every request, as {@code METHOD /path}, in order. */
    public List<String> requests() {
        return List.copyOf(requests);
    }

    /**
     * Answers the next request whose method is {@code method} and whose path contains {@code pathPart} with
     * {@code status} and a registry error body ({@code {"errors":[{"code":"TEST_FAULT","message":...}]}}).
     */
    public TestRegistry failNext(String method, String pathPart, int status) {
        return fault(new Fault(method, pathPart, status));
    }

    /** Closes the connection of the next matching request without answering (a dropped connection). */
    public TestRegistry dropNext(String method, String pathPart) {
        return fault(new Fault(method, pathPart, 0));
    }

    private synchronized TestRegistry fault(Fault f) {
        faults.add(f);
        return this;
    }

    /**
     * Reads every request body at most at {@code bytesPerSecond} (0, the default, for as fast as it comes): a slow
     * registry, for tests of upload timeouts and minimum rates.
     */
    public TestRegistry readBodiesAt(long bytesPerSecond) {
        if (bytesPerSecond < 0) {
            throw new IllegalArgumentException("bytesPerSecond must not be negative: " + bytesPerSecond);
        }
        this.bodyBytesPerSecond = bytesPerSecond;
        return this;
    }

    /** Stops listening and ends the registry's threads (within a second or so). Calling it again does nothing. */
    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
        if (pool != null) {
            pool.shutdownNow();
            try {
                pool.awaitTermination(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private synchronized @Nullable Fault takeFault(String method, String path) {
        for (Fault f : faults) {
            if (f.method.equalsIgnoreCase(method) && path.contains(f.pathPart)) {
                faults.remove(f);
                return f;
            }
        }
        return null;
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        requests.add(method + " " + path);
        try {
            if (path.equals("/token")) {
                try (ex) {
                    token(ex);
                }
                return;
            }
            if (!authorized(ex.getRequestHeaders().getFirst("Authorization"))) {
                try (ex) {
                    ex.getResponseHeaders().add("WWW-Authenticate", challenge(path));
                    error(ex, 401, "UNAUTHORIZED", "authentication required");
                }
                return;
            }
            Fault f = takeFault(method, path);
            if (f != null && f.status == 0) {
                ex.close(); // no response headers sent: the server closes the connection
                return;
            }
            try (ex) {
                if (f != null) {
                    body(ex);
                    error(ex, f.status, "TEST_FAULT", "fault injected by the test for " + method + " " + path);
                    return;
                }
                route(ex, method, path);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away, or close() interrupted a slow read
        }
    }

    private void route(HttpExchange ex, String method, String path) throws IOException {
        Matcher m;
        if (path.equals("/v2/") || path.equals("/v2")) {
            send(ex, 200, "{}".getBytes(StandardCharsets.UTF_8), "application/json");
        } else if ((m = BLOB.matcher(path)).matches() && (method.equals("HEAD") || method.equals("GET"))) {
            byte[] b = blobs.get(m.group(2));
            if (b == null) {
                error(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry");
                return;
            }
            ex.getResponseHeaders().add("Docker-Content-Digest", m.group(2));
            sendSized(ex, b, method.equals("HEAD"), "application/octet-stream");
        } else if (UPLOADS.matcher(path).matches() && method.equals("POST")) {
            body(ex);
            String id = UUID.randomUUID().toString();
            uploads.put(id, new ByteArrayOutputStream());
            ex.getResponseHeaders().add("Location", (path.endsWith("/") ? path : path + "/") + id);
            ex.getResponseHeaders().add("Range", "0-0");
            send(ex, 202, null, null);
        } else if ((m = UPLOAD.matcher(path)).matches() && method.equals("PATCH")) {
            ByteArrayOutputStream session = uploads.get(m.group(2));
            if (session == null) {
                error(ex, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
                return;
            }
            byte[] chunk = body(ex);
            int size;
            synchronized (session) {
                session.write(chunk);
                size = session.size();
            }
            ex.getResponseHeaders().add("Location", path);
            ex.getResponseHeaders().add("Range", "0-" + Math.max(0, size - 1));
            send(ex, 202, null, null);
        } else if ((m = UPLOAD.matcher(path)).matches() && method.equals("PUT")) {
            finishUpload(ex, m.group(1), m.group(2));
        } else if ((m = MANIFEST.matcher(path)).matches() && method.equals("PUT")) {
            putManifest(ex, m.group(1), m.group(2));
        } else if ((m = MANIFEST.matcher(path)).matches() && (method.equals("GET") || method.equals("HEAD"))) {
            Manifest manifest = manifests.get(m.group(1) + ":" + m.group(2));
            if (manifest == null) {
                error(ex, 404, "MANIFEST_UNKNOWN", "manifest unknown");
                return;
            }
            ex.getResponseHeaders().add("Docker-Content-Digest", manifest.digest());
            sendSized(ex, manifest.content(), method.equals("HEAD"), manifest.mediaType());
        } else if ((m = TAGS.matcher(path)).matches() && method.equals("GET")) {
            StringBuilder json = new StringBuilder("{\"name\":\"").append(m.group(1)).append("\",\"tags\":[");
            List<String> list = tags(m.group(1));
            for (int i = 0; i < list.size(); i++) {
                json.append(i == 0 ? "\"" : ",\"").append(list.get(i)).append('"');
            }
            send(ex, 200, json.append("]}").toString().getBytes(StandardCharsets.UTF_8), "application/json");
        } else {
            error(ex, 404, "NOT_FOUND", "no route for " + method + " " + path);
        }
    }

    private void finishUpload(HttpExchange ex, String repository, String id) throws IOException {
        ByteArrayOutputStream session = uploads.remove(id);
        if (session == null) {
            error(ex, 404, "BLOB_UPLOAD_UNKNOWN", "blob upload unknown to registry");
            return;
        }
        byte[] last = body(ex);
        String query = ex.getRequestURI().getQuery();
        String digest = query == null ? "" : query.replaceAll(".*(?:^|&)digest=([^&]+).*", "$1");
        byte[] content;
        synchronized (session) {
            session.write(last);
            content = session.toByteArray();
        }
        if (!DIGEST.matcher(digest).matches() || !OciTestImages.sha256(content).equals(digest)) {
            error(ex, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
            return;
        }
        blobs.put(digest, content);
        ex.getResponseHeaders().add("Location", "/v2/" + repository + "/blobs/" + digest);
        ex.getResponseHeaders().add("Docker-Content-Digest", digest);
        send(ex, 201, null, null);
    }

    private void putManifest(HttpExchange ex, String repository, String reference) throws IOException {
        byte[] content = body(ex);
        String digest = OciTestImages.sha256(content);
        if (reference.startsWith("sha256:") && !reference.equals(digest)) {
            error(ex, 400, "DIGEST_INVALID", "manifest digest did not match the reference");
            return;
        }
        String type = ex.getRequestHeaders().getFirst("Content-Type");
        Manifest manifest = new Manifest(type == null ? "" : type, digest, content);
        manifests.put(repository + ":" + digest, manifest);
        if (!reference.startsWith("sha256:")) {
            manifests.put(repository + ":" + reference, manifest);
            tags.computeIfAbsent(repository, r -> ConcurrentHashMap.newKeySet()).add(reference);
        }
        ex.getResponseHeaders().add("Location", "/v2/" + repository + "/manifests/" + digest);
        ex.getResponseHeaders().add("Docker-Content-Digest", digest);
        send(ex, 201, null, null);
    }

    private boolean authorized(@Nullable String authorization) {
        return switch (auth) {
            case NONE -> true;
            case BASIC -> basic().equals(authorization);
            case BEARER -> ("Bearer " + token).equals(authorization);
        };
    }

    private String basic() {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String challenge(String path) {
        if (auth == Auth.BASIC) {
            return "Basic realm=\"test-registry\"";
        }
        Matcher m = Pattern.compile("/v2/(.+)/(blobs|manifests|tags)/.*").matcher(path);
        String scope = m.matches() ? ",scope=\"repository:" + m.group(1) + ":pull,push\"" : "";
        return "Bearer realm=\"http://" + host() + "/token\",service=\"test-registry\"" + scope;
    }

    private void token(HttpExchange ex) throws IOException {
        body(ex);
        if (auth != Auth.BEARER || !basic().equals(ex.getRequestHeaders().getFirst("Authorization"))) {
            error(ex, 401, "UNAUTHORIZED", "bad credentials for the token service");
            return;
        }
        send(ex, 200, ("{\"token\":\"" + token + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8),
                "application/json");
    }

    /** The request body, read at most at the configured rate. */
    private byte[] body(HttpExchange ex) throws IOException {
        long rate = bodyBytesPerSecond;
        try (InputStream in = ex.getRequestBody()) {
            if (rate <= 0) {
                return in.readAllBytes();
            }
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            byte[] buf = new byte[(int) Math.max(1, Math.min(rate / 10, 8192))];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                Thread.sleep(Math.max(1, n * 1000L / rate));
            }
            return out.toByteArray();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("the registry is closing", e);
        }
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        String body = "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"detail\":null}]}";
        send(ex, status, ex.getRequestMethod().equals("HEAD") ? null : body.getBytes(StandardCharsets.UTF_8),
                "application/json");
    }

    private static void send(HttpExchange ex, int status, byte @Nullable [] body, @Nullable String type)
            throws IOException {
        if (type != null) {
            ex.getResponseHeaders().add("Content-Type", type);
        }
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }

    /** 200 with Content-Length; for HEAD, the length without the body. */
    private static void sendSized(HttpExchange ex, byte[] body, boolean head, String type) throws IOException {
        ex.getResponseHeaders().add("Content-Type", type);
        if (head) {
            ex.getResponseHeaders().add("Content-Length", Long.toString(body.length));
            ex.sendResponseHeaders(200, -1);
        } else {
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
        }
    }

    /**
     * A manifest as pushed.
     *
     * @param mediaType the {@code Content-Type} it was pushed with
     * @param digest    {@code sha256:} and the digest of its bytes
     * @param content   its bytes
     */
    public record Manifest(String mediaType, String digest, byte[] content) {
        /** Copies the content. */
        public Manifest {
            content = content.clone();
        }

        /** A copy of the bytes. */
        @Override
        public byte[] content() {
            return content.clone();
        }

        /** The bytes as UTF-8 text (manifests are JSON). */
        public String json() {
            return new String(content, StandardCharsets.UTF_8);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Manifest m && m.mediaType.equals(mediaType) && m.digest.equals(digest);
        }

        @Override
        public int hashCode() {
            return digest.hashCode();
        }

        @Override
        public String toString() {
            return "Manifest[" + mediaType + ", " + digest + ", " + content.length + " bytes]";
        }
    }

    private record Fault(String method, String pathPart, int status) {}
}

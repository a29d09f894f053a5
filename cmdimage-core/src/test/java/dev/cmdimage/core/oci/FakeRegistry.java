package dev.cmdimage.core.oci;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.Base64;
import java.util.Collections;
import java.util.Deque;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A small in-memory registry speaking the parts of the Registry HTTP API v2 a push uses, with switchable
 * authentication (none, Basic, Bearer with its own token endpoint) and injectable faults. For unit tests of the
 * HTTP pusher; the real registry is exercised by the *IT tests.
 */
final class FakeRegistry implements AutoCloseable {
    enum Auth { NONE, BASIC, BEARER }

    static final String USER = "alice";
    static final String PASSWORD = "s3cret-Pa55word";
    static final String TOKEN = "tok-" + UUID.randomUUID();
    /** In a fault's message: replaced by the faulted request's Authorization header. */
    static final String ECHO_AUTHORIZATION = "$AUTHORIZATION";

    private static final Pattern BLOB = Pattern.compile("/v2/(.+)/blobs/(sha256:[0-9a-f]{64})");
    private static final Pattern UPLOADS = Pattern.compile("/v2/(.+)/blobs/uploads/");
    private static final Pattern UPLOAD = Pattern.compile("/v2/(.+)/blobs/uploads/([0-9a-f-]+)");
    private static final Pattern MANIFEST = Pattern.compile("/v2/(.+)/manifests/([^/]+)");
    private static final Pattern STORAGE = Pattern.compile("/storage/(sha256:[0-9a-f]{64})");

    final HttpServer server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-registry");
        t.setDaemon(true);
        return t;
    });
    final Map<String, byte[]> blobs = new ConcurrentHashMap<>();
    final Map<String, String> manifestTypes = new ConcurrentHashMap<>();
    final Map<String, byte[]> manifests = new ConcurrentHashMap<>();
    final List<String> log = new CopyOnWriteArrayList<>();
    final List<String> authorizations = new CopyOnWriteArrayList<>();
    final List<String> tokenRequests = new CopyOnWriteArrayList<>();
    private final Deque<Fault> faults = new ArrayDeque<>();
    volatile Auth auth = Auth.NONE;
    volatile String tokenRealmOverride;
    /** When set, the scope every Bearer challenge names. */
    volatile String challengeScopeOverride;
    /** When set, every blob {@code HEAD} is answered 307 to {@code /storage/<digest>} (200 when held, else 404). */
    volatile boolean redirectBlobHeads;
    volatile CountDownLatch hang;
    final CountDownLatch hanging = new CountDownLatch(1);

    FakeRegistry() throws IOException {
        this(InetAddress.getLoopbackAddress());
    }

    FakeRegistry(InetAddress address) throws IOException {
        server = HttpServer.create(new InetSocketAddress(address, 0), 0);
        server.setExecutor(pool);
        server.createContext("/", this::handle);
        server.start();
    }

    /** {@code 127.0.0.1:<port>}. */
    String domain() {
        return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
    }

    /** Answers the next request matching {@code when} with {@code status} (and an error body). */
    synchronized void failNext(Predicate<String> when, int status, String code, String message) {
        faults.add(new Fault(when, status, code, message));
    }

    long count(String prefix) {
        return log.stream().filter(l -> l.startsWith(prefix)).count();
    }

    private synchronized Fault takeFault(String request) {
        for (Fault f : faults) {
            if (f.when.test(request)) {
                faults.remove(f);
                return f;
            }
        }
        return null;
    }

    private void handle(HttpExchange ex) throws IOException {
        try (ex) {
            String method = ex.getRequestMethod();
            String path = ex.getRequestURI().getPath();
            String request = method + " " + path;
            log.add(request);
            if (path.equals("/token")) {
                token(ex);
                return;
            }
            Matcher stored = STORAGE.matcher(path);
            if (stored.matches()) {
                // a blob store the registry redirects to, like S3 behind a registry
                byte[] b = blobs.get(stored.group(1));
                send(ex, b == null ? 404 : 200, null, null);
                return;
            }
            String authz = ex.getRequestHeaders().getFirst("Authorization");
            authorizations.add(authz == null ? "" : authz);
            if (!authorized(authz)) {
                ex.getResponseHeaders().add("WWW-Authenticate", challenge(path));
                error(ex, 401, "UNAUTHORIZED", "authentication required");
                return;
            }
            Fault f = takeFault(request);
            if (f != null) {
                drain(ex);
                // a careless registry may echo the request's Authorization header in its error
                error(ex, f.status, f.code, f.message.replace(ECHO_AUTHORIZATION, String.valueOf(authz)));
                return;
            }
            CountDownLatch h = hang;
            if (h != null && method.equals("PUT") && UPLOAD.matcher(path).matches()) {
                hanging.countDown();
                try {
                    h.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            Matcher m;
            if (path.equals("/v2/") || path.equals("/v2")) {
                send(ex, 200, "{}".getBytes(StandardCharsets.UTF_8), null);
            } else if ((m = BLOB.matcher(path)).matches() && (method.equals("HEAD") || method.equals("GET"))) {
                byte[] b = blobs.get(m.group(2));
                if (redirectBlobHeads && method.equals("HEAD")) {
                    ex.getResponseHeaders().add("Location", "http://" + domain() + "/storage/" + m.group(2));
                    send(ex, 307, null, null);
                } else if (b == null) {
                    error(ex, 404, "BLOB_UNKNOWN", "blob unknown to registry");
                } else {
                    ex.getResponseHeaders().add("Docker-Content-Digest", m.group(2));
                    send(ex, 200, method.equals("HEAD") ? null : b, b.length);
                }
            } else if (UPLOADS.matcher(path).matches() && method.equals("POST")) {
                drain(ex);
                String id = UUID.randomUUID().toString();
                ex.getResponseHeaders().add("Location", path + id + "?_state=opaque-" + id);
                send(ex, 202, null, null);
            } else if ((m = UPLOAD.matcher(path)).matches() && method.equals("PUT")) {
                String query = ex.getRequestURI().getQuery();
                String digest = query == null ? "" : query.replaceAll(".*digest=([^&]+).*", "$1");
                MessageDigest md = sha();
                byte[] body = ex.getRequestBody().readAllBytes();
                md.update(body);
                String actual = "sha256:" + HexFormat.of().formatHex(md.digest());
                if (!actual.equals(digest)) {
                    error(ex, 400, "DIGEST_INVALID", "provided digest did not match uploaded content");
                    return;
                }
                blobs.put(digest, body);
                ex.getResponseHeaders().add("Docker-Content-Digest", digest);
                send(ex, 201, null, null);
            } else if ((m = MANIFEST.matcher(path)).matches() && method.equals("PUT")) {
                byte[] body = ex.getRequestBody().readAllBytes();
                MessageDigest md = sha();
                md.update(body);
                String digest = "sha256:" + HexFormat.of().formatHex(md.digest());
                String key = m.group(1) + ":" + m.group(2);
                manifests.put(key, body);
                manifests.put(m.group(1) + "@" + digest, body);
                manifestTypes.put(key, String.valueOf(ex.getRequestHeaders().getFirst("Content-Type")));
                ex.getResponseHeaders().add("Docker-Content-Digest", digest);
                send(ex, 201, null, null);
            } else {
                error(ex, 404, "NOT_FOUND", "no route for " + request);
            }
        } catch (IOException | RuntimeException e) {
            // the client went away
        }
    }

    private boolean authorized(String authz) {
        switch (auth) {
            case BASIC:
                return ("Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                        .getBytes(StandardCharsets.UTF_8))).equals(authz);
            case BEARER:
                return ("Bearer " + TOKEN).equals(authz);
            default:
                return true;
        }
    }

    private String challenge(String path) {
        if (auth == Auth.BASIC) {
            return "Basic realm=\"fake\"";
        }
        String realm = tokenRealmOverride != null ? tokenRealmOverride : "http://" + domain() + "/token";
        Matcher m = Pattern.compile("/v2/(.+)/(blobs|manifests)/.*").matcher(path);
        String scope = m.matches() ? ",scope=\"repository:" + m.group(1) + ":pull,push\"" : "";
        if (challengeScopeOverride != null) {
            scope = ",scope=\"" + challengeScopeOverride + "\"";
        }
        return "Bearer realm=\"" + realm + "\",service=\"fake-registry\"" + scope;
    }

    private void token(HttpExchange ex) throws IOException {
        if (ex.getRequestMethod().equals("POST")) {
            // OAuth2 refresh-token grant, as used with an identity token from a credential helper
            String form = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            tokenRequests.add(form.replace(PASSWORD, "<the identity token>") + " auth=oauth");
            if (form.contains("grant_type=refresh_token") && form.contains("refresh_token=" + PASSWORD)) {
                send(ex, 200, ("{\"access_token\":\"" + TOKEN + "\",\"expires_in\":300}")
                        .getBytes(StandardCharsets.UTF_8), null);
            } else {
                error(ex, 401, "UNAUTHORIZED", "bad identity token");
            }
            return;
        }
        String authz = ex.getRequestHeaders().getFirst("Authorization");
        tokenRequests.add(ex.getRequestURI().getRawQuery() + " auth=" + (authz == null ? "none" : "basic"));
        String expected = "Basic " + Base64.getEncoder().encodeToString((USER + ":" + PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        if (!expected.equals(authz)) {
            error(ex, 401, "UNAUTHORIZED", "bad credentials for the token service");
            return;
        }
        send(ex, 200, ("{\"token\":\"" + TOKEN + "\",\"expires_in\":300}").getBytes(StandardCharsets.UTF_8), null);
    }

    private static void drain(HttpExchange ex) throws IOException {
        try (InputStream in = ex.getRequestBody()) {
            in.transferTo(OutputStream.nullOutputStream());
        }
    }

    private static void error(HttpExchange ex, int status, String code, String message) throws IOException {
        String body = "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"detail\":null}]}";
        ex.getResponseHeaders().add("Content-Type", "application/json");
        send(ex, status, ex.getRequestMethod().equals("HEAD") ? null : body.getBytes(StandardCharsets.UTF_8), null);
    }

    private static void send(HttpExchange ex, int status, byte[] body, Integer headLength) throws IOException {
        if (body == null) {
            ex.sendResponseHeaders(status, -1);
        } else {
            ex.sendResponseHeaders(status, body.length);
            ex.getResponseBody().write(body);
        }
    }

    private static MessageDigest sha() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    List<String> logSnapshot() {
        return Collections.unmodifiableList(List.copyOf(log));
    }

    @Override
    public void close() {
        CountDownLatch h = hang;
        if (h != null) {
            h.countDown();
        }
        server.stop(0);
        pool.shutdownNow();
    }

    private record Fault(Predicate<String> when, int status, String code, String message) {}
}

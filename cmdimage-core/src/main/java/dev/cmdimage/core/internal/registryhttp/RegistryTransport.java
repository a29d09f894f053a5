package dev.cmdimage.core.internal.registryhttp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.internal.oci.JsonTree;
import dev.cmdimage.spi.Cancellation;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HTTP for one push to one registry: the scheme (HTTPS, or plain HTTP where allowed), one exchange at a time
 * ({@link RegistryExchange}; connections kept per origin until {@link #close()}, a blob's upload on one of its own)
 * with cancellation and a time bound, retries with backoff of 5xx/408/429 answers and broken connections, bounded
 * reading of error bodies, and the sentences for what went wrong on the wire. It knows nothing of credentials: the
 * {@link Authorization} passed to {@link #send} adds them and takes up challenges.
 */
public final class RegistryTransport {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    /** What a request needs from authentication. */
    public interface Authorization {
        /** The {@code Authorization} header for a request to {@code uri}, if any. */
        Optional<String> header(URI uri) throws PushException;

        /** Takes up a 401's challenge; whether trying again can help. */
        boolean takeChallenge(HttpResponse<?> r) throws PushException;
    }

    private final HttpConnector http;
    private final PushSettings settings;
    private final Map<String, String> schemes;
    private final String registry;
    private final String apiHost;
    private final Cancellation cancellation;
    private final PushFailures failures;
    private final RegistryTrust.Material tls;

    /** Connections kept for the next request, by origin. */
    private final Map<String, RegistryConnection> idle = new HashMap<>();

    private URI base;
    private String scheme;
    private boolean probeAnswered200;

    /**
     * @param schemes  the scheme found per API host, shared between pushes
     * @param registry the registry domain as in the ref ({@code docker.io}, {@code 127.0.0.1:5000})
     * @param apiHost  where its API is ({@code registry-1.docker.io} for {@code docker.io}, else the same)
     */
    public RegistryTransport(HttpConnector http, PushSettings settings, Map<String, String> schemes, String registry,
            String apiHost, Cancellation cancellation, PushFailures failures) {
        this(http, settings, schemes, registry, apiHost, cancellation, failures, RegistryTrust.Material.NONE);
    }

    /**
     * @param schemes  the scheme found per API host, shared between pushes
     * @param registry the registry domain as in the ref ({@code docker.io}, {@code 127.0.0.1:5000})
     * @param apiHost  where its API is ({@code registry-1.docker.io} for {@code docker.io}, else the same)
     * @param tls      the CA certificates and client certificates {@code http} was made with, for the messages
     */
    public RegistryTransport(HttpConnector http, PushSettings settings, Map<String, String> schemes, String registry,
            String apiHost, Cancellation cancellation, PushFailures failures, RegistryTrust.Material tls) {
        this.tls = tls;
        this.http = http;
        this.settings = settings;
        this.schemes = schemes;
        this.registry = registry;
        this.apiHost = apiHost;
        this.cancellation = cancellation;
        this.failures = failures;
    }

    /** The base URI once {@link #chooseScheme()} ran, e.g. {@code http://127.0.0.1:5000}. */
    public URI base() {
        return base;
    }

    /** The settings of the push. */
    public PushSettings settings() {
        return settings;
    }

    /**
     * Chooses the scheme. HTTPS is the rule. A registry allowed plain HTTP (loopback, or listed) is asked over plain
     * HTTP first, without credentials; when it answers like a TLS server (HTTP 400, or a dropped connection) HTTPS
     * is used. Credentials thus travel in plain text only to a registry that speaks plain HTTP and is allowed to. A
     * registry that accepts the connection and then says nothing fails here: it did not answer, whatever the scheme.
     */
    public void chooseScheme() throws PushException {
        scheme = schemes.get(apiHost);
        if (scheme == null) {
            scheme = "https";
            if (settings.allowsPlainHttp(registry)) {
                scheme = "http";
                Duration probeTimeout = settings.requestTimeout().compareTo(PROBE_TIMEOUT) < 0
                        ? settings.requestTimeout() : PROBE_TIMEOUT;
                try {
                    HttpResponse<InputStream> probe = exchange("GET", URI.create("http://" + apiHost + "/v2/"),
                            Map.of(), null, probeTimeout, "GET /v2/");
                    close(probe);
                    if (probe.statusCode() == 400) {
                        scheme = "https";
                    }
                    probeAnswered200 = probe.statusCode() == 200;
                } catch (ConnectException | HttpConnectTimeoutException e) {
                    LOG.debug("{} does not accept connections ({}); the requests will say so", apiHost, e.toString());
                } catch (HttpTimeoutException e) {
                    throw failures.fail(silence("http", probeTimeout, "GET /v2/"));
                } catch (IOException e) {
                    LOG.debug("plain HTTP to {} failed ({}); using HTTPS", apiHost, e.toString());
                    scheme = "https";
                }
            }
        }
        base = URI.create(scheme + "://" + apiHost);
    }

    /**
     * Whether {@link #chooseScheme()} asked {@code GET /v2/} over plain HTTP, without credentials, and the registry
     * answered 200: the greeting a push starts with, already given.
     */
    public boolean probeAnswered200() {
        return probeAnswered200;
    }

    /** Remembers the chosen scheme for the next pushes, once the registry answered on it. */
    public void rememberScheme() {
        schemes.put(apiHost, scheme);
    }

    /**
     * One request with authentication, challenges and retries: a 401 is offered to {@code auth} once, and tried
     * again when it took the challenge; with {@code retry}, 5xx/408/429 answers and broken connections are tried
     * again with backoff, at most {@link PushSettings#maxAttempts()} times. The answer's body is left open.
     */
    public HttpResponse<InputStream> send(String method, URI uri, byte[] body, String contentType, boolean retry,
            Authorization auth) throws PushException {
        String what = method + " " + uri.getRawPath();
        boolean challenged = false;
        for (int attempt = 1; ; attempt++) {
            Map<String, String> headers = new LinkedHashMap<>();
            if (contentType != null) {
                headers.put("Content-Type", contentType);
            }
            if (method.equals("PUT") && contentType != null) {
                headers.put("Accept", contentType);
            }
            auth.header(uri).ifPresent(h -> headers.put("Authorization", h));
            HttpResponse<InputStream> r;
            try {
                r = exchange(method, uri, headers, body, settings.requestTimeout(), what);
            } catch (IOException e) {
                if (retry && retryable(e) && attempt < settings.maxAttempts()) {
                    LOG.debug("{} on {} failed ({}); attempt {} of {}", what, registry, failures.mask(e.toString()),
                            attempt + 1, settings.maxAttempts());
                    backoff(attempt);
                    continue;
                }
                throw failures.fail(ioProblem(e, what, attempt, settings.requestTimeout()));
            }
            int s = r.statusCode();
            if (s == 401 && !challenged && auth.takeChallenge(r)) {
                close(r);
                challenged = true;
                attempt--;
                continue;
            }
            if (retry && isRetryableStatus(s) && attempt < settings.maxAttempts()) {
                LOG.debug("{} on {} answered HTTP {}; attempt {} of {}", what, registry, s, attempt + 1,
                        settings.maxAttempts());
                close(r);
                backoff(attempt);
                continue;
            }
            return r;
        }
    }

    /**
     * Refuses {@code uri} (a token realm, an upload location, a redirect) unless it is HTTPS or plain HTTP to a host
     * allowed plain HTTP.
     */
    public void checkScheme(URI uri, String what) throws PushException {
        if (!schemeAllowed(uri)) {
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
            throw failures.fail("the registry's " + what + " " + scheme + "://" + authority
                    + " is not HTTPS and not a host allowed plain HTTP; refusing to use it");
        }
    }

    /** Whether {@code uri} is HTTPS or plain HTTP to a host allowed plain HTTP. */
    public boolean schemeAllowed(URI uri) {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return true;
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        return scheme.equals("http") && (settings.allowsPlainHttp(authority)
                || settings.allowsPlainHttp(PushSettings.hostOf(authority)));
    }

    /**
     * One exchange with {@code headers} and {@code body} ({@code null}: none) that ends by {@code timeout};
     * cancellation or an interrupt aborts it. The answer's body (at most 64 KiB) is in memory. The connection is
     * kept for the next request to the same origin until {@link #close()}; one the registry closed meanwhile is
     * replaced at once.
     */
    public HttpResponse<InputStream> exchange(String method, URI uri, Map<String, String> headers, byte[] body,
            Duration timeout, String what) throws IOException, PushException {
        String origin = RegistryConnection.origin(uri);
        RegistryConnection kept = idle.remove(origin);
        RegistryExchange exchange = new RegistryExchange(http, method, uri, timeout, true, kept);
        HttpResponse<InputStream> r;
        try {
            r = run(exchange, headers, body, what);
        } catch (RegistryExchange.StaleConnection e) {
            LOG.debug("{} {}: the registry closed the kept connection ({}); on a new one", registry, what,
                    e.getMessage());
            exchange = new RegistryExchange(http, method, uri, timeout, true, null);
            r = run(exchange, headers, body, what);
        }
        if (exchange.kept() != null) {
            idle.put(origin, exchange.kept());
        }
        return r;
    }

    private HttpResponse<InputStream> run(RegistryExchange exchange, Map<String, String> headers, byte[] body,
            String what) throws IOException, PushException {
        return run(exchange, headers, body == null ? null : new ByteArrayInputStream(body),
                body == null ? 0 : body.length, what);
    }

    /** Closes the connections kept for the next requests: the push is over. */
    public void close() {
        for (RegistryConnection c : idle.values()) {
            c.close();
        }
        idle.clear();
    }

    /**
     * A blob's upload {@code PUT} to {@code uri} of {@code length} bytes read from {@code body}, streamed in
     * constant memory, that ends by {@code timeout}; cancellation aborts it. A failure reading {@code body} is a
     * {@link RegistryExchange.SourceFailure}, and the body's last bytes are sent only once {@code body} ended
     * without failing. The answer's body (at most 64 KiB) is in memory.
     *
     * @param authorization the {@code Authorization} header's value, or {@code null}
     */
    public HttpResponse<InputStream> putBlob(URI uri, String authorization, InputStream body, long length,
            Duration timeout, String what) throws IOException, PushException {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Content-Type", "application/octet-stream");
        if (authorization != null) {
            headers.put("Authorization", authorization);
        }
        return run(new RegistryExchange(http, "PUT", uri, timeout, false, null), headers, body, length, what);
    }

    private HttpResponse<InputStream> run(RegistryExchange exchange, Map<String, String> headers, InputStream body,
            long length, String what) throws IOException, PushException {
        if (cancellation.isCancelled()) {
            throw failures.cancelled();
        }
        AutoCloseable onCancel = cancellation.onCancel(exchange::abort);
        try {
            HttpResponse<InputStream> r = exchange.send(headers, body, length);
            LOG.debug("{} {} -> {}", registry, what, r.statusCode());
            return r;
        } catch (IOException e) {
            // an interrupt ends the exchange as cancellation does (and stays set for the caller to see)
            if (cancellation.isCancelled() || Thread.currentThread().isInterrupted()) {
                throw failures.cancelled();
            }
            throw e;
        } finally {
            closeQuietly(onCancel);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // removing a cancellation callback does not fail
        }
    }

    /** Whether an answer with this status is worth another attempt: 5xx, 408, 429. */
    public static boolean isRetryableStatus(int s) {
        return s >= 500 && s <= 599 || s == 429 || s == 408;
    }

    /** Whether a failed exchange is worth another attempt: a broken connection, not a timeout, TLS or the disk. */
    public static boolean retryable(IOException e) {
        if (e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
            return false;
        }
        return !(e instanceof SSLException) && localCause(e) == null;
    }

    /** The reading side's failure (the layout), when the exception came from reading the blob. */
    public static IOException localCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.FileSystemException) {
                return (IOException) t;
            }
        }
        return null;
    }

    /** Waits before attempt {@code attempt + 1}: the initial backoff, doubled per attempt; cancellation ends it. */
    public void backoff(int attempt) throws PushException {
        long millis = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 10);
        CountDownLatch latch = new CountDownLatch(1);
        AutoCloseable onCancel = cancellation.onCancel(latch::countDown);
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw failures.cancelled();
        } finally {
            closeQuietly(onCancel);
        }
        if (cancellation.isCancelled()) {
            throw failures.cancelled();
        }
    }

    // --- messages -------------------------------------------------------------------------------------------

    /** {@code CODE: message; ...} from the registry's error JSON, or {@code null}. Closes the body. */
    public String readErrors(HttpResponse<InputStream> r) {
        byte[] bytes;
        try {
            bytes = readBody(r);
        } catch (IOException e) {
            return null;
        }
        try {
            JsonNode errors = JsonTree.read(bytes).path("errors");
            List<String> parts = new ArrayList<>();
            for (JsonNode e : errors) {
                String code = e.path("code").asText("");
                String message = e.path("message").asText("");
                parts.add("\"" + (code.isEmpty() ? "" : code + ": ") + message + "\"");
            }
            String joined = String.join("; ", parts);
            return joined.isEmpty() ? null : (joined.length() > 500 ? joined.substring(0, 500) + "..." : joined);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** What a failed exchange means, for {@code what} after {@code attempts} attempts. */
    public String ioProblem(IOException e, String what, int attempts, Duration timeout) {
        if (e instanceof HttpConnectTimeoutException) {
            return "timed out connecting to " + base + " (" + what + ", " + attempts + " attempt"
                    + (attempts == 1 ? "" : "s") + ")";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out after " + timeout.toSeconds() + "s waiting for the registry to answer " + what;
        }
        if (e instanceof SSLException) {
            String known = TlsProblems.describe((SSLException) e, registry, apiHost, what, tls);
            if (known != null) {
                return known;
            }
            return "TLS failed talking to " + apiHost + " (" + what + "): " + e.getMessage()
                    + (settings.allowsPlainHttp(registry) ? "" : "; if this registry speaks plain HTTP, allow it as an"
                            + " insecure host");
        }
        String kind = e instanceof ConnectException ? "cannot connect to the registry at " + base
                : "the connection to the registry at " + base + " broke";
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        String hint = e instanceof ConnectException || !"https".equals(scheme) ? null
                : TlsProblems.closedHint(registry, tls);
        return kind + " (" + what + ", " + attempts + " attempt" + (attempts == 1 ? "" : "s") + "): " + why
                + (hint == null ? "" : "; " + hint);
    }

    /** The registry took the connection and said nothing. */
    public String silence(String scheme, Duration timeout, String what) {
        String within = timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + "s" : timeout.toMillis() + "ms";
        return "the registry " + apiHost + " did not answer over " + scheme + " within " + within + " (" + what + ")";
    }

    /**
     * At most {@link #MAX_ERROR_BODY} bytes of a response's body; closes it. (The body came with the exchange,
     * within its time bound.)
     */
    public byte[] readBody(HttpResponse<InputStream> r) throws IOException {
        try (InputStream in = r.body()) {
            return in.readNBytes(MAX_ERROR_BODY);
        }
    }

    /** Closes a response's body, ignoring failures. */
    public static void close(HttpResponse<InputStream> r) {
        try {
            InputStream in = r.body();
            if (in != null) {
                in.close();
            }
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}

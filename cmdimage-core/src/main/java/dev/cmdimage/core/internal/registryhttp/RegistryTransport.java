package dev.cmdimage.core.internal.registryhttp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.internal.oci.Descriptor;
import dev.cmdimage.core.internal.oci.Digests;
import dev.cmdimage.core.internal.oci.OciLayout;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.RegistryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Registry HTTP API v2 conversation for one push to one repository: scheme and authentication discovery,
 * blob existence checks, streaming blob uploads, manifest uploads. Every failure becomes a {@link PushException}
 * naming the ref and the registry; secrets never appear in messages or logs.
 */
public final class RegistryTransport {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryTransport.class);
    private static final int MAX_ERROR_BODY = 64 * 1024;
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);

    private final HttpClient http;
    private final PushSettings settings;
    private final TokenCache tokens;
    private final Map<String, String> schemes;
    private final String registry;
    private final String apiHost;
    private final String repository;
    private final RegistryCredentials credentials;
    private final Cancellation cancellation;
    private final String refText;

    private URI base;
    private String authScheme = "none";
    private Challenge bearer;
    private String scope;

    /**
     * @param schemes     the scheme found per API host, shared between pushes
     * @param registry    the registry domain as in the ref ({@code docker.io}, {@code 127.0.0.1:5000})
     * @param repository  the repository path ({@code library/app})
     * @param credentials the credentials, or {@code null} for anonymous
     * @param refText     the ref for messages
     */
    public RegistryTransport(HttpClient http, PushSettings settings, TokenCache tokens, Map<String, String> schemes,
            String registry, String repository, RegistryCredentials credentials, Cancellation cancellation,
            String refText) {
        this.http = http;
        this.settings = settings;
        this.tokens = tokens;
        this.schemes = schemes;
        this.registry = registry;
        this.apiHost = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
        this.repository = repository;
        this.credentials = credentials;
        this.cancellation = cancellation;
        this.refText = refText;
        this.scope = "repository:" + repository + ":pull,push";
    }

    /** The base URI once {@link #start()} ran, e.g. {@code http://127.0.0.1:5000}. */
    public URI base() {
        return base;
    }

    /**
     * Finds the scheme and the authentication the registry wants. HTTPS is the rule. A registry allowed plain HTTP
     * (loopback, or listed) is asked over plain HTTP first, without credentials; when it answers like a TLS server
     * (HTTP 400, or a dropped connection) HTTPS is used. Credentials thus travel in plain text only to a registry
     * that speaks plain HTTP and is allowed to.
     */
    public void start() throws PushException {
        String scheme = schemes.get(apiHost);
        if (scheme == null) {
            scheme = "https";
            if (settings.allowsPlainHttp(registry)) {
                scheme = "http";
                try {
                    HttpResponse<InputStream> probe = exchange(HttpRequest.newBuilder(URI.create("http://" + apiHost
                            + "/v2/")).timeout(PROBE_TIMEOUT).GET().build(), "GET /v2/");
                    close(probe);
                    if (probe.statusCode() == 400) {
                        scheme = "https";
                    }
                } catch (ConnectException | HttpConnectTimeoutException e) {
                    LOG.debug("{} does not accept connections ({}); the requests will say so", apiHost, e.toString());
                } catch (IOException e) {
                    LOG.debug("plain HTTP to {} failed ({}); using HTTPS", apiHost, e.toString());
                    scheme = "https";
                }
            }
        }
        base = URI.create(scheme + "://" + apiHost);
        HttpResponse<InputStream> ping = send("GET", URI.create(base + "/v2/"), null, null, true);
        int status = ping.statusCode();
        if (status == 200) {
            close(ping);
        } else if (status == 401) {
            // send() already took up the challenge and tried again; a second 401 means no or refused credentials
            throw fail(statusProblem(ping, "GET /v2/", readErrors(ping)));
        } else if (status == 404) {
            close(ping);
            throw fail("no Registry HTTP API v2 at " + base + " (HTTP 404 on GET /v2/)");
        } else {
            throw fail(statusProblem(ping, "GET /v2/", readErrors(ping)));
        }
        schemes.put(apiHost, scheme);
    }

    /** Whether the registry already has the blob (HEAD). */
    public boolean hasBlob(Descriptor d) throws PushException {
        String path = "/v2/" + repository + "/blobs/" + d.digest();
        HttpResponse<InputStream> r = send("HEAD", URI.create(base + path), null, null, true);
        close(r);
        int s = r.statusCode();
        if (s == 200 || s == 307 || s == 302) {
            return true;
        }
        if (s == 404) {
            return false;
        }
        throw fail(statusProblem(r, "HEAD " + path, null));
    }

    /**
     * Uploads a blob from the layout: POST to open an upload, then one streaming PUT with the digest; the bytes
     * are hashed while read and the upload fails if they are not the descriptor's. Retried as a whole on 5xx
     * and broken connections.
     */
    public void uploadBlob(Descriptor d, OciLayout layout) throws PushException {
        String post = "/v2/" + repository + "/blobs/uploads/";
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> opened = send("POST", URI.create(base + post),
                    HttpRequest.BodyPublishers.noBody(), null, true);
            if (opened.statusCode() != 202) {
                throw fail(statusProblem(opened, "POST " + post, readErrors(opened)));
            }
            close(opened);
            String location = opened.headers().firstValue("Location").orElse(null);
            if (location == null) {
                throw fail("the registry opened an upload (POST " + post + ") but sent no Location");
            }
            URI uploadUri = base.resolve(location);
            checkScheme(uploadUri, "upload location");
            String sep = uploadUri.getRawQuery() == null ? "?" : "&";
            URI put = URI.create(uploadUri + sep + "digest=" + URLEncoder.encode(d.digest(), StandardCharsets.UTF_8));
            String what = "PUT " + uploadUri.getRawPath();

            VerifyingInputStream[] stream = new VerifyingInputStream[1];
            HttpRequest.BodyPublisher body = new ChunkedBodyPublisher(() -> {
                try {
                    stream[0] = new VerifyingInputStream(layout.openBlob(d.digest()), d.digest(), d.size());
                    return stream[0];
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                } catch (Exception e) {
                    throw new UncheckedIOException(new IOException(e.getMessage(), e));
                }
            }, d.size());
            Duration timeout = settings.requestTimeout()
                    .plusSeconds(d.size() / settings.minimumUploadRate());
            HttpRequest.Builder b = HttpRequest.newBuilder(put).timeout(timeout).method("PUT", body)
                    .header("Content-Type", "application/octet-stream");
            authorization(put).ifPresent(h -> b.header("Authorization", h));
            HttpResponse<InputStream> done;
            try {
                done = exchange(b.build(), what);
            } catch (IOException e) {
                if (stream[0] != null && stream[0].failure() != null) {
                    throw fail(stream[0].failure().getMessage());
                }
                IOException local = localCause(e);
                if (local != null) {
                    throw fail("cannot read blob " + d.digest() + " from the layout: " + local.getMessage());
                }
                if (retryable(e) && attempt < settings.maxAttempts()) {
                    LOG.debug("upload of {} to {} failed ({}); attempt {} of {}", d.digest(), registry, e.toString(),
                            attempt + 1, settings.maxAttempts());
                    backoff(attempt);
                    continue;
                }
                throw fail(ioProblem(e, what, attempt, timeout));
            }
            int s = done.statusCode();
            if (s == 201 || s == 204) {
                close(done);
                String stored = done.headers().firstValue("Docker-Content-Digest").orElse(d.digest());
                if (!stored.equals(d.digest())) {
                    throw fail("the registry stored blob " + d.digest() + " under the digest " + stored);
                }
                return;
            }
            if (isRetryableStatus(s) && attempt < settings.maxAttempts()) {
                close(done);
                backoff(attempt);
                continue;
            }
            throw fail(statusProblem(done, what, readErrors(done)));
        }
    }

    /**
     * Uploads a manifest or index with its media type under {@code reference} (a tag or its digest) and returns
     * the digest the registry reports, checked against the bytes sent.
     */
    public String putManifest(Descriptor d, byte[] bytes, String reference) throws PushException {
        String path = "/v2/" + repository + "/manifests/" + reference;
        HttpResponse<InputStream> r = send("PUT", URI.create(base + path),
                HttpRequest.BodyPublishers.ofByteArray(bytes), d.mediaType(), true);
        if (r.statusCode() != 201 && r.statusCode() != 200 && r.statusCode() != 202) {
            throw fail(statusProblem(r, "PUT " + path, readErrors(r)));
        }
        close(r);
        String sent = Digests.of(bytes);
        String stored = r.headers().firstValue("Docker-Content-Digest").orElse(sent);
        if (!stored.equals(sent)) {
            throw fail("the registry stored the manifest under the digest " + stored + ", but the bytes sent hash to "
                    + sent);
        }
        return sent;
    }

    // --- one request, with authentication, challenges and retries -------------------------------------------

    private HttpResponse<InputStream> send(String method, URI uri, HttpRequest.BodyPublisher body, String contentType,
            boolean retry) throws PushException {
        String what = method + " " + uri.getRawPath();
        boolean challenged = false;
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(settings.requestTimeout())
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : body);
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            if (method.equals("PUT") && contentType != null) {
                b.header("Accept", contentType);
            }
            authorization(uri).ifPresent(h -> b.header("Authorization", h));
            HttpResponse<InputStream> r;
            try {
                r = exchange(b.build(), what);
            } catch (IOException e) {
                if (retry && retryable(e) && attempt < settings.maxAttempts()) {
                    LOG.debug("{} on {} failed ({}); attempt {} of {}", what, registry, e.toString(), attempt + 1,
                            settings.maxAttempts());
                    backoff(attempt);
                    continue;
                }
                throw fail(ioProblem(e, what, attempt, settings.requestTimeout()));
            }
            int s = r.statusCode();
            if (s == 401 && !challenged && takeChallenge(r)) {
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

    /** Takes up a 401's challenge; whether trying again can help. */
    private boolean takeChallenge(HttpResponse<?> r) throws PushException {
        for (Challenge c : Challenge.parse(String.join(", ", r.headers().allValues("WWW-Authenticate")))) {
            if (c.scheme().equals("bearer")) {
                if (bearer != null) {
                    tokens.remove(tokenKey(bearer, scope));
                }
                String wanted = c.param("scope");
                if (wanted != null && !wanted.isBlank() && !scope.contains(wanted)) {
                    scope = scope + " " + wanted;
                }
                // first challenge, an expired token (dropped above) or a wider scope: one more try is worth it
                authScheme = "bearer";
                bearer = c;
                return true;
            }
            if (c.scheme().equals("basic")) {
                if (credentials == null || "basic".equals(authScheme)) {
                    return false;
                }
                authScheme = "basic";
                return true;
            }
        }
        return false;
    }

    private Optional<String> authorization(URI uri) throws PushException {
        if (!sameOrigin(uri)) {
            return Optional.empty();
        }
        switch (authScheme) {
            case "basic":
                return Optional.of(basic(credentials));
            case "bearer":
                return Optional.of("Bearer " + token());
            default:
                return Optional.empty();
        }
    }

    private boolean sameOrigin(URI uri) {
        return base != null && base.getScheme().equalsIgnoreCase(uri.getScheme())
                && base.getRawAuthority().equalsIgnoreCase(uri.getRawAuthority());
    }

    private static String basic(RegistryCredentials c) {
        String user = c.username() == null ? "" : c.username();
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
    }

    private String tokenKey(Challenge c, String forScope) {
        return c.param("realm") + "|" + c.param("service") + "|" + forScope + "|"
                + (credentials == null ? "" : credentials.username());
    }

    /** A bearer token for the current scope, from the cache or the challenge's token service. */
    private String token() throws PushException {
        String key = tokenKey(bearer, scope);
        String cached = tokens.get(key);
        if (cached != null) {
            return cached;
        }
        String realm = bearer.param("realm");
        if (realm == null || realm.isBlank()) {
            throw fail("the registry asked for a Bearer token but named no realm");
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw fail("the registry's token realm is not a URL");
        }
        if (realmUri.getHost() == null) {
            throw fail("the registry's token realm is not an absolute URL");
        }
        checkScheme(realmUri, "token service");
        String authority = realmUri.getRawAuthority();
        StringBuilder query = new StringBuilder();
        if (bearer.param("service") != null) {
            query.append("service=").append(URLEncoder.encode(bearer.param("service"), StandardCharsets.UTF_8));
        }
        for (String s : scope.split(" ")) {
            query.append(query.length() == 0 ? "" : "&").append("scope=")
                    .append(URLEncoder.encode(s, StandardCharsets.UTF_8));
        }
        String what = (credentials != null && credentials.identityToken() ? "POST " : "GET ") + realmUri.getRawPath();
        for (int attempt = 1; ; attempt++) {
            HttpRequest.Builder b;
            if (credentials != null && credentials.identityToken()) {
                String form = query + "&grant_type=refresh_token&client_id=cmdimage&refresh_token="
                        + URLEncoder.encode(credentials.secret(), StandardCharsets.UTF_8);
                b = HttpRequest.newBuilder(realmUri).POST(HttpRequest.BodyPublishers.ofString(form))
                        .header("Content-Type", "application/x-www-form-urlencoded");
            } else {
                String sep = realmUri.getRawQuery() == null ? "?" : "&";
                b = HttpRequest.newBuilder(URI.create(realm + sep + query)).GET();
                if (credentials != null) {
                    b.header("Authorization", basic(credentials));
                }
            }
            b.timeout(settings.requestTimeout());
            HttpResponse<InputStream> r;
            try {
                r = exchange(b.build(), what);
            } catch (IOException e) {
                if (retryable(e) && attempt < settings.maxAttempts()) {
                    backoff(attempt);
                    continue;
                }
                throw fail("token service " + authority + ": " + ioProblem(e, what, attempt, settings.requestTimeout()));
            }
            int s = r.statusCode();
            if (isRetryableStatus(s) && attempt < settings.maxAttempts()) {
                close(r);
                backoff(attempt);
                continue;
            }
            if (s == 401 || s == 403) {
                String errors = readErrors(r);
                throw fail("the token service " + authority + " refused "
                        + (credentials == null ? "anonymous access (no credentials found for " + registry + ")"
                                : "the credentials of user " + credentials.username())
                        + " (HTTP " + s + ")" + (errors == null ? "" : ": registry says " + errors));
            }
            if (s != 200) {
                throw fail("the token service " + authority + " answered HTTP " + s + " to " + what
                        + saying(readErrors(r)));
            }
            JsonNode json;
            try {
                json = OciLayout.json().readTree(readBody(r));
            } catch (IOException e) {
                throw fail("the token service " + authority + " sent an unreadable answer");
            }
            String token = json.path("token").asText(json.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw fail("the token service " + authority + " sent no token");
            }
            tokens.put(key, token, json.path("expires_in").asLong(60));
            return token;
        }
    }

    private void checkScheme(URI uri, String what) throws PushException {
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (scheme.equals("https")) {
            return;
        }
        String authority = uri.getRawAuthority() == null ? "" : uri.getRawAuthority();
        if (scheme.equals("http") && (settings.allowsPlainHttp(authority)
                || settings.allowsPlainHttp(PushSettings.hostOf(authority)))) {
            return;
        }
        throw fail("the registry's " + what + " " + scheme + "://" + authority
                + " is not HTTPS and not a host allowed plain HTTP; refusing to use it");
    }

    // --- transport ------------------------------------------------------------------------------------------

    /** One exchange; cancellation aborts it; the response body is left open for the caller. */
    private HttpResponse<InputStream> exchange(HttpRequest request, String what) throws IOException, PushException {
        if (cancellation.isCancelled()) {
            throw cancelled();
        }
        CompletableFuture<HttpResponse<InputStream>> f =
                http.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        Duration hard = request.timeout().orElse(settings.requestTimeout()).plusSeconds(30);
        AutoCloseable onCancel = cancellation.onCancel(() -> f.cancel(true));
        try {
            HttpResponse<InputStream> r = f.get(hard.toMillis(), TimeUnit.MILLISECONDS);
            LOG.debug("{} {} -> {}", registry, what, r.statusCode());
            return r;
        } catch (CancellationException e) {
            throw cancelled();
        } catch (ExecutionException e) {
            if (cancellation.isCancelled()) {
                throw cancelled();
            }
            Throwable c = e.getCause();
            if (c instanceof IOException) {
                throw (IOException) c;
            }
            if (c instanceof UncheckedIOException) {
                throw ((UncheckedIOException) c).getCause();
            }
            throw new IOException(String.valueOf(c), c);
        } catch (TimeoutException e) {
            f.cancel(true);
            throw new HttpTimeoutException("request timed out");
        } catch (InterruptedException e) {
            f.cancel(true);
            Thread.currentThread().interrupt();
            throw cancelled();
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

    private static boolean isRetryableStatus(int s) {
        return s >= 500 && s <= 599 || s == 429 || s == 408;
    }

    private static boolean retryable(IOException e) {
        if (e instanceof HttpTimeoutException && !(e instanceof HttpConnectTimeoutException)) {
            return false;
        }
        return !(e instanceof SSLException) && localCause(e) == null;
    }

    /** The reading side's failure (the layout), when the exception came from reading the blob. */
    private static IOException localCause(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof java.nio.file.FileSystemException) {
                return (IOException) t;
            }
        }
        return null;
    }

    private void backoff(int attempt) throws PushException {
        long millis = settings.initialBackoff().toMillis() << Math.min(attempt - 1, 10);
        CountDownLatch latch = new CountDownLatch(1);
        AutoCloseable onCancel = cancellation.onCancel(latch::countDown);
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw cancelled();
        } finally {
            closeQuietly(onCancel);
        }
        if (cancellation.isCancelled()) {
            throw cancelled();
        }
    }

    // --- messages -------------------------------------------------------------------------------------------

    private String statusProblem(HttpResponse<InputStream> r, String what, String errors) {
        int s = r.statusCode();
        String says = saying(errors);
        switch (s) {
            case 401:
                return credentials == null
                        ? "the registry requires authentication (HTTP 401 on " + what + ") and no credentials were"
                                + " found for " + registry + says
                        : "the registry rejected the credentials of user " + credentials.username() + " (HTTP 401 on "
                                + what + ")" + says;
            case 403:
                return "access denied (HTTP 403 on " + what + ")" + says;
            case 404:
                return "not found (HTTP 404 on " + what + ")" + says;
            default:
                return "unexpected HTTP " + s + " on " + what + says;
        }
    }

    private static String saying(String errors) {
        return errors == null ? "" : ": registry says " + errors;
    }

    /** {@code CODE: message; ...} from the registry's error JSON, or {@code null}. Closes the body. */
    private String readErrors(HttpResponse<InputStream> r) {
        byte[] bytes;
        try {
            bytes = readBody(r);
        } catch (IOException e) {
            return null;
        }
        try {
            JsonNode errors = OciLayout.json().readTree(bytes).path("errors");
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

    private String ioProblem(IOException e, String what, int attempts, Duration timeout) {
        if (e instanceof HttpConnectTimeoutException) {
            return "timed out connecting to " + base + " (" + what + ", " + attempts + " attempt"
                    + (attempts == 1 ? "" : "s") + ")";
        }
        if (e instanceof HttpTimeoutException) {
            return "timed out after " + timeout.toSeconds() + "s waiting for the registry to answer " + what;
        }
        if (e instanceof SSLException) {
            return "TLS failed talking to " + apiHost + " (" + what + "): " + e.getMessage()
                    + (settings.allowsPlainHttp(registry) ? "" : "; if this registry speaks plain HTTP, allow it as an"
                            + " insecure host");
        }
        String kind = e instanceof ConnectException ? "cannot connect to the registry at " + base
                : "the connection to the registry at " + base + " broke";
        String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return kind + " (" + what + ", " + attempts + " attempt" + (attempts == 1 ? "" : "s") + "): " + why;
    }

    private PushException fail(String problem) {
        return new PushException("cannot push " + refText + " to " + registry + ": " + problem, refText);
    }

    private PushException cancelled() {
        return new PushException("push of " + refText + " to " + registry + " cancelled", refText);
    }

    /**
     * At most {@link #MAX_ERROR_BODY} bytes of a response's body; closes it. The request timeout only covers the
     * wait for the response's head, so a registry that stops sending half-way through a body would make this wait
     * forever: the body is cut off (and this fails) after another request timeout, or at once on cancellation.
     */
    private byte[] readBody(HttpResponse<InputStream> r) throws IOException {
        InputStream in = r.body();
        AtomicBoolean done = new AtomicBoolean();
        Runnable cut = () -> {
            if (!done.get()) {
                closeQuietly(in);
            }
        };
        CompletableFuture.delayedExecutor(settings.requestTimeout().toMillis(), TimeUnit.MILLISECONDS).execute(cut);
        AutoCloseable onCancel = cancellation.onCancel(cut);
        try (in) {
            return in.readNBytes(MAX_ERROR_BODY);
        } finally {
            done.set(true);
            closeQuietly(onCancel);
        }
    }

    private static void close(HttpResponse<InputStream> r) {
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

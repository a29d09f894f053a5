package dev.cmdimage.core.internal.registryhttp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.internal.oci.JsonTree;
import dev.cmdimage.spi.RegistryCredentials;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Authentication for one push to one repository: takes up {@code WWW-Authenticate} challenges, answers Basic ones
 * with the credentials, and Bearer ones with a token from the registry's token service (fetched with the Basic
 * credentials, with an identity token, or anonymously; cached per realm, service, scope and user).
 *
 * <p>Two rules keep the credentials where they belong. They go to the token service only when its host is the
 * registry's host or lies in the registry's domain ({@link #mayReceiveCredentials}); otherwise the push fails and
 * says so. And the token asked for is always {@code repository:<repository>:pull,push}: a challenge naming a wider
 * scope (another repository, {@code *}, the catalog) is not followed.
 */
public final class RegistryAuthenticator implements RegistryTransport.Authorization {
    private static final Logger LOG = LoggerFactory.getLogger(RegistryAuthenticator.class);
    private static final Set<String> PUSH_ACTIONS = Set.of("pull", "push");

    private final RegistryTransport transport;
    private final TokenCache tokens;
    private final PushFailures failures;
    private final CredentialMask mask;
    private final String registry;
    private final String apiHost;
    private final String repository;
    private final RegistryCredentials credentials;
    private final String scope;

    private String authScheme = "none";
    private Challenge bearer;

    /**
     * @param registry    the registry domain as in the ref
     * @param apiHost     where its API is ({@code registry-1.docker.io} for {@code docker.io}, else the same)
     * @param repository  the repository path ({@code library/app})
     * @param credentials the credentials, or {@code null} for anonymous
     * @param mask        learns every bearer token received
     */
    public RegistryAuthenticator(RegistryTransport transport, TokenCache tokens, PushFailures failures,
            CredentialMask mask, String registry, String apiHost, String repository, RegistryCredentials credentials) {
        this.transport = transport;
        this.tokens = tokens;
        this.failures = failures;
        this.mask = mask;
        this.registry = registry;
        this.apiHost = apiHost;
        this.repository = repository;
        this.credentials = credentials;
        this.scope = "repository:" + repository + ":pull,push";
    }

    /**
     * Whether credentials for a registry on {@code registryHost} may be sent to a token service on
     * {@code realmHost} (host names without ports): the same host; a host under the registry's host
     * ({@code auth.example.com} for {@code example.com}); or, when the registry's host minus its first label still
     * has two labels, that domain or a host under it ({@code auth.docker.io} for {@code registry-1.docker.io},
     * {@code gitlab.com} for {@code registry.gitlab.com}). IP addresses match only themselves.
     */
    public static boolean mayReceiveCredentials(String registryHost, String realmHost) {
        String r = registryHost.toLowerCase(Locale.ROOT);
        String t = realmHost.toLowerCase(Locale.ROOT);
        if (r.equals(t)) {
            return true;
        }
        if (isIpAddress(r) || isIpAddress(t)) {
            return false;
        }
        if (t.endsWith("." + r)) {
            return true;
        }
        int dot = r.indexOf('.');
        String domain = dot < 0 ? "" : r.substring(dot + 1);
        return domain.contains(".") && (t.equals(domain) || t.endsWith("." + domain));
    }

    private static boolean isIpAddress(String host) {
        return host.startsWith("[") || host.contains(":") || host.matches("[0-9.]+");
    }

    /**
     * Whether every scope in {@code wanted} (space-separated) is within a push of {@code repository}:
     * {@code repository:<repository>:} with actions among {@code pull} and {@code push}.
     */
    public static boolean withinPush(String wanted, String repository) {
        for (String s : wanted.trim().split("\\s+")) {
            int first = s.indexOf(':');
            int last = s.lastIndexOf(':');
            if (first < 0 || last == first || !s.substring(0, first).equals("repository")
                    || !s.substring(first + 1, last).equals(repository)) {
                return false;
            }
            for (String action : s.substring(last + 1).split(",")) {
                if (!PUSH_ACTIONS.contains(action)) {
                    return false;
                }
            }
        }
        return true;
    }

    @Override
    public boolean takeChallenge(HttpResponse<?> r) throws PushException {
        for (Challenge c : Challenge.parse(String.join(", ", r.headers().allValues("WWW-Authenticate")))) {
            if (c.scheme().equals("bearer")) {
                if (bearer != null) {
                    tokens.remove(tokenKey(bearer));
                }
                String wanted = c.param("scope");
                if (wanted != null && !wanted.isBlank() && !withinPush(wanted, repository)) {
                    LOG.debug("{} asked for scope \"{}\"; a push needs only \"{}\", so only that is requested",
                            registry, wanted, scope);
                }
                // first challenge, or an expired token (dropped above): one more try is worth it
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

    @Override
    public Optional<String> header(URI uri) throws PushException {
        if (!sameOrigin(uri)) {
            return Optional.empty();
        }
        switch (authScheme) {
            case "basic":
                return Optional.of("Basic " + basicValue(credentials));
            case "bearer":
                return Optional.of("Bearer " + token());
            default:
                return Optional.empty();
        }
    }

    private boolean sameOrigin(URI uri) {
        URI base = transport.base();
        return base != null && base.getScheme().equalsIgnoreCase(uri.getScheme())
                && base.getRawAuthority().equalsIgnoreCase(uri.getRawAuthority());
    }

    /** The base64 {@code user:password} of a Basic {@code Authorization} header. */
    static String basicValue(RegistryCredentials c) {
        String user = c.username() == null ? "" : c.username();
        return Base64.getEncoder().encodeToString((user + ":" + c.secret()).getBytes(StandardCharsets.UTF_8));
    }

    private String tokenKey(Challenge c) {
        return c.param("realm") + "|" + c.param("service") + "|" + scope + "|"
                + (credentials == null ? "" : credentials.username());
    }

    /** A bearer token for the push's scope, from the cache or the challenge's token service. */
    private String token() throws PushException {
        String key = tokenKey(bearer);
        String cached = tokens.get(key);
        if (cached != null) {
            mask.add(cached);
            return cached;
        }
        String realm = bearer.param("realm");
        if (realm == null || realm.isBlank()) {
            throw failures.fail("the registry asked for a Bearer token but named no realm");
        }
        URI realmUri;
        try {
            realmUri = URI.create(realm);
        } catch (IllegalArgumentException e) {
            throw failures.fail("the registry's token realm is not a URL");
        }
        if (realmUri.getHost() == null) {
            throw failures.fail("the registry's token realm is not an absolute URL");
        }
        transport.checkScheme(realmUri, "token service");
        String authority = realmUri.getRawAuthority();
        String registryHost = URI.create("http://" + apiHost).getHost();
        if (credentials != null && !mayReceiveCredentials(registryHost, realmUri.getHost())) {
            throw failures.fail("the registry sends its token requests to " + authority + ", which is neither the"
                    + " registry's host " + registryHost + " nor in its domain; the credentials for " + registry
                    + " are not sent there");
        }
        StringBuilder query = new StringBuilder();
        if (bearer.param("service") != null) {
            query.append("service=").append(URLEncoder.encode(bearer.param("service"), StandardCharsets.UTF_8));
        }
        query.append(query.length() == 0 ? "" : "&").append("scope=")
                .append(URLEncoder.encode(scope, StandardCharsets.UTF_8));
        String what = (credentials != null && credentials.identityToken() ? "POST " : "GET ") + realmUri.getRawPath();
        for (int attempt = 1; ; attempt++) {
            String method;
            URI target;
            byte[] body = null;
            Map<String, String> headers = new LinkedHashMap<>();
            if (credentials != null && credentials.identityToken()) {
                String form = query + "&grant_type=refresh_token&client_id=cmdimage&refresh_token="
                        + URLEncoder.encode(credentials.secret(), StandardCharsets.UTF_8);
                method = "POST";
                target = realmUri;
                body = form.getBytes(StandardCharsets.UTF_8);
                headers.put("Content-Type", "application/x-www-form-urlencoded");
            } else {
                String sep = realmUri.getRawQuery() == null ? "?" : "&";
                method = "GET";
                target = URI.create(realm + sep + query);
                if (credentials != null) {
                    headers.put("Authorization", "Basic " + basicValue(credentials));
                }
            }
            HttpResponse<InputStream> r;
            try {
                r = transport.exchange(method, target, headers, body, transport.settings().requestTimeout(), what);
            } catch (IOException e) {
                if (RegistryTransport.retryable(e) && attempt < transport.settings().maxAttempts()) {
                    transport.backoff(attempt);
                    continue;
                }
                throw failures.fail("token service " + authority + ": "
                        + transport.ioProblem(e, what, attempt, transport.settings().requestTimeout()));
            }
            int s = r.statusCode();
            if (RegistryTransport.isRetryableStatus(s) && attempt < transport.settings().maxAttempts()) {
                RegistryTransport.close(r);
                transport.backoff(attempt);
                continue;
            }
            if (s == 401 || s == 403) {
                String errors = transport.readErrors(r);
                throw failures.fail("the token service " + authority + " refused "
                        + (credentials == null ? "anonymous access (no credentials found for " + registry + ")"
                                : "the credentials of user " + credentials.username())
                        + " (HTTP " + s + ")" + (errors == null ? "" : ": registry says " + errors));
            }
            if (s != 200) {
                throw failures.fail("the token service " + authority + " answered HTTP " + s + " to " + what
                        + PushFailures.saying(transport.readErrors(r)));
            }
            JsonNode json;
            try {
                json = JsonTree.read(transport.readBody(r));
            } catch (IOException e) {
                throw failures.fail("the token service " + authority + " sent an unreadable answer");
            }
            String token = json.path("token").asText(json.path("access_token").asText(""));
            if (token.isEmpty()) {
                throw failures.fail("the token service " + authority + " sent no token");
            }
            mask.add(json.path("token").asText(""));
            mask.add(json.path("access_token").asText(""));
            mask.add(json.path("refresh_token").asText(""));
            tokens.put(key, token, json.path("expires_in").asLong(60));
            return token;
        }
    }
}

package dev.cmdimage.core.internal.registryhttp;

import dev.cmdimage.api.PushException;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.RegistryCredentials;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

/**
 * One push's conversation with one repository of a registry: checks the address, chooses the scheme, greets the
 * registry ({@code GET /v2/}, taking up its authentication challenge), then sends authenticated requests for the
 * {@link BlobUploader} and the {@link ManifestUploader}. The wire is the {@link RegistryTransport}'s, the
 * credentials the {@link RegistryAuthenticator}'s; every failure is a {@link PushException} from
 * {@link PushFailures}, naming the ref and the registry, with every credential value masked.
 */
public final class RegistryClient implements AutoCloseable {
    private final String registry;
    private final String apiHost;
    private final String repository;
    private final PushFailures failures;
    private final RegistryTransport transport;
    private final RegistryAuthenticator authenticator;

    /**
     * @param schemes     the scheme found per API host, shared between pushes
     * @param registry    the registry domain as in the ref ({@code docker.io}, {@code 127.0.0.1:5000})
     * @param repository  the repository path ({@code library/app})
     * @param credentials the credentials, or {@code null} for anonymous
     * @param refText     the ref for messages
     */
    public RegistryClient(HttpConnector http, PushSettings settings, TokenCache tokens, Map<String, String> schemes,
            String registry, String repository, RegistryCredentials credentials, Cancellation cancellation,
            String refText) {
        this(http, settings, tokens, schemes, registry, repository, credentials, cancellation, refText,
                RegistryTrust.Material.NONE);
    }

    /**
     * @param schemes     the scheme found per API host, shared between pushes
     * @param registry    the registry domain as in the ref ({@code docker.io}, {@code 127.0.0.1:5000})
     * @param repository  the repository path ({@code library/app})
     * @param credentials the credentials, or {@code null} for anonymous
     * @param refText     the ref for messages
     * @param tls         the CA certificates and client certificates {@code http} was made with, for the messages
     */
    public RegistryClient(HttpConnector http, PushSettings settings, TokenCache tokens, Map<String, String> schemes,
            String registry, String repository, RegistryCredentials credentials, Cancellation cancellation,
            String refText, RegistryTrust.Material tls) {
        this.registry = registry;
        this.apiHost = registry.equals("docker.io") ? "registry-1.docker.io" : registry;
        this.repository = repository;
        CredentialMask mask = new CredentialMask(credentials);
        this.failures = new PushFailures(refText, registry, credentials, mask);
        this.transport = new RegistryTransport(http, settings, schemes, registry, apiHost, cancellation, failures,
                tls);
        this.authenticator = new RegistryAuthenticator(transport, tokens, failures, mask, registry, apiHost,
                repository, credentials);
    }

    /** The base URI once {@link #start()} ran, e.g. {@code http://127.0.0.1:5000}. */
    public URI base() {
        return transport.base();
    }

    /**
     * Finds the scheme (see {@link RegistryTransport#chooseScheme()}) and the authentication the registry wants:
     * {@code GET /v2/} must answer 200, after at most one challenge.
     */
    public void start() throws PushException {
        String unusable = RegistryAddress.problem(apiHost);
        if (unusable != null) {
            throw failures.fail(unusable);
        }
        transport.chooseScheme();
        if (transport.probeAnswered200()) {
            // the scheme's probe was this very request (no credentials are offered before a challenge)
            transport.rememberScheme();
            return;
        }
        HttpResponse<InputStream> ping = send("GET", URI.create(base() + "/v2/"), null, null, true);
        int status = ping.statusCode();
        if (status == 200) {
            RegistryTransport.close(ping);
        } else if (status == 401) {
            // send() already took up the challenge and tried again; a second 401 means no or refused credentials
            throw failures.fail(failures.statusProblem(ping, "GET /v2/", transport.readErrors(ping)));
        } else if (status == 404) {
            RegistryTransport.close(ping);
            throw failures.fail("no Registry HTTP API v2 at " + base() + " (HTTP 404 on GET /v2/)");
        } else {
            throw failures.fail(failures.statusProblem(ping, "GET /v2/", transport.readErrors(ping)));
        }
        transport.rememberScheme();
    }

    /** Closes the connections the push kept open. */
    @Override
    public void close() {
        transport.close();
    }

    /** A request to the registry with authentication, challenges and (with {@code retry}) retries. */
    HttpResponse<InputStream> send(String method, URI uri, byte[] body, String contentType, boolean retry)
            throws PushException {
        return transport.send(method, uri, body, contentType, retry, authenticator);
    }

    /** {@code /v2/<repository>}: where this repository's blobs and manifests are. */
    String repositoryPath() {
        return "/v2/" + repository;
    }

    String registry() {
        return registry;
    }

    RegistryTransport transport() {
        return transport;
    }

    RegistryAuthenticator authenticator() {
        return authenticator;
    }

    PushFailures failures() {
        return failures;
    }
}

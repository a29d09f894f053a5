package dev.cmdimage.core;

import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.internal.oci.Descriptor;
import dev.cmdimage.core.internal.oci.OciImages;
import dev.cmdimage.core.internal.registryhttp.BlobUploader;
import dev.cmdimage.core.internal.registryhttp.HttpConnector;
import dev.cmdimage.core.internal.registryhttp.ManifestUploader;
import dev.cmdimage.core.internal.registryhttp.PushSettings;
import dev.cmdimage.core.internal.registryhttp.RegistryClient;
import dev.cmdimage.core.internal.registryhttp.RegistryTrust;
import dev.cmdimage.core.internal.registryhttp.TokenCache;
import dev.cmdimage.core.internal.tls.Pem;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import dev.cmdimage.spi.RegistryPusher;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;

/**
 * A {@link RegistryPusher} for images in an {@link OciLayoutStore}, speaking the Registry HTTP API v2 (Docker
 * Registry / OCI distribution spec) over HTTP/1.1 with the JDK's sockets and TLS: no Docker engine needed, and no
 * thread or connection of a push stays behind once it returned. Connections are made without a proxy; a push keeps
 * one per origin for its small requests and gives each blob upload one of its own.
 *
 * <p>A push checks each blob with {@code HEAD} and skips the ones the registry has (a 200 answer; a redirect counts
 * only when its target answers 200); uploads the others streaming
 * from the layout (one {@code POST}, one {@code PUT} with the digest and its {@code Content-Length}; constant memory
 * whatever the blob's size; the bytes are hashed while sent, the last ones only once the whole blob matched its
 * digest, and a blob that does not fails the push without the registry getting a complete body); uploads child
 * manifests of an image index by digest, then the image's manifest or index under the ref's tag with its media type;
 * and returns the manifest digest, checked against the registry's {@code Docker-Content-Digest}.
 *
 * <p>Authentication: anonymous, Basic, or the Bearer token challenge ({@code WWW-Authenticate: Bearer
 * realm=...,service=...,scope=...}; tokens fetched with the Basic credentials, with an identity token, or
 * anonymously, and cached per scope), with credentials from a {@link CredentialsProvider}.
 * <ul>
 * <li>Where credentials go: to the registry, and to the token service it names only when that service's host is
 * the registry's host (any port), a host under it, or in the registry's domain, that is the registry's host
 * without its first label when two or more labels remain ({@code auth.docker.io} for
 * {@code registry-1.docker.io}, {@code gitlab.com} for {@code registry.gitlab.com}); an IP address matches only
 * itself. A registry that names a token service elsewhere fails the push with a sentence saying so, and nothing
 * secret is sent there. (The docker CLI sends them to whatever realm the registry names.)
 * <li>What is asked for: the token's scope is always {@code repository:<name>:pull,push} for the pushed
 * repository; a challenge naming more (another repository, {@code *}, the catalog) is not followed.
 * <li>What is shown: the password or identity token, the base64 {@code user:password} and every bearer token
 * received are replaced with {@code <redacted>} in every message, also in the error text a registry sends back.
 * </ul>
 *
 * <p>HTTPS with verified certificates and host names is the rule. The certificates trusted for a registry are, in
 * this order: the CA files given with {@link Builder#caCertificates(Path)} (every registry) and
 * {@link Builder#caCertificates(String, Path)} (one registry); the {@code *.crt} files in the certs.d directories
 * ({@code /etc/docker/certs.d/<host[:port]>/}, {@code /etc/containers/certs.d/<host[:port]>/},
 * {@code $HOME/.config/containers/certs.d/<host[:port]>/}, see {@link Builder#certsDirectories}); and the JVM's
 * default trust. They are added to the JVM's trust, never replace it. A registry that asks for a client certificate
 * gets the one given with {@link Builder#clientCertificate}, else the {@code client.cert} and {@code client.key} (any
 * {@code NAME.cert} with its {@code NAME.key}) of its certs.d directory. Files are PEM: X.509 certificates; private
 * keys in PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC) or RSA PKCS#1 ({@code BEGIN RSA PRIVATE KEY}); an EC or
 * encrypted key is refused with a message saying how to convert it ({@code openssl pkcs8 -topk8 -nocrypt}). They are
 * read at each push, so a renewed certificate is used without a new pusher. A TLS failure names the registry, what
 * failed (untrusted issuer, expired certificate, wrong host name, client certificate required or refused) and what
 * to do.
 *
 * <p>Plain HTTP only for loopback registries ({@code localhost},
 * {@code 127.0.0.0/8}, {@code [::1]}) and the hosts listed with {@link Builder#plainHttpHosts}. A registry allowed
 * plain HTTP is first asked over plain HTTP; when it accepts the connection but does not answer within the request
 * timeout (at most 10 s), the push fails saying so, with its address and scheme. A registry's host must be an IP
 * address or a name whose last label starts with a letter ({@code 127.1} is neither: write {@code 127.0.0.1}).
 * Requests answered
 * with 5xx, 408 or 429, and broken connections, are tried again with exponential backoff, a bounded number of
 * times. Every request ends within its timeout: the request timeout, for a blob's upload plus its size divided by
 * the minimum upload rate, whether or not the registry reads or answers. Every failure is a {@link PushException}
 * naming the ref, the registry and the registry's own {@code errors[].message}. Cancellation closes the connection
 * of the request in flight.
 *
 * <pre>{@code
 * RegistryPusher pusher = RegistryHttpPusher.builder(store)
 *         .credentials(credentialsProvider)
 *         .build();
 * String digest = pusher.push(ImageRef.parse("registry.example.com/app:tilt-0123456789abcdef"),
 *         line -> {}, Cancellation.never());
 * }</pre>
 *
 * Thread-safe; one instance can serve many pushes at once.
 */
public final class RegistryHttpPusher implements RegistryPusher {
    private final OciLayoutStore store;
    private final CredentialsProvider credentials;
    private final PushSettings settings;
    /** Connections with the JVM's default TLS, made on the first push (a build that never pushes opens none). */
    private HttpConnector http;
    private final TokenCache tokens;
    private final Map<String, String> schemes = new ConcurrentHashMap<>();
    private final RegistryTrust trust;
    private final Duration connectTimeout;
    private final Map<String, TlsHttp> tlsClients = new ConcurrentHashMap<>();

    /** Connections made with one registry's TLS material, known by the material's fingerprint. */
    private record TlsHttp(String fingerprint, HttpConnector http) {}

    private RegistryHttpPusher(Builder b) {
        this.store = b.store;
        this.credentials = b.credentials;
        this.settings = new PushSettings(b.plainHttpHosts, b.requestTimeout, b.minimumUploadRate, b.maxAttempts,
                b.initialBackoff);
        this.connectTimeout = b.connectTimeout;
        this.trust = new RegistryTrust(b.caFiles, b.registryCaFiles, b.clientFiles,
                b.certsDirectories != null ? b.certsDirectories : RegistryTrust.defaultCertsDirectories(home()));
        this.tokens = new TokenCache(Clock.systemUTC());
    }

    /** A builder pushing images from {@code store}. */
    public static Builder builder(OciLayoutStore store) {
        return new Builder(store);
    }

    @Override
    public String push(ImageRef ref, Consumer<String> progress, Cancellation cancellation) throws PushException {
        Objects.requireNonNull(ref, "ref");
        Consumer<String> out = progress == null ? line -> {} : progress;
        Cancellation cancel = cancellation == null ? Cancellation.never() : cancellation;
        String refText = ref.familiarString();
        if (ref.tag() == null && ref.digest() == null) {
            throw new PushException("cannot push " + refText + ": the ref has neither a tag nor a digest", refText);
        }
        OciImages.PushPlan plan;
        try {
            plan = store.planPush(ref);
        } catch (ImageStoreException e) {
            throw new PushException("cannot push " + refText + " to " + ref.domain() + ": " + e.getMessage(), refText,
                    e);
        }
        RegistryCredentials creds;
        try {
            creds = credentials.find(ref.domain()).orElse(null);
        } catch (CredentialsException e) {
            throw new PushException("cannot push " + refText + " to " + ref.domain() + ": " + e.getMessage(), refText,
                    e);
        }
        RegistryTrust.Material tls;
        try {
            tls = trust.material(ref.domain());
        } catch (Pem.PemException e) {
            throw new PushException("cannot push " + refText + " to " + ref.domain() + ": " + e.getMessage(), refText,
                    e);
        }
        try (RegistryClient client = new RegistryClient(httpFor(ref.domain(), tls, refText), settings, tokens,
                schemes, ref.domain(), ref.path(), creds, cancel, refText, tls)) {
            return push(client, plan, ref, out);
        }
    }

    /** The push proper, once planned: the greeting, the blobs, the manifests; the top manifest's digest. */
    private String push(RegistryClient client, OciImages.PushPlan plan, ImageRef ref, Consumer<String> out)
            throws PushException {
        String refText = ref.familiarString();
        client.start();
        BlobUploader blobs = new BlobUploader(client);
        ManifestUploader manifests = new ManifestUploader(client);
        long total = 0;
        for (Descriptor blob : plan.blobs()) {
            total += blob.size();
        }
        out.accept("pushing " + refText + " to " + client.base() + " (" + plan.blobs().size() + " blobs, "
                + human(total) + ")");
        for (Descriptor blob : plan.blobs()) {
            if (blobs.exists(blob)) {
                out.accept("blob " + shortDigest(blob.digest()) + " already exists");
            } else {
                blobs.upload(blob, store.layout());
                out.accept("blob " + shortDigest(blob.digest()) + " pushed (" + human(blob.size()) + ")");
            }
        }
        String digest = null;
        for (int i = 0; i < plan.manifests().size(); i++) {
            OciImages.Content m = plan.manifests().get(i);
            boolean top = i == plan.manifests().size() - 1;
            String reference = top && ref.tag() != null ? ref.tag() : m.descriptor().digest();
            digest = manifests.put(m.descriptor(), m.bytes(), reference);
            if (top) {
                out.accept("manifest " + shortDigest(digest) + " pushed as " + refText);
            }
        }
        return digest;
    }

    /** {@code $HOME}, else {@code user.home}. */
    private static Path home() {
        String home = System.getenv("HOME");
        return Path.of(home != null && !home.isBlank() ? home : System.getProperty("user.home"));
    }

    /** Connections with the JVM's default TLS, or with (and kept for) {@code registry}'s certificates. */
    private HttpConnector httpFor(String registry, RegistryTrust.Material tls, String refText) throws PushException {
        if (tls.isEmpty()) {
            synchronized (this) {
                if (http == null) {
                    http = new HttpConnector(connectTimeout, null);
                }
                return http;
            }
        }
        String fingerprint = tls.fingerprint();
        TlsHttp known = tlsClients.get(registry);
        if (known != null && known.fingerprint().equals(fingerprint)) {
            return known.http();
        }
        SSLContext context;
        try {
            context = tls.sslContext();
        } catch (GeneralSecurityException e) {
            throw new PushException("cannot push " + refText + " to " + registry + ": cannot use the certificates "
                    + tls.caSources() + " " + tls.clientSource() + ": " + e.getMessage(), refText, e);
        }
        HttpConnector connector = new HttpConnector(connectTimeout, context);
        tlsClients.put(registry, new TlsHttp(fingerprint, connector));
        return connector;
    }

    private static String shortDigest(String digest) {
        return digest.length() > 19 ? digest.substring(0, 19) : digest;
    }

    /** {@code 151 B}, {@code 1.5 KiB}, {@code 256.0 MiB}: one decimal, rounded half up. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        // not String.format: its first use in a JVM costs some 20 ms on the way to the first upload; the quotient
        // by a power of two is exact, so rounding it is what "%.1f" does
        boolean kib = bytes < 1024 * 1024;
        long tenths = Math.round(bytes * 10.0 / (kib ? 1024 : 1024 * 1024));
        return tenths / 10 + "." + tenths % 10 + (kib ? " KiB" : " MiB");
    }

    @Override
    public String toString() {
        return "RegistryHttpPusher[store=" + store.directory() + ", plainHttpHosts=" + settings.plainHttpHosts() + "]";
    }

    /** Configures a {@link RegistryHttpPusher}. */
    public static final class Builder {
        private final OciLayoutStore store;
        private CredentialsProvider credentials = CredentialsProvider.ANONYMOUS;
        private final Set<String> plainHttpHosts = new LinkedHashSet<>();
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(60);
        private long minimumUploadRate = 256 * 1024;
        private int maxAttempts = 3;
        private Duration initialBackoff = Duration.ofMillis(500);
        private final List<Path> caFiles = new ArrayList<>();
        private final Map<String, List<Path>> registryCaFiles = new LinkedHashMap<>();
        private final Map<String, RegistryTrust.ClientFiles> clientFiles = new LinkedHashMap<>();
        private List<Path> certsDirectories;

        private Builder(OciLayoutStore store) {
            this.store = Objects.requireNonNull(store, "store");
        }

        /** Where credentials come from (default: none, anonymous). */
        public Builder credentials(CredentialsProvider provider) {
            this.credentials = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * Registries ({@code host} or {@code host:port}) that may be spoken to over plain HTTP, after HTTPS
         * failed; loopback registries always may. Everything else needs HTTPS with a verified certificate.
         */
        public Builder plainHttpHosts(Set<String> hosts) {
            this.plainHttpHosts.clear();
            this.plainHttpHosts.addAll(hosts);
            return this;
        }

        /**
         * Trusts the CA certificates in {@code pemFile} (one or more {@code BEGIN CERTIFICATE} blocks) for every
         * registry, in addition to the JVM's default trust. Repeatable. The file is read at each push.
         */
        public Builder caCertificates(Path pemFile) {
            caFiles.add(Objects.requireNonNull(pemFile, "pemFile"));
            return this;
        }

        /**
         * Trusts the CA certificates in {@code pemFile} for one registry: {@code host:port}, or {@code host} for
         * any port (as in image refs: {@code registry.example.com}, {@code 10.0.0.5:5000}), in addition to the
         * JVM's default trust. Repeatable. The file is read at each push.
         */
        public Builder caCertificates(String registry, Path pemFile) {
            registryCaFiles.computeIfAbsent(registryKey(registry), k -> new ArrayList<>())
                    .add(Objects.requireNonNull(pemFile, "pemFile"));
            return this;
        }

        /**
         * The client certificate for mutual TLS with one registry ({@code host:port}, or {@code host} for any port):
         * {@code certificatePem} holds the certificate (then any intermediates), {@code keyPem} its private key in
         * PKCS#8 ({@code BEGIN PRIVATE KEY}, RSA or EC) or RSA PKCS#1 ({@code BEGIN RSA PRIVATE KEY}). It wins over
         * a certs.d directory's client certificate. The files are read at each push; a key that does not belong to
         * the certificate fails the push saying so.
         */
        public Builder clientCertificate(String registry, Path certificatePem, Path keyPem) {
            clientFiles.put(registryKey(registry), new RegistryTrust.ClientFiles(
                    Objects.requireNonNull(certificatePem, "certificatePem"), Objects.requireNonNull(keyPem, "keyPem")));
            return this;
        }

        /**
         * The certs.d roots, each holding a {@code <host[:port]>} directory per registry with {@code *.crt} CA
         * certificates and {@code NAME.cert} + {@code NAME.key} client certificates, read in this order (default:
         * {@code /etc/docker/certs.d}, {@code /etc/containers/certs.d},
         * {@code $HOME/.config/containers/certs.d} ({@code user.home} when {@code HOME} is unset); an empty list reads none). Missing directories are
         * skipped.
         */
        public Builder certsDirectories(List<Path> roots) {
            this.certsDirectories = List.copyOf(roots);
            return this;
        }

        private static String registryKey(String registry) {
            Objects.requireNonNull(registry, "registry");
            String key = registry.trim();
            if (key.isEmpty() || key.contains("/") || key.contains("://")) {
                throw new IllegalArgumentException("registry must be host or host:port, not \"" + registry + "\"");
            }
            return key;
        }

        /** The longest wait for a TCP connection and, for HTTPS, its TLS handshake (default 10 s). */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /**
         * The longest a small request may take, from connecting to the end of its answer (default 60 s); a blob's
         * upload gets this plus its size divided by the {@linkplain #minimumUploadRate minimum upload rate}.
         */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /**
         * The slowest acceptable blob upload in bytes per second (default 256 KiB/s): a blob's upload times out
         * after the request timeout plus its size divided by this rate.
         */
        public Builder minimumUploadRate(long bytesPerSecond) {
            if (bytesPerSecond < 1) {
                throw new IllegalArgumentException("minimumUploadRate must be positive");
            }
            this.minimumUploadRate = bytesPerSecond;
            return this;
        }

        /**
         * Retries: at most {@code maxAttempts} attempts per request (default 3) on 5xx/408/429 answers and broken
         * connections, waiting {@code initialBackoff} (default 500 ms) before the second, doubling each time.
         */
        public Builder retries(int maxAttempts, Duration initialBackoff) {
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1");
            }
            this.maxAttempts = maxAttempts;
            this.initialBackoff = Objects.requireNonNull(initialBackoff, "initialBackoff");
            return this;
        }

        /** The pusher. */
        public RegistryHttpPusher build() {
            return new RegistryHttpPusher(this);
        }

        private static Duration positive(Duration d, String name) {
            if (d == null || d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(name + " must be positive");
            }
            return d;
        }
    }
}

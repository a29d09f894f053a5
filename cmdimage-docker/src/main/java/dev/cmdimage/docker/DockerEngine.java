package dev.cmdimage.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Version;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.core.RemoteApiVersion;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.DockerConfigLocation;
import dev.cmdimage.docker.internal.Causes;
import dev.cmdimage.docker.internal.EngineAddress;
import dev.cmdimage.docker.internal.EngineClientConfig;
import dev.cmdimage.docker.internal.EngineTls;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connection to one Docker engine, shared by {@link DockerImageStore} and {@link DockerRegistryPusher}.
 *
 * <p>The engine is found like the Docker CLI finds it: explicit settings ({@link Builder#host}) first, then
 * {@code DOCKER_HOST} (with {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH}), then the Docker context
 * ({@code DOCKER_CONTEXT}, else {@code currentContext} in the Docker config, which is in {@code $DOCKER_CONFIG}, else
 * {@code $HOME/.docker}, else {@code user.home}'s {@code .docker}; context files are only read), then
 * the default socket. The connection is opened on first use: cmdimage asks the engine for its API version and
 * speaks the lower of that and the newest version it knows ({@value #CLIENT_MAX_API_VERSION}), so engines that
 * speak only API 1.41 (Docker 20.10) work. An engine that cannot be reached is an {@link ImageStoreException}
 * naming the address tried and where it came from.
 *
 * <p>With TLS ({@code DOCKER_TLS_VERIFY}, {@link Builder#tlsVerify}, or a context with TLS material) the material is
 * read as the Docker CLI reads it from {@code DOCKER_CERT_PATH} (default: the Docker configuration directory) or the
 * context's TLS directory: {@code ca.pem}, when present, is the only CA trusted (else the JVM's), {@code cert.pem} and
 * {@code key.pem}, when both are present, the client certificate. The connection always uses TLS with the engine's
 * certificate and host name verified; a TLS failure names the engine, what failed (untrusted issuer, expired, wrong
 * host name, client certificate required or refused) and which file to fix.
 *
 * <p>Thread-safe. {@link #close()} releases the connections.
 */
public final class DockerEngine implements AutoCloseable {
    /** The newest Docker Engine API version cmdimage asks for. */
    public static final String CLIENT_MAX_API_VERSION = "1.44";

    private static final Logger LOG = LoggerFactory.getLogger(DockerEngine.class);
    private static final RemoteApiVersion CLIENT_MAX = RemoteApiVersion.parseConfig(CLIENT_MAX_API_VERSION);

    private final EngineAddress address;
    private final Duration connectTimeout;
    private final Duration requestTimeout;
    private final Duration streamIdleTimeout;

    private DockerClient client;
    private DockerClient streamingClient;
    private EngineTls tls;
    private String apiVersion;
    private boolean closed;

    private DockerEngine(Builder b) {
        Map<String, String> env = b.environment != null ? b.environment : System.getenv();
        DockerConfigLocation config = b.home != null ? DockerConfigLocation.of(env, b.home)
                : DockerConfigLocation.of(env);
        this.address = EngineAddress.resolve(b.host, b.tlsVerify, b.certPath, env, config);
        this.connectTimeout = b.connectTimeout;
        this.requestTimeout = b.requestTimeout;
        this.streamIdleTimeout = b.streamIdleTimeout;
    }

    /** The engine the JVM's environment points at (or the default socket). */
    public static DockerEngine fromEnvironment() {
        return builder().build();
    }

    /** A builder; without settings it gives {@link #fromEnvironment()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The engine's address, e.g. {@code unix:///var/run/docker.sock}. */
    public String host() {
        return address.host();
    }

    /**
     * Where the address came from: {@code explicit settings}, {@code DOCKER_HOST}, {@code Docker context "x"
     * (from DOCKER_CONTEXT)}, or {@code the default socket}.
     */
    public String hostSource() {
        return address.source();
    }

    /** Whether the connection uses TLS. */
    public boolean tls() {
        return address.tlsVerify();
    }

    /** Names the engine for people, e.g. {@code Docker engine at unix:///var/run/docker.sock}. */
    public String description() {
        return "Docker engine at " + address.host();
    }

    /**
     * The environment a command needs to talk to this same engine: {@code DOCKER_HOST}, and with TLS
     * {@code DOCKER_TLS_VERIFY=1} and {@code DOCKER_CERT_PATH}. ({@code DOCKER_HOST} wins over a
     * {@code DOCKER_CONTEXT} the command may inherit, as in the Docker CLI.)
     */
    public Map<String, String> commandEnvironment() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("DOCKER_HOST", address.host());
        if (address.tlsVerify()) {
            env.put("DOCKER_TLS_VERIFY", "1");
            if (address.certPath() != null) {
                env.put("DOCKER_CERT_PATH", address.certPath().toString());
            }
        }
        return Map.copyOf(env);
    }

    /**
     * The API version spoken with the engine (negotiated on first use).
     *
     * @throws ImageStoreException when the engine cannot be reached
     */
    public String apiVersion() throws ImageStoreException {
        connect(null);
        synchronized (this) {
            return apiVersion;
        }
    }

    /**
     * The client for short requests (inspect, tag), connecting first if needed.
     *
     * @param doing what the caller is about to do, for the message when the engine cannot be reached
     */
    DockerClient client(String doing) throws ImageStoreException {
        connect(doing);
        synchronized (this) {
            return client;
        }
    }

    /** The client for long streams (push): same engine, a longer idle read timeout. */
    DockerClient streamingClient(String doing) throws ImageStoreException {
        connect(doing);
        synchronized (this) {
            return streamingClient;
        }
    }

    /** A sentence saying the engine could not be reached, naming the address tried and why. */
    String unreachable(Throwable cause, String doing) {
        return unreachable(Causes.describe(cause), doing);
    }

    private String unreachable(String why, String doing) {
        return "Cannot reach the Docker engine at " + address.describe() + (doing == null ? "" : " to " + doing)
                + ": " + why + ". Is the engine running, and does DOCKER_HOST or the Docker context point at it?";
    }

    private synchronized void connect(String doing) throws ImageStoreException {
        if (closed) {
            throw new ImageStoreException(description() + ": the connection was closed");
        }
        if (client != null) {
            return;
        }
        if (address.error() != null) {
            throw new ImageStoreException(address.error());
        }
        if (address.host().startsWith("ssh://")) {
            throw new ImageStoreException("The Docker engine at " + address.describe()
                    + " is reached over ssh, which cmdimage does not support; forward the engine's socket "
                    + "(ssh -L) and point DOCKER_HOST at it");
        }
        URI uri;
        try {
            uri = URI.create(address.host());
        } catch (IllegalArgumentException e) {
            throw new ImageStoreException("The Docker engine address " + address.describe() + " is not a valid URI: "
                    + e.getMessage());
        }
        if (address.tlsVerify() && tls == null) {
            tls = EngineTls.load(address.certPath(), "Docker engine at " + address.describe());
        }
        // the version request is part of connecting: an engine that accepts but never answers fails within the
        // connect timeout, not the (longer) request timeout
        DockerClient probe = open(uri, RemoteApiVersion.unknown(), connectTimeout);
        String engineApi;
        try {
            Version v = probe.versionCmd().exec();
            engineApi = v.getApiVersion();
        } catch (RuntimeException e) {
            closeQuietly(probe);
            String tlsProblem = tls == null ? null
                    : tls.problem(e, "Docker engine at " + address.describe(), uri.getHost());
            if (tlsProblem != null) {
                throw new ImageStoreException(tlsProblem, e);
            }
            String why = Causes.isTimeout(e) ? "it did not answer within " + Causes.format(connectTimeout)
                    : Causes.describe(e);
            throw new ImageStoreException(unreachable(why, doing), e);
        }
        closeQuietly(probe);
        RemoteApiVersion chosen = RemoteApiVersion.unknown();
        if (engineApi != null && !engineApi.isBlank()) {
            RemoteApiVersion engine = RemoteApiVersion.parseConfig(engineApi);
            chosen = engine.isGreater(CLIENT_MAX) ? CLIENT_MAX : engine;
        }
        LOG.debug("Docker engine at {} speaks API {}; using {}", address.describe(), engineApi, chosen);
        client = open(uri, chosen, requestTimeout);
        streamingClient = open(uri, chosen, streamIdleTimeout);
        apiVersion = chosen.equals(RemoteApiVersion.unknown()) ? engineApi : chosen.getVersion();
    }

    private DockerClient open(URI uri, RemoteApiVersion version, Duration responseTimeout) {
        ApacheDockerHttpClient http = new ApacheDockerHttpClient.Builder()
                .dockerHost(uri)
                .sslConfig(tls)
                .maxConnections(16)
                .connectionTimeout(connectTimeout)
                .responseTimeout(responseTimeout)
                .build();
        return DockerClientImpl.getInstance(new EngineClientConfig(uri, version, tls), http);
    }

    private static void closeQuietly(DockerClient c) {
        try {
            c.close();
        } catch (IOException | RuntimeException ignored) {
            // nothing to do
        }
    }

    /** Closes the connections; later calls fail with an {@link ImageStoreException}. */
    @Override
    public synchronized void close() {
        closed = true;
        if (client != null) {
            closeQuietly(client);
            closeQuietly(streamingClient);
            client = null;
            streamingClient = null;
        }
    }

    @Override
    public String toString() {
        return "DockerEngine[" + address.describe() + "]";
    }

    /** Settings for a {@link DockerEngine}; everything left unset follows the environment. */
    public static final class Builder {
        private String host;
        private Boolean tlsVerify;
        private Path certPath;
        private Map<String, String> environment;
        private Path home;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofMinutes(2);
        private Duration streamIdleTimeout = Duration.ofMinutes(10);

        private Builder() {}

        /** The engine's address ({@code unix://...}, {@code tcp://host:port}, {@code npipe://...}); wins over all. */
        public Builder host(String host) {
            this.host = host;
            return this;
        }

        /** Whether to use TLS and verify the engine (default: {@code DOCKER_TLS_VERIFY}, or a cert path given). */
        public Builder tlsVerify(boolean tlsVerify) {
            this.tlsVerify = tlsVerify;
            return this;
        }

        /** The directory with {@code ca.pem}, {@code cert.pem}, {@code key.pem} (default: {@code DOCKER_CERT_PATH}). */
        public Builder certPath(Path certPath) {
            this.certPath = certPath;
            return this;
        }

        /**
         * The environment to read {@code DOCKER_*} variables and {@code HOME} from (default: the JVM's). The Docker
         * configuration directory is {@code $DOCKER_CONFIG}, else {@code $HOME/.docker}, else {@link #home}'s
         * {@code .docker} (see {@link DockerConfigLocation}).
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(environment);
            return this;
        }

        /**
         * The home directory whose {@code .docker} holds the Docker configuration when the environment sets neither
         * {@code DOCKER_CONFIG} nor {@code HOME} (default: {@code user.home}).
         */
        public Builder home(Path home) {
            this.home = home;
            return this;
        }

        /**
         * How long connecting may take (default 10 s): opening the connection, and then, on first use, the engine's
         * answer to the version request that starts every session, so that an address which accepts connections but
         * never answers fails within about twice this time.
         */
        public Builder connectTimeout(Duration timeout) {
            this.connectTimeout = positive(timeout, "connectTimeout");
            return this;
        }

        /** How long a short request (version, inspect, tag) may wait for an answer (default 2 min). */
        public Builder requestTimeout(Duration timeout) {
            this.requestTimeout = positive(timeout, "requestTimeout");
            return this;
        }

        /** How long a push stream may stay silent before it is abandoned (default 10 min). */
        public Builder streamIdleTimeout(Duration timeout) {
            this.streamIdleTimeout = positive(timeout, "streamIdleTimeout");
            return this;
        }

        private static Duration positive(Duration d, String what) {
            Objects.requireNonNull(d, what);
            if (d.isNegative() || d.isZero()) {
                throw new IllegalArgumentException(what + " must be positive: " + d);
            }
            return d;
        }

        /** The engine (not connected yet: the first use connects). */
        public DockerEngine build() {
            return new DockerEngine(this);
        }
    }
}

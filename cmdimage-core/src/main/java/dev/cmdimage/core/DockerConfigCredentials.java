package dev.cmdimage.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.core.internal.credentials.CredentialHelper;
import dev.cmdimage.core.internal.credentials.DockerConfigFile;
import dev.cmdimage.core.internal.credentials.RegistryNames;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Registry credentials the way the Docker CLI finds them, from the {@code config.json} in the Docker configuration
 * directory: {@code $DOCKER_CONFIG}, else {@code $HOME/.docker}, else {@code .docker} in {@code user.home} (see
 * {@link DockerConfigLocation}). The file is read on every lookup and never written.
 *
 * <p>For a registry, in this order:
 * <ol>
 *   <li>a per-registry helper in {@code credHelpers}, else the default helper {@code credsStore}: runs
 *       {@code docker-credential-<helper> get} with the server URL on stdin (bounded time). A helper named in the
 *       config but not on the PATH is a {@link CredentialsException} naming it, never a silent anonymous push;
 *       a helper answering "credentials not found" means none from it;</li>
 *   <li>the {@code auths} entry: {@code auth} (base64 {@code user:password}), {@code identitytoken}, or
 *       {@code username}/{@code password}.</li>
 * </ol>
 * Keys may be bare hosts ({@code localhost:5000}) or URLs ({@code https://registry.example.com/v1/}); Docker Hub
 * is found under any of {@code docker.io}, {@code index.docker.io}, {@code registry-1.docker.io} and
 * {@code https://index.docker.io/v1/}. No config file means anonymous access. Secrets never appear in messages or
 * {@link #toString()}.
 */
public final class DockerConfigCredentials implements CredentialsProvider {
    /** How long a credential helper may take when none is set. */
    public static final Duration DEFAULT_HELPER_TIMEOUT = Duration.ofSeconds(30);

    private final Map<String, String> environment;
    private final Path configFile;
    private final Duration helperTimeout;

    private DockerConfigCredentials(Map<String, String> environment, Path configFile, Duration helperTimeout) {
        this.environment = Map.copyOf(environment);
        this.configFile = configFile;
        this.helperTimeout = helperTimeout;
    }

    /**
     * Reads the config the JVM's environment points at: {@code $DOCKER_CONFIG}, else {@code $HOME/.docker}, else
     * {@code .docker} in {@code user.home}.
     */
    public static DockerConfigCredentials fromEnvironment() {
        return of(System.getenv());
    }

    /**
     * Reads the config {@code environment} points at: {@code $DOCKER_CONFIG/config.json}, else
     * {@code $HOME/.docker/config.json}, else {@code .docker/config.json} in the JVM's {@code user.home}. Credential
     * helpers are looked up on the environment's {@code PATH} and run with that environment.
     */
    public static DockerConfigCredentials of(Map<String, String> environment) {
        return of(environment, DockerConfigLocation.of(environment));
    }

    /**
     * Reads the config {@code environment} points at: {@code $DOCKER_CONFIG/config.json}, else
     * {@code $HOME/.docker/config.json}, else {@code home/.docker/config.json}. Credential helpers are looked up on
     * the environment's {@code PATH} and run with that environment.
     *
     * @param home the home directory used when the environment sets neither {@code DOCKER_CONFIG} nor {@code HOME}
     */
    public static DockerConfigCredentials of(Map<String, String> environment, Path home) {
        return of(environment, DockerConfigLocation.of(environment, home));
    }

    /**
     * Reads the {@code config.json} of {@code location}. Credential helpers are looked up on the environment's
     * {@code PATH} and run with that environment.
     */
    public static DockerConfigCredentials of(Map<String, String> environment, DockerConfigLocation location) {
        Objects.requireNonNull(environment, "environment");
        return new DockerConfigCredentials(environment, location.configFile(), DEFAULT_HELPER_TIMEOUT);
    }

    /** The same provider with another limit on how long a credential helper may run. */
    public DockerConfigCredentials withHelperTimeout(Duration timeout) {
        if (timeout == null || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("helper timeout must be positive: " + timeout);
        }
        return new DockerConfigCredentials(environment, configFile, timeout);
    }

    /** The config file this provider reads (it need not exist). */
    public Path configFile() {
        return configFile;
    }

    /**
     * The address {@code docker login} stores a registry under, and which credential helpers are asked for:
     * {@code https://index.docker.io/v1/} for Docker Hub, otherwise the registry's host.
     */
    public static String serverAddress(String registry) {
        return RegistryNames.serverAddress(registry);
    }

    @Override
    public Optional<RegistryCredentials> find(String registry) throws CredentialsException {
        Objects.requireNonNull(registry, "registry");
        DockerConfigFile config = DockerConfigFile.read(configFile);
        String server = RegistryNames.serverAddress(registry);
        String helper = config.helperFor(registry);
        String why = "credHelpers in " + configFile;
        if (helper == null && config.credsStore() != null) {
            helper = config.credsStore();
            why = "credsStore in " + configFile;
        }
        if (helper != null) {
            Optional<RegistryCredentials> fromHelper =
                    new CredentialHelper(helper, environment, helperTimeout).get(server, why);
            if (fromHelper.isPresent()) {
                return fromHelper;
            }
        }
        Map.Entry<String, JsonNode> entry = config.authsEntryFor(registry);
        return entry == null ? Optional.empty() : fromAuths(entry.getKey(), entry.getValue());
    }

    private Optional<RegistryCredentials> fromAuths(String key, JsonNode entry) throws CredentialsException {
        String token = text(entry, "identitytoken");
        String auth = text(entry, "auth");
        if (auth != null) {
            String decoded;
            try {
                decoded = new String(Base64.getDecoder().decode(auth.trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw new CredentialsException("The \"auth\" of \"" + key + "\" in " + configFile
                        + " is not valid base64");
            }
            int colon = decoded.indexOf(':');
            if (colon < 0) {
                throw new CredentialsException("The \"auth\" of \"" + key + "\" in " + configFile
                        + " does not decode to user:password");
            }
            String user = decoded.substring(0, colon);
            String password = decoded.substring(colon + 1);
            if (token != null) {
                return Optional.of(new RegistryCredentials(user, token, true));
            }
            if (user.isEmpty() && password.isEmpty()) {
                return Optional.empty();
            }
            return Optional.of(RegistryCredentials.basic(user, password));
        }
        if (token != null) {
            return Optional.of(new RegistryCredentials(text(entry, "username"), token, true));
        }
        String user = text(entry, "username");
        String password = text(entry, "password");
        if (user != null && password != null) {
            return Optional.of(RegistryCredentials.basic(user, password));
        }
        return Optional.empty();
    }

    private static String text(JsonNode entry, String field) {
        JsonNode n = entry.get(field);
        return n != null && n.isTextual() && !n.asText().isEmpty() ? n.asText() : null;
    }

    @Override
    public String toString() {
        return "DockerConfigCredentials[" + configFile + "]";
    }
}

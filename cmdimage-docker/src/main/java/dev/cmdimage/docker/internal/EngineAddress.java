package dev.cmdimage.docker.internal;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmdimage.core.DockerConfigLocation;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;

/**
 * Where the Docker engine is, and why there: resolved like the Docker CLI does, from explicit settings, then
 * {@code DOCKER_HOST} (with {@code DOCKER_TLS_VERIFY}, {@code DOCKER_CERT_PATH}), then the Docker context
 * ({@code DOCKER_CONTEXT}, else {@code currentContext} in the Docker config), then the default socket. The Docker
 * configuration directory (contexts, TLS material) is the one {@link DockerConfigLocation} finds. Context files are
 * only read.
 *
 * @param host      the engine address, e.g. {@code unix:///var/run/docker.sock} or {@code tcp://10.0.0.5:2376}
 * @param tlsVerify whether to talk TLS, verifying the engine's certificate
 * @param certPath  the directory holding {@code ca.pem}, {@code cert.pem}, {@code key.pem}, or {@code null}
 * @param source    where the address came from, for people: {@code DOCKER_HOST}, {@code Docker context "x"}, ...
 * @param error     why no address could be resolved (then {@code host} is what was attempted), or {@code null}
 */
public record EngineAddress(String host, boolean tlsVerify, Path certPath, String source, String error) {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    /** The engine's address when nothing says otherwise. */
    public static String defaultHost() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows")
                ? "npipe:////./pipe/docker_engine" : "unix:///var/run/docker.sock";
    }

    /**
     * Resolves the address.
     *
     * @param explicitHost      the caller's explicit host, or {@code null}
     * @param explicitTlsVerify the caller's TLS choice, or {@code null} to follow the environment
     * @param explicitCertPath  the caller's certificate directory, or {@code null}
     * @param env               the environment ({@code DOCKER_HOST}, {@code DOCKER_CONTEXT}, {@code DOCKER_TLS_VERIFY},
     *                          {@code DOCKER_CERT_PATH})
     * @param config            the Docker configuration directory (contexts, the default TLS material)
     */
    public static EngineAddress resolve(String explicitHost, Boolean explicitTlsVerify, Path explicitCertPath,
                                        Map<String, String> env, DockerConfigLocation config) {
        Path configDir = config.directory();
        if (nonBlank(explicitHost)) {
            boolean tls = explicitTlsVerify != null ? explicitTlsVerify : explicitCertPath != null;
            return new EngineAddress(explicitHost.trim(), tls, tls ? certDir(explicitCertPath, env, configDir) : null,
                    "explicit settings", null);
        }
        if (nonBlank(env.get("DOCKER_HOST"))) {
            // like the Docker CLI: any non-empty DOCKER_TLS_VERIFY turns verification on
            boolean tls = explicitTlsVerify != null ? explicitTlsVerify : nonBlank(env.get("DOCKER_TLS_VERIFY"));
            return new EngineAddress(env.get("DOCKER_HOST").trim(), tls,
                    tls ? certDir(explicitCertPath, env, configDir) : null, "DOCKER_HOST", null);
        }
        String context = env.get("DOCKER_CONTEXT");
        String contextSource = "DOCKER_CONTEXT";
        if (!nonBlank(context)) {
            context = config.currentContext().orElse(null);
            contextSource = "currentContext in " + config.configFile();
        }
        if (nonBlank(context) && !context.trim().equals("default")) {
            return fromContext(context.trim(), contextSource, configDir);
        }
        return new EngineAddress(defaultHost(), false, null, "the default socket", null);
    }

    private static EngineAddress fromContext(String name, String contextSource, Path configDir) {
        String id = sha256Hex(name);
        Path meta = configDir.resolve("contexts").resolve("meta").resolve(id).resolve("meta.json");
        String source = "Docker context \"" + name + "\" (from " + contextSource + ")";
        JsonNode root;
        try {
            root = MAPPER.readTree(Files.readAllBytes(meta));
        } catch (NoSuchFileException e) {
            return new EngineAddress(defaultHost(), false, null, source,
                    "Docker context \"" + name + "\" (from " + contextSource + ") does not exist: no " + meta);
        } catch (IOException e) {
            return new EngineAddress(defaultHost(), false, null, source,
                    "Cannot read Docker context \"" + name + "\" from " + meta + ": " + e.getClass().getSimpleName());
        }
        JsonNode docker = root == null ? null : root.path("Endpoints").path("docker");
        String host = docker == null ? null : docker.path("Host").asText(null);
        if (!nonBlank(host)) {
            return new EngineAddress(defaultHost(), false, null, source,
                    "Docker context \"" + name + "\" in " + meta + " has no docker endpoint Host");
        }
        Path tlsDir = configDir.resolve("contexts").resolve("tls").resolve(id).resolve("docker");
        boolean tls = Files.isRegularFile(tlsDir.resolve("ca.pem")) || Files.isRegularFile(tlsDir.resolve("cert.pem"));
        return new EngineAddress(host.trim(), tls, tls ? tlsDir : null, source, null);
    }

    private static Path certDir(Path explicit, Map<String, String> env, Path configDir) {
        if (explicit != null) {
            return explicit;
        }
        return nonBlank(env.get("DOCKER_CERT_PATH")) ? Path.of(env.get("DOCKER_CERT_PATH")) : configDir;
    }

    private static boolean nonBlank(String s) {
        return s != null && !s.isBlank();
    }

    private static String sha256Hex(String s) {
        try {
            return HexFormat.of().formatHex(
                    MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The address and where it came from, e.g. {@code unix:///var/run/docker.sock (from DOCKER_HOST)}. */
    public String describe() {
        return host + " (from " + source + ")";
    }
}

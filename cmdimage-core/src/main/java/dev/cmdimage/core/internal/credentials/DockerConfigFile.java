package dev.cmdimage.core.internal.credentials;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmdimage.api.CredentialsException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The parts of a Docker {@code config.json} that concern registry credentials, read once, never written.
 *
 * @param file        where it was read from
 * @param auths       the {@code auths} entries by key, as JSON objects
 * @param credsStore  the default credential helper's suffix ({@code desktop}, {@code pass}, ...), or {@code null}
 * @param credHelpers per-registry credential helper suffixes, by key
 * @param currentContext the {@code currentContext}, or {@code null}
 */
public record DockerConfigFile(
        Path file, Map<String, JsonNode> auths, String credsStore, Map<String, String> credHelpers,
        String currentContext) {

    private static final ObjectMapper MAPPER = new ObjectMapper(
            JsonFactory.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build());

    public DockerConfigFile {
        auths = Collections.unmodifiableMap(new LinkedHashMap<>(auths));
        credHelpers = Collections.unmodifiableMap(new LinkedHashMap<>(credHelpers));
    }

    /** Reads {@code file}; a file that does not exist reads as an empty config. */
    public static DockerConfigFile read(Path file) throws CredentialsException {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            return new DockerConfigFile(file, Map.of(), null, Map.of(), null);
        } catch (IOException e) {
            throw new CredentialsException("Cannot read the Docker config " + file + ": " + e, e);
        }
        JsonNode root;
        try {
            root = MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            // never echo the content: it holds secrets
            String where = e.getLocation() == null ? ""
                    : " (line " + e.getLocation().getLineNr() + ", column " + e.getLocation().getColumnNr() + ")";
            throw new CredentialsException("The Docker config " + file + " is not valid JSON" + where);
        } catch (IOException e) {
            throw new CredentialsException("Cannot read the Docker config " + file + ": " + e.getClass().getSimpleName());
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            return new DockerConfigFile(file, Map.of(), null, Map.of(), null);
        }
        if (!root.isObject()) {
            throw new CredentialsException("The Docker config " + file + " is not a JSON object");
        }
        Map<String, JsonNode> auths = new LinkedHashMap<>();
        JsonNode authsNode = root.get("auths");
        if (authsNode != null && authsNode.isObject()) {
            for (Map.Entry<String, JsonNode> e : authsNode.properties()) {
                if (e.getValue().isObject()) {
                    auths.put(e.getKey(), e.getValue());
                }
            }
        }
        Map<String, String> helpers = new LinkedHashMap<>();
        JsonNode helpersNode = root.get("credHelpers");
        if (helpersNode != null && helpersNode.isObject()) {
            for (Map.Entry<String, JsonNode> e : helpersNode.properties()) {
                if (e.getValue().isTextual() && !e.getValue().asText().isBlank()) {
                    helpers.put(e.getKey(), e.getValue().asText().trim());
                }
            }
        }
        return new DockerConfigFile(file, auths, text(root, "credsStore"), helpers, text(root, "currentContext"));
    }

    private static String text(JsonNode root, String field) {
        JsonNode n = root.get(field);
        return n != null && n.isTextual() && !n.asText().isBlank() ? n.asText().trim() : null;
    }

    /** The credential helper suffix configured for {@code registry} in {@code credHelpers}, or {@code null}. */
    public String helperFor(String registry) {
        String exact = credHelpers.get(registry);
        if (exact != null) {
            return exact;
        }
        for (Map.Entry<String, String> e : credHelpers.entrySet()) {
            if (RegistryNames.same(e.getKey(), registry)) {
                return e.getValue();
            }
        }
        return null;
    }

    /**
     * The {@code auths} entry for {@code registry}: the exact key, then (for Docker Hub) the Hub URL key, then any
     * key naming the same host.
     *
     * @return the key and its entry, or {@code null}
     */
    public Map.Entry<String, JsonNode> authsEntryFor(String registry) {
        JsonNode exact = auths.get(registry);
        if (exact != null) {
            return Map.entry(registry, exact);
        }
        if (RegistryNames.isHub(registry) && auths.containsKey(RegistryNames.HUB_SERVER_ADDRESS)) {
            return Map.entry(RegistryNames.HUB_SERVER_ADDRESS, auths.get(RegistryNames.HUB_SERVER_ADDRESS));
        }
        for (Map.Entry<String, JsonNode> e : auths.entrySet()) {
            if (RegistryNames.same(e.getKey(), registry)) {
                return e;
            }
        }
        return null;
    }

    /** The {@code auths} entries are named, never shown: they hold passwords and tokens. */
    @Override
    public String toString() {
        return "DockerConfigFile[file=" + file + ", auths=" + auths.keySet() + ", credsStore=" + credsStore
                + ", credHelpers=" + credHelpers + ", currentContext=" + currentContext + "]";
    }
}

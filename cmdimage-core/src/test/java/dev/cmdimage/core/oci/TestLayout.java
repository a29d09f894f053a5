package dev.cmdimage.core.oci;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;

/** Writes OCI layouts for tests, byte by byte, independent of the code under test. */
final class TestLayout {
    static final String OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
    static final String OCI_INDEX = "application/vnd.oci.image.index.v1+json";
    static final String OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
    static final String OCI_LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
    static final ObjectMapper JSON = new ObjectMapper();

    final Path root;
    private final ArrayNode entries;
    private final ObjectNode index;
    private final Random random = new Random(42);

    TestLayout(Path root) {
        this.root = root;
        this.index = JSON.createObjectNode().put("schemaVersion", 2);
        this.entries = index.putArray("manifests");
        try {
            Files.createDirectories(root.resolve("blobs/sha256"));
            Files.writeString(root.resolve("oci-layout"), "{\"imageLayoutVersion\":\"1.0.0\"}");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        save();
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Path blob(String digest) {
        return root.resolve("blobs/sha256").resolve(digest.substring(7));
    }

    /** Stores bytes as a blob; returns a descriptor. */
    ObjectNode blob(String mediaType, byte[] bytes) {
        String digest = sha256(bytes);
        try {
            Files.write(blob(digest), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", bytes.length);
    }

    byte[] randomBytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }

    /** An image with one random layer; returns the manifest descriptor. The config's digest is in {@link Image}. */
    Image image(String arch) {
        return image(arch, OCI_MANIFEST, OCI_CONFIG, OCI_LAYER);
    }

    Image image(String arch, String manifestType, String configType, String layerType) {
        ObjectNode layer = blob(layerType, randomBytes(1000 + random.nextInt(1000)));
        ObjectNode configJson = JSON.createObjectNode().put("architecture", arch).put("os", "linux")
                .put("salt", random.nextLong());
        configJson.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(layer.get("digest").asText());
        ObjectNode config = blob(configType, configJson.toString().getBytes(StandardCharsets.UTF_8));
        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", manifestType);
        manifest.set("config", config);
        manifest.putArray("layers").add(layer);
        ObjectNode desc = blob(manifestType, manifest.toString().getBytes(StandardCharsets.UTF_8));
        return new Image(desc, config.get("digest").asText(), layer.get("digest").asText(), manifest);
    }

    /** An image index over {@code children}, each given the platform linux/arch. */
    ObjectNode index(String mediaType, ObjectNode... platformed) {
        ObjectNode idx = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", mediaType);
        ArrayNode m = idx.putArray("manifests");
        for (ObjectNode c : platformed) {
            m.add(c);
        }
        return blob(mediaType, idx.toString().getBytes(StandardCharsets.UTF_8));
    }

    static ObjectNode withPlatform(ObjectNode desc, String os, String arch) {
        ObjectNode d = desc.deepCopy();
        d.putObject("platform").put("os", os).put("architecture", arch);
        return d;
    }

    /** Adds an index.json entry named {@code name} (no annotation when null). */
    TestLayout entry(ObjectNode desc, String name) {
        ObjectNode e = desc.deepCopy();
        if (name != null) {
            e.putObject("annotations").put("org.opencontainers.image.ref.name", name);
        }
        entries.add(e);
        save();
        return this;
    }

    void save() {
        try {
            Files.writeString(root.resolve("index.json"), index.toString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** An image written by the test. */
    record Image(ObjectNode descriptor, String configDigest, String layerDigest, ObjectNode manifest) {
        String digest() {
            return descriptor.get("digest").asText();
        }
    }
}

package dev.cmdimage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;

/**
 * Writes small, valid images into an OCI image layout, as a build script would (for {@code OciLayoutStore} tests
 * that run no process): one gzipped tar layer holding one file, {@code /hello.txt}, an image config for
 * {@code linux/amd64}, and a manifest named in {@code index.json} by the {@code org.opencontainers.image.ref.name}
 * annotation. The same content gives the same image ID. Existing entries of {@code index.json} are kept.
 */
public final class OciTestImages {
    /** The media type of the manifests written. */
    public static final String MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private OciTestImages() {}

    /**
     * Writes the image into {@code layout} (created when missing) and names it {@code refName}.
     *
     * @param refName the name in {@code index.json}, e.g. {@code $EXPECTED_REF}
     * @param content the text of the image's one file, {@code /hello.txt}
     * @return the image ID ({@code sha256:} and the config's digest)
     * @throws IOException when the layout cannot be written
     */
    public static synchronized String write(Path layout, String refName, String content) throws IOException {
        Files.createDirectories(layout.resolve("blobs/sha256"));
        Path marker = layout.resolve("oci-layout");
        if (!Files.exists(marker)) {
            Files.writeString(marker, "{\"imageLayoutVersion\":\"1.0.0\"}");
        }
        byte[] tar = tar("hello.txt", content.getBytes(StandardCharsets.UTF_8));
        byte[] layer = gzip(tar);
        String layerDigest = store(layout, layer);

        ObjectNode config = JSON.createObjectNode().put("architecture", "amd64").put("os", "linux");
        config.putObject("rootfs").put("type", "layers").putArray("diff_ids").add(sha256(tar));
        byte[] configBytes = JSON.writeValueAsBytes(config);
        String configDigest = store(layout, configBytes);

        ObjectNode manifest = JSON.createObjectNode().put("schemaVersion", 2).put("mediaType", MANIFEST_TYPE);
        manifest.set("config", descriptor("application/vnd.oci.image.config.v1+json", configDigest,
                configBytes.length));
        manifest.putArray("layers").add(descriptor("application/vnd.oci.image.layer.v1.tar+gzip", layerDigest,
                layer.length));
        byte[] manifestBytes = JSON.writeValueAsBytes(manifest);
        String manifestDigest = store(layout, manifestBytes);

        Path indexFile = layout.resolve("index.json");
        ObjectNode index = Files.exists(indexFile) ? (ObjectNode) JSON.readTree(indexFile.toFile())
                : JSON.createObjectNode().put("schemaVersion", 2);
        JsonNode existing = index.get("manifests");
        ArrayNode entries = existing instanceof ArrayNode a ? a : index.putArray("manifests");
        ObjectNode entry = descriptor(MANIFEST_TYPE, manifestDigest, manifestBytes.length);
        entry.putObject("annotations").put("org.opencontainers.image.ref.name", refName);
        entry.putObject("platform").put("architecture", "amd64").put("os", "linux");
        entries.insert(0, entry);
        Path tmp = layout.resolve(".index.json." + ProcessHandle.current().pid() + ".tmp");
        Files.write(tmp, JSON.writeValueAsBytes(index));
        Files.move(tmp, indexFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        return configDigest;
    }

    private static ObjectNode descriptor(String mediaType, String digest, long size) {
        return JSON.createObjectNode().put("mediaType", mediaType).put("digest", digest).put("size", size);
    }

    private static String store(Path layout, byte[] bytes) throws IOException {
        String digest = sha256(bytes);
        Path blob = layout.resolve("blobs/sha256").resolve(digest.substring("sha256:".length()));
        if (!Files.exists(blob)) {
            Files.write(blob, bytes);
        }
        return digest;
    }

    /** A ustar archive holding one regular file, owned by root, mode 0644, time 0. */
    private static byte[] tar(String name, byte[] data) {
        byte[] header = new byte[512];
        put(header, 0, name);
        put(header, 100, "0000644");
        put(header, 108, "0000000");
        put(header, 116, "0000000");
        put(header, 124, String.format("%011o", data.length));
        put(header, 136, "00000000000");
        header[156] = '0';
        put(header, 257, "ustar");
        put(header, 263, "00");
        for (int i = 148; i < 156; i++) {
            header[i] = ' ';
        }
        int sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum));
        header[155] = ' ';
        int padded = (data.length + 511) / 512 * 512;
        byte[] out = new byte[512 + padded + 1024];
        System.arraycopy(header, 0, out, 0, 512);
        System.arraycopy(data, 0, out, 512, data.length);
        return out;
    }

    private static void put(byte[] header, int offset, String text) {
        byte[] b = text.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, b.length);
    }

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(bytes);
        }
        return out.toByteArray();
    }

    /** {@code sha256:<hex>} of {@code bytes}. */
    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }
}

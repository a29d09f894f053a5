package dev.cmdimage.core.internal.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * An OCI content descriptor, checked: a media type, a valid sha256 digest, a non-negative size.
 *
 * @param mediaType   the media type
 * @param digest      {@code sha256:<64 hex>}
 * @param size        the blob's size in bytes
 * @param platform    the platform ({@code os/arch[/variant]}), or {@code null}
 * @param annotations the annotations (never null)
 * @param json        the descriptor as read, unknown fields included (a copy)
 */
public record Descriptor(
        String mediaType, String digest, long size, Platform platform, Map<String, String> annotations,
        ObjectNode json) {

    /** The annotation naming an image in an OCI layout's index. */
    public static final String REF_NAME = "org.opencontainers.image.ref.name";

    /** The ref name annotation, or {@code null}. */
    public String refName() {
        return annotations.get(REF_NAME);
    }

    /**
     * Reads and checks a descriptor.
     *
     * @param where names the descriptor for errors, e.g. {@code index.json manifests[2]}
     * @throws LayoutException when a field is missing or wrong
     */
    public static Descriptor parse(JsonNode node, String where) throws LayoutException {
        if (node == null || !node.isObject()) {
            throw new LayoutException(where + " is not a JSON object");
        }
        JsonNode mt = node.get("mediaType");
        if (mt == null || !mt.isTextual() || mt.asText().isEmpty()) {
            throw new LayoutException(where + ".mediaType is missing");
        }
        JsonNode dg = node.get("digest");
        if (dg == null || !dg.isTextual() || !Digests.isValid(dg.asText())) {
            throw new LayoutException(where + ".digest is not sha256:<64 lowercase hex>: "
                    + (dg == null ? "missing" : quoteShort(dg.toString())));
        }
        JsonNode sz = node.get("size");
        if (sz == null || !sz.canConvertToLong() || !sz.isIntegralNumber() || sz.asLong() < 0) {
            throw new LayoutException(where + ".size is not a non-negative integer: "
                    + (sz == null ? "missing" : quoteShort(sz.toString())));
        }
        Map<String, String> annotations = new LinkedHashMap<>();
        JsonNode an = node.get("annotations");
        if (an != null && an.isObject()) {
            for (Map.Entry<String, JsonNode> e : an.properties()) {
                if (e.getValue().isTextual()) {
                    annotations.put(e.getKey(), e.getValue().asText());
                }
            }
        }
        Platform platform = null;
        JsonNode pl = node.get("platform");
        if (pl != null && pl.isObject()) {
            platform = new Platform(pl.path("os").asText(""), pl.path("architecture").asText(""),
                    pl.path("variant").asText(""));
        }
        return new Descriptor(mt.asText(), dg.asText(), sz.asLong(), platform,
                Collections.unmodifiableMap(annotations), ((ObjectNode) node).deepCopy());
    }

    static String quoteShort(String s) {
        return s.length() > 100 ? s.substring(0, 100) + "..." : s;
    }

    /**
     * A platform.
     *
     * @param os           e.g. {@code linux}
     * @param architecture e.g. {@code amd64}
     * @param variant      e.g. {@code v8}, or empty
     */
    public record Platform(String os, String architecture, String variant) {
        @Override
        public String toString() {
            return os + "/" + architecture + (variant.isEmpty() ? "" : "/" + variant);
        }
    }
}

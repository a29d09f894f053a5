package dev.cmdimage.core.internal.oci;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.ImageRef;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Collectors;

/** Finds images in an OCI layout by name and checks them: the lookup rules of BEHAVIOUR.md section 5. */
public final class OciImages {
    private OciImages() {}

    /**
     * The index.json entries naming {@code ref}: the entries whose ref name is the full ref (familiar form, or the
     * fully qualified form, tag included); otherwise the one entry whose ref name is just the tag. Several entries
     * come back only when they carry one name with different platforms (a choice for {@link #resolve}).
     *
     * @return empty when nothing names the ref
     * @throws LayoutException when the name is ambiguous
     */
    public static List<Descriptor> lookup(List<Descriptor> entries, ImageRef ref) throws LayoutException {
        String tag = ref.tag() == null ? "latest" : ref.tag();
        String familiar = ref.familiarName() + ":" + tag;
        String full = ref.name() + ":" + tag;
        List<Descriptor> named = withName(entries, familiar);
        if (named.isEmpty()) {
            named = withName(entries, full);
        }
        if (!named.isEmpty()) {
            return oneOrPlatforms(named, "ref name \"" + familiar + "\"");
        }
        List<Descriptor> tagged = withName(entries, tag);
        if (tagged.isEmpty()) {
            return List.of();
        }
        if (tagged.stream().map(Descriptor::digest).distinct().count() > 1
                && !tagged.stream().allMatch(d -> d.platform() != null)) {
            throw new LayoutException(tagged.size() + " index.json entries carry the bare tag \"" + tag
                    + "\" for different images; name the image with the full ref \"" + familiar + "\"");
        }
        return oneOrPlatforms(tagged, "ref name \"" + tag + "\"");
    }

    private static List<Descriptor> withName(List<Descriptor> entries, String name) {
        return entries.stream().filter(d -> name.equals(d.refName())).collect(Collectors.toList());
    }

    private static List<Descriptor> oneOrPlatforms(List<Descriptor> named, String what) throws LayoutException {
        if (named.stream().map(Descriptor::digest).distinct().count() == 1) {
            return List.of(named.get(0));
        }
        if (named.stream().allMatch(d -> d.platform() != null)) {
            return List.copyOf(named);
        }
        throw new LayoutException(named.size() + " index.json entries with " + what
                + " point to different images and do not say which platform each is");
    }

    /**
     * Follows {@code candidates} (index.json entries, see {@link #lookup}) to one image manifest, choosing a
     * platform in image indexes, and checks the manifest; with {@code verifyBlobs}, also the config and every
     * layer blob (present, size and digest as claimed).
     *
     * @param arch     the wanted architecture ({@code amd64}, {@code arm64}, {@code arm/v7}), or {@code null}
     * @param hostArch the architecture to prefer when {@code arch} is null and there is a choice
     */
    public static Image resolve(OciLayout layout, List<Descriptor> candidates, String arch, String hostArch,
            boolean verifyBlobs) throws IOException, LayoutException {
        Descriptor top = candidates.size() == 1
                ? candidates.get(0) : choosePlatform(candidates, arch, hostArch, "index.json");
        return resolve(layout, top, top, arch, hostArch, verifyBlobs, new ImageWalk(), 0);
    }

    private static Image resolve(OciLayout layout, Descriptor top, Descriptor d, String arch, String hostArch,
            boolean verifyBlobs, ImageWalk walk, int depth) throws IOException, LayoutException {
        if (MediaTypes.isManifest(d.mediaType())) {
            Manifest m = readManifest(layout, d);
            walk.count("manifest " + d.digest(), 1 + m.layers().size());
            if (verifyBlobs) {
                layout.verifyBlob(m.config(), "config");
                for (int i = 0; i < m.layers().size(); i++) {
                    layout.verifyBlob(m.layers().get(i), "layer " + i);
                }
            }
            return new Image(top, d, m.bytes(), m.config(), m.layers());
        }
        if (MediaTypes.isIndex(d.mediaType())) {
            walk.enter(d, depth);
            List<Descriptor> children = readIndexBlob(layout, d).children();
            walk.count("image index " + d.digest(), children.size());
            Descriptor child = choosePlatform(children, arch, hostArch, "image index " + d.digest());
            return resolve(layout, top, child, arch, hostArch, verifyBlobs, walk, depth + 1);
        }
        throw new LayoutException("descriptor " + d.digest() + " has media type \"" + d.mediaType()
                + "\"; expected an image manifest (" + MediaTypes.OCI_MANIFEST + ", " + MediaTypes.DOCKER_MANIFEST
                + ") or an image index (" + MediaTypes.OCI_INDEX + ", " + MediaTypes.DOCKER_MANIFEST_LIST + ")");
    }

    /** Reads and checks an image manifest (its own bytes, media types, descriptors; not the blobs it names). */
    public static Manifest readManifest(OciLayout layout, Descriptor d) throws IOException, LayoutException {
        byte[] bytes = layout.readSmallBlob(d, OciLayout.MAX_MANIFEST_BYTES, "manifest");
        JsonNode node = parse(bytes, "manifest " + d.digest());
        checkHeader(node, d, "manifest");
        Descriptor config = Descriptor.parse(node.get("config"), "manifest " + d.digest() + " config");
        if (!MediaTypes.isConfig(config.mediaType())) {
            throw new LayoutException("manifest " + d.digest() + " config has media type \"" + config.mediaType()
                    + "\"; expected " + MediaTypes.OCI_CONFIG + " or " + MediaTypes.DOCKER_CONFIG
                    + " (is it an image?)");
        }
        JsonNode layersNode = node.get("layers");
        if (layersNode == null || !layersNode.isArray()) {
            throw new LayoutException("manifest " + d.digest() + " has no layers array");
        }
        List<Descriptor> layers = new ArrayList<>();
        for (int i = 0; i < layersNode.size(); i++) {
            Descriptor layer = Descriptor.parse(layersNode.get(i), "manifest " + d.digest() + " layers[" + i + "]");
            if (!MediaTypes.isLayer(layer.mediaType())) {
                throw new LayoutException("manifest " + d.digest() + " layers[" + i + "] has media type \""
                        + layer.mediaType() + "\", not a layer type");
            }
            layers.add(layer);
        }
        return new Manifest(d, bytes, config, List.copyOf(layers));
    }

    /** Reads and checks an image index blob. */
    public static IndexBlob readIndexBlob(OciLayout layout, Descriptor d) throws IOException, LayoutException {
        byte[] bytes = layout.readSmallBlob(d, OciLayout.MAX_MANIFEST_BYTES, "image index");
        JsonNode node = parse(bytes, "image index " + d.digest());
        checkHeader(node, d, "image index");
        JsonNode manifests = node.get("manifests");
        if (manifests == null || !manifests.isArray()) {
            throw new LayoutException("image index " + d.digest() + " has no manifests array");
        }
        List<Descriptor> children = new ArrayList<>();
        for (int i = 0; i < manifests.size(); i++) {
            children.add(Descriptor.parse(manifests.get(i), "image index " + d.digest() + " manifests[" + i + "]"));
        }
        return new IndexBlob(d, bytes, List.copyOf(children));
    }

    private static void checkHeader(JsonNode node, Descriptor d, String what) throws LayoutException {
        if (node.path("schemaVersion").asInt(-1) != 2) {
            throw new LayoutException(what + " " + d.digest() + " has schemaVersion "
                    + node.path("schemaVersion").toString() + "; only 2 is supported");
        }
        JsonNode mt = node.get("mediaType");
        if (mt != null && !mt.isNull() && !mt.asText().equals(d.mediaType())) {
            throw new LayoutException(what + " " + d.digest() + " says its media type is \"" + mt.asText()
                    + "\" but its descriptor says \"" + d.mediaType() + "\"");
        }
    }

    private static JsonNode parse(byte[] bytes, String what) throws LayoutException {
        try {
            JsonNode node = JsonTree.read(bytes);
            if (node == null || !node.isObject()) {
                throw new LayoutException(what + " is not a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new LayoutException(what + " is not valid JSON");
        }
    }

    /**
     * Picks one image from platform-tagged descriptors: attestation manifests ({@code unknown/unknown}) are
     * ignored; {@code arch} null means the only image or else {@code hostArch}.
     */
    static Descriptor choosePlatform(List<Descriptor> candidates, String arch, String hostArch, String where)
            throws LayoutException {
        List<Descriptor> images = candidates.stream()
                .filter(d -> !(d.platform() != null && "unknown".equals(d.platform().os())))
                .filter(d -> !d.annotations().containsKey("vnd.docker.reference.type"))
                .collect(Collectors.toList());
        if (images.isEmpty()) {
            throw new LayoutException(where + " lists no image manifests");
        }
        if (arch == null) {
            if (images.size() == 1) {
                return images.get(0);
            }
            arch = hostArch;
        }
        String wantArch = arch;
        String wantVariant = null;
        int slash = arch.indexOf('/');
        if (slash > 0) {
            wantArch = arch.substring(0, slash);
            wantVariant = arch.substring(slash + 1);
        }
        for (Descriptor d : images) {
            if (d.platform() != null && "linux".equals(d.platform().os())
                    && wantArch.equals(d.platform().architecture())
                    && (wantVariant == null || wantVariant.equals(d.platform().variant()))) {
                return d;
            }
        }
        if (images.size() == 1 && images.get(0).platform() == null) {
            return images.get(0);
        }
        String offered = images.stream()
                .map(d -> d.platform() == null ? "(no platform)" : d.platform().toString())
                .collect(Collectors.joining(", "));
        throw new LayoutException(where + " has no image for linux/" + arch + "; it offers " + offered);
    }

    /** The architecture of this JVM's host, in Go's names ({@code amd64}, {@code arm64}, ...). */
    public static String hostArch() {
        String a = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        switch (a) {
            case "x86_64":
            case "amd64":
                return "amd64";
            case "aarch64":
            case "arm64":
                return "arm64";
            case "x86":
            case "i386":
            case "i686":
                return "386";
            default:
                return a;
        }
    }

    /**
     * Finds the index.json entry holding an image whose config digest is {@code imageId}; entries that cannot be
     * read are skipped. Each manifest and index is read once (one {@link ImageWalk} over all entries, with a
     * descriptor budget per entry).
     */
    public static Descriptor findByImageId(OciLayout layout, List<Descriptor> entries, String imageId)
            throws IOException {
        ImageWalk walk = new ImageWalk();
        for (Descriptor entry : entries) {
            walk = walk.next();
            try {
                if (holdsConfig(layout, entry, imageId, walk, 0)) {
                    return entry;
                }
            } catch (LayoutException | NoSuchFileException e) {
                // an unrelated broken entry; keep looking
            }
        }
        return null;
    }

    private static boolean holdsConfig(OciLayout layout, Descriptor d, String imageId, ImageWalk walk, int depth)
            throws IOException, LayoutException {
        if (!walk.firstVisit(d)) {
            return false; // read before, and it did not hold the config
        }
        if (MediaTypes.isManifest(d.mediaType())) {
            return readManifest(layout, d).config().digest().equals(imageId);
        }
        if (MediaTypes.isIndex(d.mediaType())) {
            walk.enter(d, depth);
            List<Descriptor> children = readIndexBlob(layout, d).children();
            walk.count("image index " + d.digest(), children.size());
            for (Descriptor child : children) {
                if (holdsConfig(layout, child, imageId, walk, depth + 1)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Everything a registry needs for {@code top}, in upload order: the blobs (config and layers, each once) and
     * the manifests and indexes (each once), children before the index that lists them; {@code top} comes last.
     * The walk is bounded ({@link ImageWalk}).
     */
    public static PushPlan planPush(OciLayout layout, Descriptor top) throws IOException, LayoutException {
        Map<String, Descriptor> blobs = new LinkedHashMap<>();
        List<Content> manifests = new ArrayList<>();
        collect(layout, top, blobs, manifests, new ImageWalk(), 0);
        return new PushPlan(List.copyOf(blobs.values()), List.copyOf(manifests));
    }

    private static void collect(OciLayout layout, Descriptor d, Map<String, Descriptor> blobs,
            List<Content> manifests, ImageWalk walk, int depth) throws IOException, LayoutException {
        if (!walk.firstVisit(d)) {
            return; // already planned, with everything below it
        }
        if (MediaTypes.isManifest(d.mediaType())) {
            Manifest m = readManifest(layout, d);
            walk.count("manifest " + d.digest(), 1 + m.layers().size());
            blobs.putIfAbsent(m.config().digest(), m.config());
            for (Descriptor layer : m.layers()) {
                blobs.putIfAbsent(layer.digest(), layer);
            }
            manifests.add(new Content(d, m.bytes()));
        } else if (MediaTypes.isIndex(d.mediaType())) {
            walk.enter(d, depth);
            IndexBlob index = readIndexBlob(layout, d);
            walk.count("image index " + d.digest(), index.children().size());
            for (Descriptor child : index.children()) {
                collect(layout, child, blobs, manifests, walk, depth + 1);
            }
            manifests.add(new Content(d, index.bytes()));
        } else {
            throw new LayoutException("descriptor " + d.digest() + " has media type \"" + d.mediaType()
                    + "\", neither an image manifest nor an image index");
        }
    }

    /** A descriptor rebuilt from a blob named only by digest (a {@code name@sha256:...} ref). */
    public static Descriptor describeBlob(OciLayout layout, String digest) throws IOException, LayoutException {
        long size = java.nio.file.Files.size(layout.blobPath(digest));
        if (size > OciLayout.MAX_MANIFEST_BYTES) {
            throw new LayoutException("blob " + digest + " is too large to be a manifest");
        }
        ObjectNode probe = JsonNodeFactory.instance.objectNode().put("mediaType", "application/octet-stream")
                .put("digest", digest).put("size", size);
        byte[] bytes = layout.readSmallBlob(Descriptor.parse(probe, "blob"), OciLayout.MAX_MANIFEST_BYTES,
                "manifest");
        JsonNode node = parse(bytes, "blob " + digest);
        String mediaType = node.path("mediaType").asText("");
        if (mediaType.isEmpty()) {
            mediaType = node.has("manifests") ? MediaTypes.OCI_INDEX : MediaTypes.OCI_MANIFEST;
        }
        probe.put("mediaType", mediaType);
        return Descriptor.parse(probe, "blob " + digest);
    }

    /**
     * A checked image.
     *
     * @param entry    the index.json entry it was found through
     * @param manifest the image manifest chosen (the entry itself, or a platform of an index)
     * @param manifestBytes the manifest's bytes
     * @param config   the config descriptor; its digest is the image ID
     * @param layers   the layer descriptors
     */
    public record Image(Descriptor entry, Descriptor manifest, byte[] manifestBytes, Descriptor config,
            List<Descriptor> layers) {
        /** The image ID: the config digest. */
        public String imageId() {
            return config.digest();
        }
    }

    /** A manifest as read: its descriptor, bytes, config and layers. */
    public record Manifest(Descriptor descriptor, byte[] bytes, Descriptor config, List<Descriptor> layers) {}

    /** An image index as read: its descriptor, bytes and children. */
    public record IndexBlob(Descriptor descriptor, byte[] bytes, List<Descriptor> children) {}

    /** A manifest or index to upload, with its exact bytes. */
    public record Content(Descriptor descriptor, byte[] bytes) {
        public Content {
            Objects.requireNonNull(descriptor);
        }
    }

    /**
     * What to push.
     *
     * @param blobs     configs and layers, each once
     * @param manifests manifests and indexes, children first; the last one is the image itself
     */
    public record PushPlan(List<Descriptor> blobs, List<Content> manifests) {
        /** The manifest or index the ref names. */
        public Content top() {
            return manifests.get(manifests.size() - 1);
        }
    }
}

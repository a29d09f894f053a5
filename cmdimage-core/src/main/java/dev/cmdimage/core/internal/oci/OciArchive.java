package dev.cmdimage.core.internal.oci;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Set;

/**
 * Writes an OCI archive: a tar of an OCI image layout holding one image (one platform's manifest, its config and
 * layers), named in {@code index.json} by {@code io.containerd.image.name} in full form
 * ({@code docker.io/library/app:tag}, the name the kubelet looks up; containerd stores a bare
 * {@code org.opencontainers.image.ref.name} as given) and by {@code org.opencontainers.image.ref.name} = the tag.
 */
public final class OciArchive {
    /** containerd's annotation for the image name an archive entry is imported as. */
    public static final String CONTAINERD_IMAGE_NAME = "io.containerd.image.name";

    private OciArchive() {}

    /**
     * @param image    the image (from {@link OciImages#resolve}, blobs verified)
     * @param fullName the name it lands under, e.g. {@code docker.io/library/app:tilt-0123456789abcdef}
     * @param tag      the tag, or {@code null}
     */
    public static void write(OciLayout layout, OciImages.Image image, String fullName, String tag, OutputStream out)
            throws IOException, LayoutException {
        ObjectNode entry = image.manifest().json().deepCopy();
        ObjectNode annotations = entry.putObject("annotations");
        annotations.put(CONTAINERD_IMAGE_NAME, fullName);
        if (tag != null) {
            annotations.put(Descriptor.REF_NAME, tag);
        }
        ObjectNode index = OciLayout.json().createObjectNode();
        index.put("schemaVersion", 2);
        index.put("mediaType", MediaTypes.OCI_INDEX);
        ArrayNode manifests = index.putArray("manifests");
        manifests.add(entry);

        TarWriter tar = new TarWriter(out);
        tar.file("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        tar.file("index.json", OciLayout.json().writeValueAsBytes(index));
        tar.file(blobName(image.manifest().digest()), image.manifestBytes());
        Set<String> written = new HashSet<>();
        written.add(image.manifest().digest());
        blob(layout, tar, image.config(), written);
        for (Descriptor layer : image.layers()) {
            blob(layout, tar, layer, written);
        }
        tar.finish();
    }

    private static void blob(OciLayout layout, TarWriter tar, Descriptor d, Set<String> written)
            throws IOException, LayoutException {
        if (!written.add(d.digest())) {
            return;
        }
        try (InputStream in = layout.openBlob(d.digest())) {
            tar.file(blobName(d.digest()), d.size(), in);
        }
    }

    private static String blobName(String digest) {
        return "blobs/sha256/" + digest.substring("sha256:".length());
    }
}

package dev.cmdimage.core;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.internal.oci.Descriptor;
import dev.cmdimage.core.internal.oci.LayoutException;
import dev.cmdimage.core.internal.oci.OciArchive;
import dev.cmdimage.core.internal.oci.OciImages;
import dev.cmdimage.core.internal.oci.OciLayout;
import dev.cmdimage.spi.ImageStore;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * An {@link ImageStore} in one OCI image layout directory ({@code oci-layout}, {@code index.json},
 * {@code blobs/sha256/...}) holding many images, each named by the {@code org.opencontainers.image.ref.name}
 * annotation of its {@code index.json} entry. No container engine is needed.
 *
 * <p>The build command gets {@code EXPECTED_OCI_LAYOUT=<directory>} and writes its image there, e.g. with
 * {@code skopeo copy ... "oci:$EXPECTED_OCI_LAYOUT:$EXPECTED_REF"} or
 * {@code buildah push img "oci:$EXPECTED_OCI_LAYOUT:$EXPECTED_REF"}.
 *
 * <p>Lookup of a ref: an entry whose ref name is the full ref (familiar form, tag included, e.g.
 * {@code example.com/app:tilt-build-1}; the fully qualified form is accepted too) wins; otherwise the entry whose
 * ref name is just the tag, when exactly one carries it. An image index is followed to the manifest of the wanted
 * platform ({@code linux/<arch>}; with no arch given, the only image, else the host's architecture).
 *
 * <p>{@link #inspect} checks what it finds: the manifest's media types, and the config and every layer blob
 * present with the digest and size the manifest claims (streamed, constant memory). The image ID is the config
 * digest. Hostile content is refused with an {@link ImageStoreException}, never followed: a digest that is not
 * {@code sha256:<64 hex>}, a symlink, a path leaving the layout, a size that lies, a truncated or corrupt blob; a
 * FIFO, device or directory where {@code index.json}, {@code index.json.lock}, {@code oci-layout} or a blob should
 * be (the type is checked before opening, so nothing waits on a FIFO); a missing {@code oci-layout} file; a layout
 * directory that is a symlink; image indexes nested more than 4 levels deep, or an image whose indexes and
 * manifests hold more than 10,000 descriptors (each manifest and index is read and pushed once, however often the
 * indexes list it).
 *
 * <p>{@link #tag} adds an {@code index.json} entry (replacing one with the same ref name) under a lock and with
 * an atomic rename, so concurrent builds into one layout keep each other's entries. Thread-safe.
 */
public final class OciLayoutStore implements ImageStore {
    private static final Logger LOG = LoggerFactory.getLogger(OciLayoutStore.class);

    private final OciLayout layout;
    private final String hostArch;
    /** Image ID to the index.json entry it was last inspected through, so {@link #tag} needs no scan. */
    private final Map<String, Descriptor> seen = new ConcurrentHashMap<>();

    /**
     * A store in {@code directory} (created on first use by {@link #commandEnvironment()} or {@link #tag}).
     */
    public OciLayoutStore(Path directory) {
        this(directory, OciImages.hostArch());
    }

    /**
     * A store in {@code directory} choosing {@code hostArch} from multi-platform images when no arch is asked for.
     *
     * @param hostArch e.g. {@code amd64}
     */
    public OciLayoutStore(Path directory, String hostArch) {
        this.layout = new OciLayout(Objects.requireNonNull(directory, "directory"));
        this.hostArch = Objects.requireNonNull(hostArch, "hostArch");
    }

    /** The layout directory (absolute). */
    public Path directory() {
        return layout.root();
    }

    @Override
    public String description() {
        return "OCI image layout at " + layout.root();
    }

    /** {@code the OCI image layout at <dir>}, as in {@code Could not find image in the OCI image layout at <dir>}. */
    @Override
    public String displayName() {
        return "the " + description();
    }

    @Override
    public Optional<String> inspect(ImageRef ref, @Nullable String arch) throws ImageStoreException {
        Objects.requireNonNull(ref, "ref");
        try {
            List<Descriptor> candidates = find(ref);
            if (candidates.isEmpty()) {
                LOG.debug("no entry for {} in {}", ref, layout.root());
                return Optional.empty();
            }
            OciImages.Image image = OciImages.resolve(layout, candidates, arch, hostArch, true);
            if (ref.digest() != null && !ref.digest().equals(image.entry().digest())
                    && !ref.digest().equals(image.manifest().digest())) {
                throw new LayoutException("the entry for " + ref.familiarName() + ":" + ref.tag() + " is "
                        + image.entry().digest() + ", not the digest " + ref.digest() + " the ref names");
            }
            seen.put(image.imageId(), image.entry());
            LOG.debug("{} in {}: manifest {}, image ID {}", ref, layout.root(), image.manifest().digest(),
                    image.imageId());
            return Optional.of(image.imageId());
        } catch (LayoutException e) {
            throw new ImageStoreException(prefix(ref) + e.getMessage(), e);
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new ImageStoreException(prefix(ref) + "cannot read: " + e, e);
        }
    }

    /** The index.json entries naming {@code ref}, or a blob named by its digest. */
    private List<Descriptor> find(ImageRef ref) throws IOException, LayoutException {
        if (!layout.exists()) {
            return List.of();
        }
        if (ref.tag() == null && ref.digest() != null) {
            layout.check();
            if (!layout.hasBlob(ref.digest())) {
                return List.of();
            }
            return List.of(OciImages.describeBlob(layout, ref.digest()));
        }
        return OciImages.lookup(layout.readIndex().entries(), ref);
    }

    @Override
    public void tag(String imageId, ImageRef ref) throws ImageStoreException {
        Objects.requireNonNull(ref, "ref");
        if (ref.tag() == null) {
            throw new ImageStoreException(prefix(ref) + "cannot tag without a tag in the ref");
        }
        String name = ref.familiarName() + ":" + ref.tag();
        try {
            if (imageId == null || !dev.cmdimage.core.internal.oci.Digests.isValid(imageId)) {
                throw new LayoutException("image ID " + imageId + " is not sha256:<64 lowercase hex>");
            }
            Descriptor entry = seen.get(imageId);
            if (entry == null || !layout.hasBlob(entry.digest())) {
                entry = layout.exists()
                        ? OciImages.findByImageId(layout, layout.readIndex().entries(), imageId) : null;
                if (entry == null) {
                    throw new LayoutException("no image with ID " + imageId + " in the layout");
                }
            }
            layout.putEntry(entry.json(), name);
            LOG.debug("tagged {} as {} in {}", imageId, name, layout.root());
        } catch (LayoutException e) {
            throw new ImageStoreException(prefix(ref) + e.getMessage(), e);
        } catch (IOException e) {
            throw new ImageStoreException(prefix(ref) + "cannot write index.json: " + e, e);
        }
    }

    /**
     * {@code EXPECTED_OCI_LAYOUT=<directory>}; creates the layout ({@code oci-layout}, an empty {@code index.json},
     * {@code blobs/sha256}) when absent.
     *
     * @throws UncheckedIOException when the layout cannot be created
     */
    @Override
    public Map<String, String> commandEnvironment() {
        try {
            layout.create();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the OCI image layout " + layout.root() + ": " + e, e);
        } catch (LayoutException e) {
            throw new UncheckedIOException(new IOException("cannot create the OCI image layout " + layout.root()
                    + ": " + e.getMessage(), e));
        }
        return Map.of("EXPECTED_OCI_LAYOUT", layout.root().toString());
    }

    /**
     * Writes an OCI archive of {@code ref}: a tar of an OCI image layout holding just that image (the manifest of
     * {@code arch}'s platform from a multi-platform image, its config and layers), named
     * {@code io.containerd.image.name=<full name>} (e.g. {@code docker.io/library/app:tag}, the name the kubelet
     * looks up) and {@code org.opencontainers.image.ref.name=<tag>}.
     */
    @Override
    public void writeArchive(ImageRef ref, @Nullable String arch, OutputStream out) throws ImageStoreException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(out, "out");
        try {
            List<Descriptor> candidates = find(ref);
            if (candidates.isEmpty()) {
                throw new ImageStoreException(prefix(ref) + "no such image");
            }
            OciImages.Image image = OciImages.resolve(layout, candidates, arch, hostArch, true);
            OciArchive.write(layout, image, ref.fullString(), ref.tag(), out);
        } catch (LayoutException e) {
            throw new ImageStoreException(prefix(ref) + e.getMessage(), e);
        } catch (IOException e) {
            throw new ImageStoreException(prefix(ref) + "cannot write its archive: " + e, e);
        }
    }

    /**
     * What a push of {@code ref} needs (for {@link RegistryHttpPusher}): the blobs and manifests in upload order.
     */
    OciImages.PushPlan planPush(ImageRef ref) throws ImageStoreException {
        try {
            List<Descriptor> candidates = find(ref);
            if (candidates.isEmpty()) {
                throw new ImageStoreException(prefix(ref) + "no such image");
            }
            Descriptor top = candidates.size() == 1
                    ? candidates.get(0)
                    : OciImages.resolve(layout, candidates, null, hostArch, false).entry();
            return OciImages.planPush(layout, top);
        } catch (LayoutException e) {
            throw new ImageStoreException(prefix(ref) + e.getMessage(), e);
        } catch (IOException e) {
            throw new ImageStoreException(prefix(ref) + "cannot read: " + e, e);
        }
    }

    /** The layout, for the pusher's blob reads. */
    OciLayout layout() {
        return layout;
    }

    private String prefix(ImageRef ref) {
        return "OCI image layout " + layout.root() + ", image " + ref + ": ";
    }

    @Override
    public String toString() {
        return description();
    }
}

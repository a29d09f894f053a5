package dev.cmdimage.docker;

import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.docker.internal.Causes;
import dev.cmdimage.spi.ImageStore;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.jspecify.annotations.Nullable;

/**
 * The Docker engine as the image store of {@code local-docker} builds. Looks images up by inspecting the exact
 * ref (never by listing with a name filter, which engines ignore from API 1.41 on), tags by image ID, and gives
 * the command {@code DOCKER_HOST} (and the TLS variables) so that it builds into this same engine.
 */
public final class DockerImageStore implements ImageStore {
    private static final Logger LOG = LoggerFactory.getLogger(DockerImageStore.class);

    private final DockerEngine engine;

    /** A store over {@code engine} (which the caller closes). */
    public DockerImageStore(DockerEngine engine) {
        this.engine = Objects.requireNonNull(engine, "engine");
    }

    /** The engine this store talks to. */
    public DockerEngine engine() {
        return engine;
    }

    @Override
    public String description() {
        return engine.description();
    }

    /** {@code Docker}: Tilt's words, as in {@code Could not find image in Docker}. */
    @Override
    public String displayName() {
        return "Docker";
    }

    @Override
    public Optional<String> inspect(ImageRef ref, @Nullable String arch) throws ImageStoreException {
        Objects.requireNonNull(ref, "ref");
        String name = ref.familiarString();
        InspectImageResponse image;
        try {
            image = engine.client("look up " + name).inspectImageCmd(name).exec();
        } catch (NotFoundException e) {
            LOG.debug("{}: no image {}", engine.description(), name);
            return Optional.empty();
        } catch (DockerException e) {
            throw new ImageStoreException("The " + engine.description() + " could not inspect " + name + ": "
                    + Causes.describe(e), e);
        } catch (RuntimeException e) {
            throw new ImageStoreException(engine.unreachable(e, "look up " + name), e);
        }
        if (image == null || image.getId() == null) {
            throw new ImageStoreException("The " + engine.description() + " answered the inspection of " + name
                    + " without an image ID");
        }
        if (arch != null && image.getArch() != null && !arch.equals(image.getArch())) {
            LOG.debug("{}: {} is {} but the cluster is {}", engine.description(), name, image.getArch(), arch);
        }
        return Optional.of(image.getId());
    }

    @Override
    public void tag(String imageId, ImageRef ref) throws ImageStoreException {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(ref, "ref");
        if (ref.tag() == null) {
            throw new ImageStoreException("Cannot tag " + imageId + " as " + ref + ": the ref has no tag");
        }
        try {
            engine.client("tag " + imageId + " as " + ref)
                    .tagImageCmd(imageId, ref.familiarName(), ref.tag()).withForce(true).exec();
        } catch (NotFoundException e) {
            throw new ImageStoreException("The " + engine.description() + " has no image " + imageId
                    + " to tag as " + ref + ": " + Causes.describe(e), e);
        } catch (DockerException e) {
            throw new ImageStoreException("The " + engine.description() + " could not tag " + imageId + " as " + ref
                    + ": " + Causes.describe(e), e);
        } catch (RuntimeException e) {
            throw new ImageStoreException(engine.unreachable(e, "tag " + imageId + " as " + ref), e);
        }
    }

    /**
     * Writes {@code docker save <ref>} (the engine's image archive; containerd imports its {@code RepoTags} under
     * their full names, e.g. {@code docker.io/library/app:tag}). The engine holds one platform of an image, so
     * {@code arch} chooses nothing here.
     */
    @Override
    public void writeArchive(ImageRef ref, @Nullable String arch, OutputStream out) throws ImageStoreException {
        Objects.requireNonNull(ref, "ref");
        Objects.requireNonNull(out, "out");
        String name = ref.familiarString();
        try (InputStream in = engine.client("save " + name).saveImageCmd(name).exec()) {
            in.transferTo(out);
        } catch (NotFoundException e) {
            throw new ImageStoreException("The " + engine.description() + " has no image " + name + " to save: "
                    + Causes.describe(e), e);
        } catch (DockerException e) {
            throw new ImageStoreException("The " + engine.description() + " could not save " + name + ": "
                    + Causes.describe(e), e);
        } catch (IOException e) {
            throw new ImageStoreException("Writing the archive of " + name + " from the " + engine.description()
                    + " failed: " + e, e);
        } catch (RuntimeException e) {
            throw new ImageStoreException(engine.unreachable(e, "save " + name), e);
        }
    }

    @Override
    public Map<String, String> commandEnvironment() {
        return engine.commandEnvironment();
    }

    @Override
    public String toString() {
        return "DockerImageStore[" + engine + "]";
    }
}

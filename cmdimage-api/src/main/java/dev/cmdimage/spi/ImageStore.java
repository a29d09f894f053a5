package dev.cmdimage.spi;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import java.io.OutputStream;
import java.util.Map;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Where built images live and are verified: the Docker engine, an OCI image layout, ...
 *
 * <p>Threads: one store serves every build of a builder (and of a controller), so every method is called
 * concurrently, from the threads of the builds that run (a thread of the builder's executor:
 * {@code CmdImages.Builder.executor}, by default the builder's own {@code cmdimage-build-*} threads). Two builds may
 * inspect and tag at the same time, also refs of the same repository. An implementation must be thread-safe.
 * {@link #description()} and {@link #displayName()} may be called from any thread, also for log lines and messages.
 */
public interface ImageStore {
    /**
     * Names the store for people, e.g. {@code Docker engine at unix:///var/run/docker.sock}. Errors name a store
     * whose description is {@code null} or blank (or that throws, as a mock may) by its class name instead.
     */
    String description();

    /**
     * Names the store in the first words of an error, as in {@code Could not find image in <displayName>}: the
     * Docker store says {@code Docker} (Tilt's words), the OCI store {@code the OCI image layout at <dir>}. The
     * default, {@code the image store}, suits any store; the error goes on to name the store by its
     * {@link #description()} unless this name already holds it.
     */
    default String displayName() {
        return "the image store";
    }

    /**
     * Looks up exactly {@code ref} (never by listing and filtering).
     *
     * @param arch the cluster's architecture ({@code amd64}, ...) to choose from a multi-platform image, or
     *             {@code null} for any
     * @return the image ID ({@code sha256:<64 hex>}, the config digest), or empty when there is no such image
     * @throws ImageStoreException when the store cannot answer (unreachable, corrupt); the message names the
     *                             store and the ref
     */
    Optional<String> inspect(ImageRef ref, @Nullable String arch) throws ImageStoreException;

    /** Tags the image {@code imageId} as {@code ref} (replacing what {@code ref} named before). */
    void tag(String imageId, ImageRef ref) throws ImageStoreException;

    /**
     * Environment entries the command needs to write into this store, e.g. {@code DOCKER_HOST} or
     * {@code EXPECTED_OCI_LAYOUT}.
     */
    Map<String, String> commandEnvironment();

    /**
     * Writes {@code ref} as an image archive that container runtimes import ({@code docker save}'s format, or an
     * OCI archive: a tar of an OCI image layout holding just this image, named by the
     * {@code io.containerd.image.name} annotation in its full form, e.g. {@code docker.io/library/app:tag}), for
     * loading into a cluster without a registry. The stream is not closed. The default says the store cannot.
     *
     * @param arch the cluster's architecture to choose from a multi-platform image, or {@code null} for the
     *             store's choice
     * @throws ImageStoreException when the image is missing, the store cannot answer, or it cannot write archives;
     *                             the message names the store and the ref
     */
    default void writeArchive(ImageRef ref, @Nullable String arch, OutputStream out) throws ImageStoreException {
        throw new ImageStoreException(description() + " cannot write image archives, so " + ref.familiarString()
                + " cannot be loaded into a cluster from it");
    }
}

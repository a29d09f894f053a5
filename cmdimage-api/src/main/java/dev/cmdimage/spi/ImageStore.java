package dev.cmdimage.spi;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import java.util.Map;
import java.util.Optional;

/**
 * Where built images live and are verified: the Docker engine, an OCI image layout, ...
 */
public interface ImageStore {
    /** Names the store for people, e.g. {@code Docker engine at unix:///var/run/docker.sock}. */
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
    Optional<String> inspect(ImageRef ref, String arch) throws ImageStoreException;

    /** Tags the image {@code imageId} as {@code ref} (replacing what {@code ref} named before). */
    void tag(String imageId, ImageRef ref) throws ImageStoreException;

    /**
     * Environment entries the command needs to write into this store, e.g. {@code DOCKER_HOST} or
     * {@code EXPECTED_OCI_LAYOUT}.
     */
    Map<String, String> commandEnvironment();
}

package dev.cmdimage.spi;

import dev.cmdimage.api.CredentialsException;
import java.util.Optional;

/**
 * Finds credentials for a registry.
 *
 * <p>Threads: the registry pushers ({@code DockerRegistryPusher}, {@code RegistryHttpPusher}) ask once per push, on
 * the pushing build's thread; one provider serves every push of a builder, so {@link #find} is called concurrently
 * and an implementation must be thread-safe. It may block (a credential helper
 * runs a process), but must be bounded in time: the build waits for it.
 */
@FunctionalInterface
public interface CredentialsProvider {
    /** A provider that knows none (anonymous access). */
    CredentialsProvider ANONYMOUS = registry -> Optional.empty();

    /**
     * @param registry the registry's domain as in a ref, e.g. {@code localhost:5000} or {@code docker.io}
     * @return the credentials, or empty for anonymous access
     * @throws CredentialsException when credentials are configured but cannot be had (a helper missing or failing)
     */
    Optional<RegistryCredentials> find(String registry) throws CredentialsException;
}

package dev.cmdimage.docker;

import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.model.AuthConfig;
import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.DockerConfigCredentials;
import dev.cmdimage.core.internal.registryhttp.CredentialMask;
import dev.cmdimage.docker.internal.Causes;
import dev.cmdimage.docker.internal.PushStream;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import dev.cmdimage.spi.RegistryPusher;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pushes images through the Docker engine ({@code docker push}), with registry credentials from a
 * {@link CredentialsProvider} (typically {@link DockerConfigCredentials}).
 *
 * <p>Every error the engine reports inside the push stream (a refused login, a registry error) fails the push
 * with the engine's words, even though the HTTP call itself succeeded. The result is the manifest digest the
 * registry stored. Cancelling closes the stream; the push is bounded by the engine's stream idle timeout
 * ({@link DockerEngine.Builder#streamIdleTimeout}).
 */
public final class DockerRegistryPusher implements RegistryPusher {
    private static final Logger LOG = LoggerFactory.getLogger(DockerRegistryPusher.class);

    private final DockerEngine engine;
    private final CredentialsProvider credentials;

    /**
     * @param engine      the engine holding the images (the caller closes it)
     * @param credentials where registry credentials come from ({@link CredentialsProvider#ANONYMOUS} for none)
     */
    public DockerRegistryPusher(DockerEngine engine, CredentialsProvider credentials) {
        this.engine = Objects.requireNonNull(engine, "engine");
        this.credentials = Objects.requireNonNull(credentials, "credentials");
    }

    @Override
    public String push(ImageRef ref, Consumer<String> progress, Cancellation cancellation) throws PushException {
        Objects.requireNonNull(ref, "ref");
        Consumer<String> out = progress == null ? line -> {} : progress;
        Cancellation cancel = cancellation == null ? Cancellation.never() : cancellation;
        String name = ref.familiarString();
        if (ref.tag() == null) {
            throw new PushException("Cannot push " + name + ": it has no tag", name);
        }
        String registry = ref.domain();
        Optional<RegistryCredentials> creds;
        try {
            creds = credentials.find(registry);
        } catch (CredentialsException e) {
            throw new PushException("Cannot push " + name + ": " + e.getMessage(), name, e);
        } catch (RuntimeException e) {
            throw new PushException("Cannot push " + name + ": finding credentials for " + registry + " failed: "
                    + Causes.describe(e), name, e);
        }
        AuthConfig auth = new AuthConfig().withRegistryAddress(DockerConfigCredentials.serverAddress(registry));
        creds.ifPresent(c -> {
            if (c.identityToken()) {
                auth.withIdentityToken(c.secret());
            } else {
                auth.withUsername(c.username()).withPassword(c.secret());
            }
        });
        // what the engine relays from the registry may echo the credentials (an Authorization header)
        CredentialMask mask = new CredentialMask(creds.orElse(null));
        if (cancel.isCancelled()) {
            throw masked(mask, "The push of " + name + " was cancelled", name);
        }
        PushStream stream = new PushStream(line -> out.accept(mask.mask(line)));
        LOG.debug("pushing {} through {} ({})", name, engine.description(),
                creds.isPresent() ? "with credentials" : "anonymously");
        AutoCloseable onCancel = cancel.onCancel(() -> closeQuietly(stream));
        try {
            engine.streamingClient("push " + name).pushImageCmd(ref.familiarName()).withTag(ref.tag())
                    .withAuthConfig(auth).exec(stream).awaitCompletion();
        } catch (ImageStoreException e) {
            throw masked(mask, e.getMessage(), name, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly(stream);
            throw masked(mask, "The push of " + name + " was interrupted", name, e);
        } catch (DockerException e) {
            if (cancel.isCancelled()) {
                throw masked(mask, "The push of " + name + " was cancelled", name, e);
            }
            throw masked(mask, "The " + engine.description() + " refused to push " + name + ": "
                    + Causes.describe(e), name, e);
        } catch (RuntimeException e) {
            if (cancel.isCancelled()) {
                throw masked(mask, "The push of " + name + " was cancelled", name, e);
            }
            throw masked(mask, "The push of " + name + " through the " + engine.description() + " failed: "
                    + Causes.describe(e), name, e);
        } finally {
            try {
                onCancel.close();
            } catch (Exception ignored) {
                // removing a callback does not fail
            }
        }
        if (cancel.isCancelled()) {
            throw masked(mask, "The push of " + name + " was cancelled", name);
        }
        List<String> errors = stream.errors();
        if (!errors.isEmpty()) {
            String hint = "";
            if (creds.isEmpty() && looksLikeAuth(errors)) {
                hint = " (no credentials were found for " + registry
                        + (credentials instanceof DockerConfigCredentials dc ? " in " + dc.configFile() : "") + ")";
            }
            throw masked(mask, "Pushing " + name + " to " + registry + " failed: " + String.join("; ", errors)
                    + hint, name);
        }
        String digest = stream.digest();
        if (digest == null) {
            throw masked(mask, "Pushing " + name + " to " + registry
                    + " ended without the registry naming the pushed manifest digest", name);
        }
        return digest;
    }

    /**
     * A PushException whose message shows no credential value; when masking changed it, the cause (whose message may
     * hold the same values) is left out.
     */
    private static PushException masked(CredentialMask mask, String message, String ref, Throwable... cause) {
        String shown = mask.mask(message);
        if (!shown.equals(message) || cause.length == 0) {
            return new PushException(shown, ref);
        }
        return new PushException(shown, ref, cause[0]);
    }

    private static boolean looksLikeAuth(List<String> errors) {
        return errors.stream().anyMatch(e -> {
            String l = e.toLowerCase(java.util.Locale.ROOT);
            return l.contains("auth") || l.contains("denied") || l.contains("credentials");
        });
    }

    private static void closeQuietly(PushStream stream) {
        try {
            stream.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    /** {@code docker push}: Tilt's words, as in {@code docker push: <cause>}. */
    @Override
    public String describePush(ImageRef ref) {
        return "docker push";
    }

    @Override
    public String toString() {
        return "DockerRegistryPusher[" + engine + ", " + credentials + "]";
    }
}

package dev.cmdimage.spi;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import java.util.function.Consumer;

/** Pushes an image from the image store to a registry. */
public interface RegistryPusher {
    /**
     * Pushes {@code ref}, which the image store holds, to the registry its domain names.
     *
     * @param progress     receives lines for people (e.g. {@code layer sha256:ab12... pushed})
     * @param cancellation cancels the push
     * @return the manifest digest the registry stored ({@code sha256:...})
     * @throws PushException naming the ref and the registry's own words, for every error, including the ones a
     *                       registry reports inside a response stream
     */
    String push(ImageRef ref, Consumer<String> progress, Cancellation cancellation) throws PushException;

    /**
     * Names a push of {@code ref} in the first words of its error, which go on with the {@link PushException}'s
     * message: {@code push to <registry>} by default (e.g. {@code push to localhost:5000}); the Docker pusher says
     * {@code docker push} (Tilt's words).
     *
     * @param ref the ref being pushed
     */
    default String describePush(ImageRef ref) {
        return "push to " + ref.domain();
    }
}

package dev.cmdimage.spi;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import java.util.function.Consumer;

/**
 * Pushes an image from the image store to a registry.
 *
 * <p>Threads: one pusher serves every build of a builder (and of a controller), so {@link #push} is called
 * concurrently, once per build that pushes, each call on that build's thread (a thread of the builder's executor:
 * {@code CmdImages.Builder.executor}, by default the builder's own {@code cmdimage-build-*} threads); two pushes may
 * go to the same registry and share blobs. An implementation must be thread-safe. The {@link Cancellation} is
 * cancelled from another thread, and its callbacks run on that thread.
 */
public interface RegistryPusher {
    /**
     * Pushes {@code ref}, which the image store holds, to the registry its domain names.
     *
     * @param progress     receives lines for people (e.g. {@code layer sha256:ab12... pushed}); call it from any
     *                     thread, but not after {@code push} returned
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

package dev.cmdimage.testing;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.RegistryPusher;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link RegistryPusher} that pushes nothing: it records each ref, reports the configured progress lines, and
 * returns a fixed digest, or fails on demand.
 */
public final class FakeRegistryPusher implements RegistryPusher {
    /** The digest returned by default. */
    public static final String DEFAULT_DIGEST = "sha256:" + "d".repeat(64);

    private final List<String> pushed = new CopyOnWriteArrayList<>();
    private volatile String digest = DEFAULT_DIGEST;
    private volatile List<String> progressLines = List.of();
    private volatile PushException failure;
    private volatile RuntimeException runtimeFailure;
    private volatile String pushWords;

    /** The digest later pushes return. */
    public FakeRegistryPusher digest(String digest) {
        this.digest = digest;
        return this;
    }

    /** Lines each push reports as progress. */
    public FakeRegistryPusher progress(String... lines) {
        this.progressLines = List.of(lines);
        return this;
    }

    /** Makes later pushes fail with {@code e} (as a registry refusing). */
    public FakeRegistryPusher fail(PushException e) {
        this.failure = e;
        return this;
    }

    /** Makes later pushes throw {@code e} (a broken pusher). */
    public FakeRegistryPusher fail(RuntimeException e) {
        this.runtimeFailure = e;
        return this;
    }

    /** What {@link #describePush} returns (default: the SPI's default, {@code push to <registry>}). */
    public FakeRegistryPusher describePush(String words) {
        this.pushWords = words;
        return this;
    }

    /** The refs pushed (attempted), familiar form, in order. */
    public List<String> pushed() {
        return List.copyOf(pushed);
    }

    @Override
    public String push(ImageRef ref, Consumer<String> progress, Cancellation cancellation) throws PushException {
        pushed.add(ref.familiarString());
        progressLines.forEach(progress);
        if (runtimeFailure != null) {
            throw runtimeFailure;
        }
        if (failure != null) {
            throw failure;
        }
        return digest;
    }

    @Override
    public String describePush(ImageRef ref) {
        String words = pushWords;
        return words != null ? words : RegistryPusher.super.describePush(ref);
    }
}

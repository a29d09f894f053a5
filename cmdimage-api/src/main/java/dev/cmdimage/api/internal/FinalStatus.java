package dev.cmdimage.api.internal;

import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageStatus;
import java.util.Objects;
import java.util.function.BiConsumer;

/**
 * Not API: how the pipeline records a build's final status on the exception that ended it, which
 * {@link CmdImageException#status()} then returns, without a public mutator on the exception. {@link CmdImageException}
 * hands over its private recorder when its class is initialized.
 */
public final class FinalStatus {
    private static volatile BiConsumer<CmdImageException, CmdImageStatus> recorder;

    private FinalStatus() {}

    /**
     * Called once, by {@link CmdImageException}'s static initializer.
     *
     * @throws IllegalStateException on a second call
     */
    public static synchronized void install(BiConsumer<CmdImageException, CmdImageStatus> statusRecorder) {
        if (recorder != null) {
            throw new IllegalStateException("the final status recorder is installed already");
        }
        recorder = Objects.requireNonNull(statusRecorder, "statusRecorder");
    }

    /**
     * Records {@code finalStatus} on {@code e} unless it holds one already.
     *
     * @return {@code e}
     */
    public static <E extends CmdImageException> E record(E e, CmdImageStatus finalStatus) {
        // e exists, so its class is initialized and the recorder installed
        recorder.accept(e, Objects.requireNonNull(finalStatus, "finalStatus"));
        return e;
    }
}

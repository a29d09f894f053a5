package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImageException;
import java.time.Duration;
import java.util.function.Supplier;

/** What a running {@link BuildRun} may ask of the build it belongs to ({@link BuildExecution}). */
interface BuildControl {
    /** Step 2: the status becomes {@code building}. */
    void markBuilding();

    /**
     * The build enters {@code step}. When the build's timeout runs out outside {@link BuildStep#RUN}, the step in
     * progress is cancelled and its thread interrupted; in {@link BuildStep#RUN} the process runner ends it.
     */
    void enterStep(BuildStep step);

    /** What is left of the build's whole timeout (zero or negative once it ran out), or {@code null} for none. */
    Duration timeLeft();

    /**
     * Arms a watchdog: unless closed within {@code after}, the build is cancelled and ended with {@code failure},
     * whatever the plug-in it waits for does. Guards against a plug-in that ignores its own timeout.
     *
     * @return closing it disarms the watchdog
     */
    Watchdog watchdog(Duration after, Supplier<CmdImageException> failure);

    /** An armed watchdog. */
    interface Watchdog extends AutoCloseable {
        @Override
        void close();
    }
}

package dev.cmdimage.api;

import java.util.concurrent.CompletableFuture;

/** A build started with {@link CmdImageBuilder#start(BuildRequest)}. */
public interface BuildHandle {
    /** The name of the CmdImage being built. */
    String name();

    /**
     * Cancels the build: the command's whole process tree gets SIGTERM, then SIGKILL after a grace period. The
     * build then completes with the error {@code build cancelled}. Does nothing when the build has ended.
     */
    void cancel();

    /**
     * The build's result; completes exceptionally with a {@link CmdImageException} when the build fails. Cancelling
     * this future ({@code result().cancel(true)}, e.g. after a bounded {@code get}) cancels the build as
     * {@link #cancel()} does; {@link #finalStatus()} then tells when it has ended.
     */
    CompletableFuture<BuildResult> result();

    /**
     * The final status: always completes normally, with {@code completed} (and {@code error} when the build
     * failed, was cancelled or timed out). It completes after {@link #result()}, so a caller that saw the final
     * status finds the result completed as well.
     */
    CompletableFuture<CmdImageStatus> finalStatus();

    /**
     * Completes (normally) once the build's work has stopped: its thread has returned from the last plug-in it
     * called, so (with a process runner that keeps its contract) no process of the build is left. Usually at the
     * same time as {@link #result()}; later when the build was ended by force because a plug-in did not stop in time
     * after a cancel or timeout. Closing a builder or a controller waits for it (bounded).
     *
     * <p>The default completes with {@link #finalStatus()}, for implementations that do not track it apart.
     */
    default CompletableFuture<Void> stopped() {
        return finalStatus().thenApply(status -> null);
    }

    /** The latest status ({@code building} until it ends). */
    CmdImageStatus currentStatus();
}

package dev.cmdimage.api;

/**
 * Runs CmdImage builds: validate, resolve, prepare, run the command, verify, retag, push, report (the steps of
 * {@link BuildStep}, in that order). Implementations are thread-safe; builds of different CmdImages may run at the
 * same time.
 *
 * <p>Get one from {@code dev.cmdimage.core.CmdImages.builder()...build()}, and close it when done: it owns threads
 * (named {@code cmdimage-builder-<n>-...}), timers and, unless one was passed in, a process runner.
 */
public interface CmdImageBuilder extends AutoCloseable {
    /**
     * Builds and blocks until the build ends. Interrupting the calling thread cancels the build (and leaves the
     * thread's interrupt flag set).
     *
     * @return what the build produced
     * @throws CmdImageException     when the build fails; {@link CmdImageException#status()} holds the final status
     * @throws IllegalStateException when the builder is closed
     */
    BuildResult build(BuildRequest request) throws CmdImageException;

    /**
     * Starts a build on a thread of the builder's and returns at once.
     *
     * @throws IllegalStateException when the builder is closed
     */
    BuildHandle start(BuildRequest request);

    /**
     * Cancels every build still running, waits until each has stopped (its command's processes are gone), and
     * shuts down the threads and timers the builder created; it never shuts down an executor or process runner the
     * caller passed in. The wait is bounded: should a plug-in ignore the cancellation past that bound, {@code close}
     * returns anyway (the implementation says how long it waits and what it leaves). Afterwards {@link #build} and
     * {@link #start} throw {@link IllegalStateException}. Calling it again does nothing. Throws nothing checked.
     *
     * <p>The default does nothing, for implementations that own nothing (test fakes).
     */
    @Override
    default void close() {}
}

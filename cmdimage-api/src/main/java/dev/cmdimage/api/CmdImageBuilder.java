package dev.cmdimage.api;

/**
 * Runs CmdImage builds: validate, resolve, prepare, run the command, verify, retag, push, report (the steps of
 * {@link BuildStep}, in that order). Implementations are thread-safe; builds of different CmdImages may run at the
 * same time.
 *
 * <p>Get one from {@code dev.cmdimage.core.CmdImages.builder()...build()}.
 */
public interface CmdImageBuilder {
    /**
     * Builds and blocks until the build ends. Interrupting the calling thread cancels the build (and leaves the
     * thread's interrupt flag set).
     *
     * @return what the build produced
     * @throws CmdImageException when the build fails; {@link CmdImageException#status()} holds the final status
     */
    BuildResult build(BuildRequest request) throws CmdImageException;

    /** Starts a build on a thread of the builder's and returns at once. */
    BuildHandle start(BuildRequest request);
}

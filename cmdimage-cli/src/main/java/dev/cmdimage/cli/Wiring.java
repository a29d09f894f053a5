package dev.cmdimage.cli;

import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.core.ClusterToolLoader;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImageSet;
import dev.cmdimage.core.CmdImageSetController;
import dev.cmdimage.core.CmdImageSetResult;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.docker.ImageStoreChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * The composition root: the chosen image store and pusher, the JDK process runner, a builder and the controller
 * both commands drive; plus the signal handling. Closing it cancels every build in flight and returns when no
 * process of theirs is left.
 */
final class Wiring implements AutoCloseable {
    private final CmdImageSetController sets;
    private final CmdImageBuilder builder;
    private final JdkProcessRunner runner;
    private final ImageStoreChoice.Chosen store;
    private final SignalGuard guard;
    private final AutoCloseable subscription;
    private boolean closed;

    private Wiring(CmdImageSetController sets, CmdImageBuilder builder, JdkProcessRunner runner,
            ImageStoreChoice.Chosen store, Cli cli, CmdImageController.Listener listener) {
        this.sets = sets;
        this.builder = builder;
        this.runner = runner;
        this.store = store;
        this.subscription = sets.controller().subscribe(listener);
        this.guard = SignalGuard.install(cli, this::cancelAll);
    }

    /**
     * Wires everything up.
     *
     * @param baseDir  where commands run when a spec has no {@code dir}, and what relative paths resolve against
     * @param timeout  the longest each command may run, or {@code null}
     * @param listener hears the controller's changes
     * @param notBuilt CmdImages that are not built, with the status they show
     */
    static Wiring start(Cli cli, ImageStoreChoice.Chosen store, Path baseDir, Duration timeout,
            StderrReporter reporter, CmdImageController.Listener listener, Map<String, CmdImageStatus> notBuilt) {
        return start(cli, store, baseDir, timeout, null, reporter, listener, notBuilt);
    }

    /**
     * Wires everything up, as {@link #start(Cli, ImageStoreChoice.Chosen, Path, Duration, StderrReporter,
     * CmdImageController.Listener, Map)} does, with at most {@code parallelism} builds at once ({@code null}: one
     * per processor).
     */
    static Wiring start(Cli cli, ImageStoreChoice.Chosen store, Path baseDir, Duration timeout, Integer parallelism,
            StderrReporter reporter, CmdImageController.Listener listener, Map<String, CmdImageStatus> notBuilt) {
        // owning the JVM, the signal guard cancels the builds through the controller, so that they end as
        // "build cancelled"; the runner's own hook would race it and kill the commands first. Not owning it (run
        // in-process), the CLI asks the runner for its hook (the library's default is none).
        JdkProcessRunner runner = JdkProcessRunner.builder().shutdownHook(!cli.ownsJvm()).build();
        CmdImageBuilder builder = CmdImages.builder()
                .processRunner(runner)
                .imageStore(store.store())
                .registryPusher(store.pusher())
                .clusterImageLoader(store.store() == null ? null
                        : ClusterToolLoader.builder(store.store(), runner).environment(cli.env()).build())
                .build();
        CmdImageControllers.Builder controller = CmdImageControllers.builder(builder)
                .baseDirectory(baseDir)
                .baseEnvironment(cli.env())
                .buildListener(reporter)
                .clusterSharesImageStore(store.sharesImageStore())
                .neverWatch(neverWatched(store)); // the store's writes never rebuild a build watching its dir
        if (timeout != null) {
            controller.buildTimeout(timeout);
        }
        if (parallelism != null) {
            controller.maxParallelBuilds(parallelism);
        }
        CmdImageSetController.Builder sets = CmdImageSetController.builder(controller);
        notBuilt.forEach(sets::notBuilt);
        return new Wiring(sets.build(), builder, runner, store, cli, listener);
    }

    /** Makes the controller hold the objects of {@code set}; does nothing once the run is cancelled. */
    void sync(CmdImageSet set) {
        sets.sync(set);
    }

    /**
     * From the next {@link #sync} on, the FileWatches of the set are watched and a changed file rebuilds the
     * CmdImages depending on it ({@code watch}); without it each CmdImage builds once ({@code build}).
     */
    void watchFiles() {
        sets.watchFiles(true);
    }

    /**
     * Rebuilds the CmdImage {@code name} now (reason {@code triggered}).
     *
     * @return {@code false} when there is no CmdImage of that name, or the run is being stopped
     */
    boolean rebuild(String name) {
        try {
            return sets.controller().trigger(name);
        } catch (IllegalStateException closed) {
            return false;
        }
    }

    /** The directory of an OCI image layout store (none for the Docker engine). */
    private static Path[] neverWatched(ImageStoreChoice.Chosen store) {
        return store.store() instanceof OciLayoutStore oci ? new Path[] {oci.directory()} : new Path[0];
    }

    /** How every CmdImage of the last set synced ended (call after {@link #awaitIdle()}). */
    CmdImageSetResult result() {
        return sets.result();
    }

    /** What SIGINT/SIGTERM does (see {@link SignalGuard#stop()}): cancels the run wherever it is. */
    void stop() {
        guard.stop();
    }

    /**
     * Waits until nothing is building or due to build.
     *
     * @return {@code false} when the wait was cut short (the thread was interrupted or the JVM is being stopped),
     *         after every build in flight was cancelled
     */
    boolean awaitIdle() {
        try {
            while (!sets.controller().awaitIdle(Duration.ofSeconds(1))) {
                if (guard.signalled()) {
                    break;
                }
            }
            if (!guard.signalled()) {
                return true;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (IllegalStateException e) {
            // closed by a signal
        }
        // also when the signal's hook is cancelling: returns once it is done, so that the result says so
        cancelAll();
        return false;
    }

    /**
     * Cancels every build in flight and returns when their processes are gone (also when another thread is
     * doing it: the second caller waits for the first). Runs with the calling thread's interrupt flag cleared,
     * so that an interrupt, which is how an in-process run is stopped, cannot cut the wait for the processes
     * short; the flag is restored afterwards.
     */
    synchronized void cancelAll() {
        if (closed) {
            return;
        }
        boolean interrupted = Thread.interrupted();
        try {
            sets.cancel();
        } finally {
            closed = true;
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Cancels every build in flight, returns when their processes are gone, and releases the builder, the runner
     * (and its shutdown hook) and the store.
     */
    @Override
    public void close() {
        try {
            subscription.close();
        } catch (Exception e) {
            // unsubscribing cannot fail in a way that matters here
        }
        try {
            cancelAll();
        } finally {
            builder.close();
            runner.close();
            store.close();
            guard.close();
        }
    }
}

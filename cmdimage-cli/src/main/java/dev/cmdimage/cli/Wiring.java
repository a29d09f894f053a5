package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The composition root: the chosen image store and pusher, the JDK process runner, a builder and the controller
 * both commands drive; plus the signal handling. Closing it cancels every build in flight and returns when no
 * process of theirs is left.
 */
final class Wiring implements AutoCloseable {
    private final CmdImageController controller;
    private final CmdImageBuilder builder;
    private final JdkProcessRunner runner;
    private final ImageStoreChoice.Chosen store;
    private final SignalGuard guard;
    private final AutoCloseable subscription;
    /** The latest version of every object the controller reported, for when it can no longer be asked. */
    private final Map<String, ApiObject> latest = new ConcurrentHashMap<>();
    private boolean closed;

    private Wiring(CmdImageController controller, CmdImageBuilder builder, JdkProcessRunner runner,
            ImageStoreChoice.Chosen store, Cli cli, CmdImageController.Listener listener) {
        this.controller = controller;
        this.builder = builder;
        this.runner = runner;
        this.store = store;
        this.subscription = controller.subscribe((object, deleted) -> {
            if (deleted) {
                latest.remove(FileInput.key(object));
            } else {
                latest.put(FileInput.key(object), object);
            }
            listener.changed(object, deleted);
        });
        this.guard = SignalGuard.install(cli, this::cancelAll);
    }

    /**
     * Wires everything up.
     *
     * @param baseDir  where commands run when a spec has no {@code dir}, and what relative paths resolve against
     * @param timeout  the longest each command may run, or {@code null}
     * @param listener hears the controller's changes (after the wiring has recorded them)
     */
    static Wiring start(Cli cli, ImageStoreChoice.Chosen store, Path baseDir, Duration timeout,
            StderrReporter reporter, CmdImageController.Listener listener) {
        // owning the JVM, the signal guard cancels the builds through the controller, so that they end as
        // "build cancelled"; the runner's own hook would race it and kill the commands first. Not owning it (run
        // in-process), the CLI asks the runner for its hook (the library's default is none).
        JdkProcessRunner runner = JdkProcessRunner.builder().shutdownHook(!cli.ownsJvm()).build();
        CmdImageBuilder builder = CmdImages.builder()
                .processRunner(runner)
                .imageStore(store.store())
                .registryPusher(store.pusher())
                .build();
        CmdImageControllers.Builder controller = CmdImageControllers.builder(builder)
                .baseDirectory(baseDir)
                .baseEnvironment(cli.env())
                .buildListener(reporter)
                .clusterSharesImageStore(store.sharesImageStore());
        if (timeout != null) {
            controller.buildTimeout(timeout);
        }
        return new Wiring(controller.build(), builder, runner, store, cli, listener);
    }

    CmdImageController controller() {
        return controller;
    }

    /**
     * Waits until nothing is building or due to build.
     *
     * @return {@code false} when the wait was cut short (the thread was interrupted or the JVM is being stopped),
     *         after every build in flight was cancelled
     */
    boolean awaitIdle() {
        try {
            while (!controller.awaitIdle(Duration.ofSeconds(1))) {
                if (guard.signalled()) {
                    cancelAll();
                    return false;
                }
            }
            return !guard.signalled();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            cancelAll();
            return false;
        } catch (IllegalStateException e) {
            return false; // closed by a signal
        }
    }

    /** What {@code o} is now in the controller (with its status); {@code o} itself when the controller has none. */
    ApiObject current(ApiObject o) {
        Optional<? extends ApiObject> now;
        try {
            if (o instanceof CmdImage) {
                now = controller.cmdImage(o.name());
            } else if (o instanceof ImageMap) {
                now = controller.imageMap(o.name());
            } else if (o instanceof Cluster) {
                now = controller.cluster(o.name());
            } else {
                now = Optional.empty();
            }
        } catch (IllegalStateException closed) {
            now = Optional.ofNullable(latest.get(FileInput.key(o)));
        }
        return now.isPresent() ? now.get() : o;
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
            controller.close();
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

package dev.cmdimage.core;

import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.core.internal.pipeline.PipelineBuilder;
import dev.cmdimage.core.internal.pipeline.PipelineSettings;
import dev.cmdimage.spi.ClusterImageLoader;
import dev.cmdimage.spi.ClusterTarget;
import dev.cmdimage.spi.ImageStore;
import dev.cmdimage.spi.ProcessRunner;
import dev.cmdimage.spi.ProcessSpec;
import dev.cmdimage.spi.RegistryPusher;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The entry point: wires the plug-ins into a {@link CmdImageBuilder}.
 *
 * <pre>{@code
 * CmdImageBuilder builder = CmdImages.builder()
 *         .processRunner(runner)          // runs the user's command (default: JdkProcessRunner)
 *         .imageStore(dockerStore)        // verifies and retags the image (not needed for outputMode: remote)
 *         .registryPusher(dockerPusher)   // pushes it (not needed when nothing is pushed)
 *         .build();
 * BuildResult result = builder.build(BuildRequest.builder(cmdImage).cluster(cluster).build());
 * }</pre>
 *
 * A builder is thread-safe and meant to be shared: it guarantees that two builds of the same image never get the
 * same generated {@code tilt-build-<seconds>} tag. Close it when done ({@code try (CmdImageBuilder builder = ...)}).
 *
 * <p>Threads: each build runs on one thread of the builder's executor, from start to end; its timers (timeout,
 * forced end) run on one thread of the builder's, {@code cmdimage-builder-<n>-timer}, which ends when no timer is
 * armed for a few seconds; the default process runner reads each command's output on two threads of its own that
 * end with the command. Futures complete on these threads (never on the common pool), and so do the callbacks
 * chained on them without an executor.
 */
public final class CmdImages {
    private CmdImages() {}

    /** A new builder with the defaults described on each setter. */
    public static Builder builder() {
        return new Builder();
    }

    /** Configures a {@link CmdImageBuilder}. */
    public static final class Builder {
        /** The default number of output lines an error message carries. */
        public static final int DEFAULT_OUTPUT_TAIL_LINES = 20;

        private ProcessRunner processRunner;
        private ImageStore imageStore;
        private RegistryPusher registryPusher;
        private ClusterImageLoader clusterImageLoader;
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private Duration killGrace = ProcessSpec.DEFAULT_KILL_GRACE;
        private int outputTailLines = DEFAULT_OUTPUT_TAIL_LINES;

        private Builder() {}

        /**
         * Runs the user's command. Default: a {@link JdkProcessRunner} (own session per command, whole process tree
         * killed on timeout and cancel, no JVM shutdown hook), made when {@link #build()} is called and closed with
         * the builder. A runner given here is never closed by cmdimage.
         */
        public Builder processRunner(ProcessRunner runner) {
            this.processRunner = Objects.requireNonNull(runner, "runner");
            return this;
        }

        /**
         * Where images are verified and retagged. Optional: without one, every build whose {@code outputMode} is
         * not {@code remote} fails before running, with an error saying an image store is needed.
         */
        public Builder imageStore(ImageStore store) {
            this.imageStore = store;
            return this;
        }

        /**
         * Pushes images to the cluster's registry. Optional: without one, a build that must push fails before
         * running, with an error saying a registry pusher is needed.
         */
        public Builder registryPusher(RegistryPusher pusher) {
            this.registryPusher = pusher;
            return this;
        }

        /**
         * Loads images into clusters that have no registry (kind, k3d, minikube, k3s, microk8s, a containerd)
         * instead of pushing them: {@link ClusterToolLoader} runs each product's tool. Optional: without one, a
         * local cluster (one of {@link ClusterTarget#LOCAL_PRODUCTS}) without a registry fails the build before
         * running, saying why; its image is never pushed to the image's own registry.
         */
        public Builder clusterImageLoader(ClusterImageLoader loader) {
            this.clusterImageLoader = loader;
            return this;
        }

        /** The source of timestamps and generated tags. Default: the system clock in UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs started builds (one task per build, for its whole duration; {@code build()} uses it too). Default:
         * the builder's own cached pool of daemon threads named {@code cmdimage-builder-<n>-build-<k>}, shut down by
         * {@link CmdImageBuilder#close()}. An executor given here is never shut down by cmdimage.
         */
        public Builder executor(Executor executor) {
            this.executor = Objects.requireNonNull(executor, "executor");
            return this;
        }

        /** How long a command's process tree has after SIGTERM before SIGKILL. Default 5 seconds. */
        public Builder killGrace(Duration grace) {
            Objects.requireNonNull(grace, "grace");
            if (grace.isNegative()) {
                throw new IllegalArgumentException("killGrace must not be negative: " + grace);
            }
            this.killGrace = grace;
            return this;
        }

        /** How many of the command's last output lines a failure message carries. Default 20; 0 for none. */
        public Builder outputTailLines(int lines) {
            if (lines < 0) {
                throw new IllegalArgumentException("outputTailLines must not be negative: " + lines);
            }
            this.outputTailLines = lines;
            return this;
        }

        /**
         * The configured builder. Close it when done ({@link CmdImageBuilder#close()}): it cancels what still runs,
         * waits for it to stop (at most twice the kill grace plus 10 seconds; past that it returns and logs at
         * DEBUG), and shuts down the builder's threads and timers, and the process runner and executor it made
         * itself (never ones passed in).
         */
        public CmdImageBuilder build() {
            String name = PipelineBuilder.newName();
            JdkProcessRunner ownRunner = processRunner == null ? new JdkProcessRunner() : null;
            ExecutorService ownPool = executor == null ? daemonPool(name) : null;
            ProcessRunner runner = processRunner != null ? processRunner : ownRunner;
            Executor ex = executor != null ? executor : ownPool;
            return new PipelineBuilder(new PipelineSettings(runner, imageStore, registryPusher, clusterImageLoader, clock, ex,
                    killGrace, outputTailLines), new PipelineBuilder.Owned(name, ownPool, ownRunner));
        }

        /** One thread per running build, named {@code <builder>-build-<k>}; idle threads end after 60 seconds. */
        private static ExecutorService daemonPool(String owner) {
            AtomicInteger n = new AtomicInteger();
            return new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, owner + "-build-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
        }
    }
}

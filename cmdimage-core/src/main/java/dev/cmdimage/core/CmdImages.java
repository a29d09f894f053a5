package dev.cmdimage.core;

import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.core.internal.pipeline.PipelineBuilder;
import dev.cmdimage.core.internal.pipeline.PipelineSettings;
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
 * same generated {@code tilt-build-<seconds>} tag.
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
        private Clock clock = Clock.systemUTC();
        private Executor executor;
        private Duration killGrace = ProcessSpec.DEFAULT_KILL_GRACE;
        private int outputTailLines = DEFAULT_OUTPUT_TAIL_LINES;

        private Builder() {}

        /**
         * Runs the user's command. Default: a {@link JdkProcessRunner} (own session per command, whole process tree
         * killed on timeout and cancel), made when {@link #build()} is called.
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

        /** The source of timestamps and generated tags. Default: the system clock in UTC. */
        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Runs started builds (one task per build, for its whole duration; {@code build()} uses it too). Default:
         * the builder's own cached pool of daemon threads, which never needs shutting down. An executor given here
         * is never shut down by cmdimage.
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

        /** The configured builder. */
        public CmdImageBuilder build() {
            ProcessRunner runner = processRunner != null ? processRunner : new JdkProcessRunner();
            Executor ex = executor != null ? executor : daemonPool();
            return new PipelineBuilder(new PipelineSettings(runner, imageStore, registryPusher, clock, ex,
                    killGrace, outputTailLines));
        }

        private static ExecutorService daemonPool() {
            AtomicInteger n = new AtomicInteger();
            ThreadPoolExecutor pool = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS,
                    new SynchronousQueue<>(), r -> {
                        Thread t = new Thread(r, "cmdimage-build-" + n.incrementAndGet());
                        t.setDaemon(true);
                        return t;
                    });
            return pool;
        }
    }
}

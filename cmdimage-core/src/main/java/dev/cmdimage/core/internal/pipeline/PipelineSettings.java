package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.spi.ClusterImageLoader;
import dev.cmdimage.spi.ImageStore;
import dev.cmdimage.spi.ProcessRunner;
import dev.cmdimage.spi.RegistryPusher;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.Executor;

/**
 * What a {@link PipelineBuilder} is wired with.
 *
 * @param processRunner   runs the user's command
 * @param imageStore      verifies and retags images, or {@code null} (then only {@code remote} mode works)
 * @param registryPusher  pushes images, or {@code null} (then a build that must push fails)
 * @param clusterImageLoader loads images into clusters without a registry, or {@code null} (then a local cluster
 *                        without a registry fails the build)
 * @param clock           the source of every timestamp and generated tag
 * @param executor        runs started builds
 * @param killGrace       how long a process tree has after SIGTERM before SIGKILL
 * @param outputTailLines how many of the command's last output lines an error carries
 */
public record PipelineSettings(
        ProcessRunner processRunner,
        ImageStore imageStore,
        RegistryPusher registryPusher,
        ClusterImageLoader clusterImageLoader,
        Clock clock,
        Executor executor,
        Duration killGrace,
        int outputTailLines) {

    public PipelineSettings {
        Objects.requireNonNull(processRunner, "processRunner");
        Objects.requireNonNull(clock, "clock");
        Objects.requireNonNull(executor, "executor");
        Objects.requireNonNull(killGrace, "killGrace");
        if (killGrace.isNegative()) {
            throw new IllegalArgumentException("killGrace must not be negative: " + killGrace);
        }
        if (outputTailLines < 0) {
            throw new IllegalArgumentException("outputTailLines must not be negative: " + outputTailLines);
        }
    }
}

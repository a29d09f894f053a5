package dev.cmdimage.core;

import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.internal.load.LoadCommand;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ClusterImageLoader;
import dev.cmdimage.spi.ClusterTarget;
import dev.cmdimage.spi.ImageStore;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessRunner;
import dev.cmdimage.spi.ProcessSpec;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads images into clusters without a registry by running each product's own tool through a
 * {@link ProcessRunner} (the builder's, so that no tool outlives a build: cancellation and the timeout kill its
 * whole process tree):
 * <ul>
 *   <li>{@code kind}: {@code kind load docker-image} from a Docker store, {@code kind load image-archive}
 *       otherwise, with {@code --name} from the context ({@code kind-<name>}), as Tilt does;</li>
 *   <li>{@code k3d}: {@code k3d image import -c <cluster>}; {@code minikube}: {@code minikube image load
 *       -p <profile>};</li>
 *   <li>{@code k3s}, {@code microk8s}, {@code containerd}: {@code ctr --address <socket> -n k8s.io images import},
 *       the socket from {@code CONTAINERD_ADDRESS} or the product's default, the namespace from
 *       {@code CONTAINERD_NAMESPACE} or {@code k8s.io}.</li>
 * </ul>
 * Tools that do not read from the Docker engine get an image archive from the {@link ImageStore}
 * ({@link ImageStore#writeArchive}: {@code docker save} from the Docker store, an OCI archive from an OCI layout) in
 * a temporary directory this loader creates and deletes. The image lands under its full name
 * ({@code docker.io/library/app:tag}), the name the kubelet looks up; for a multi-platform image, the platform of the
 * cluster's architecture. The tools get the configured environment plus the store's
 * ({@link ImageStore#commandEnvironment()}, e.g. {@code DOCKER_HOST}), so they read from the same engine.
 */
public final class ClusterToolLoader implements ClusterImageLoader {
    private static final Logger LOG = LoggerFactory.getLogger(ClusterToolLoader.class);
    /** How long one tool may run by default. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(10);
    /** How many of a tool's last output lines an error carries. */
    static final int TAIL_LINES = 10;

    private final ImageStore store;
    private final ProcessRunner runner;
    private final Map<String, String> environment;
    private final Duration timeout;
    private final Duration killGrace;
    private final Path tempDirectory;

    private ClusterToolLoader(Builder b) {
        this.store = b.store;
        this.runner = b.runner;
        this.environment = Map.copyOf(b.environment != null ? b.environment : System.getenv());
        this.timeout = b.timeout;
        this.killGrace = b.killGrace;
        this.tempDirectory = b.tempDirectory != null ? b.tempDirectory
                : Path.of(System.getProperty("java.io.tmpdir"));
    }

    /**
     * A builder for a loader reading images from {@code store} and running the tools with {@code runner} (pass
     * the builder's, e.g. the {@link JdkProcessRunner} given to {@link CmdImages.Builder#processRunner}).
     */
    public static Builder builder(ImageStore store, ProcessRunner runner) {
        return new Builder(store, runner);
    }

    /** Serves {@code kind}, {@code k3d}, {@code minikube}, {@code k3s}, {@code microk8s} and {@code containerd}. */
    @Override
    public boolean serves(ClusterTarget target) {
        return target.product() != null && LoadCommand.PRODUCTS.contains(target.product());
    }

    /** The tool's words: {@code kind load into kind-dev}, {@code ctr images import into k3s-default}. */
    @Override
    public String describeLoad(ClusterTarget target) {
        String words = switch (target.product() == null ? "" : target.product()) {
            case "kind" -> "kind load";
            case "k3d" -> "k3d image import";
            case "minikube" -> "minikube image load";
            default -> "ctr images import";
        };
        return words + " into " + target.displayName();
    }

    @Override
    public String load(ImageRef ref, ClusterTarget target, Consumer<String> progress, Cancellation cancellation)
            throws ClusterLoadException {
        Objects.requireNonNull(ref, "ref");
        if (!serves(target)) {
            throw failure(target, ref, "no tool loads images into a cluster of product " + target.product(),
                    List.of(), null);
        }
        Map<String, String> env = new LinkedHashMap<>(environment);
        Map<String, String> storeEnv = storeEnvironment(target, ref);
        env.putAll(storeEnv);
        boolean dockerStore = storeEnv.containsKey("DOCKER_HOST");
        Path dir = null;
        try {
            dir = Files.createTempDirectory(tempDirectory, "cmdimage-load-");
            Path archive = dir.resolve("image.tar");
            LoadCommand command = LoadCommand.of(target, ref.familiarString(), archive, dockerStore, env);
            if (command.archive()) {
                writeArchive(ref, target, archive, progress);
            }
            run(command, dir, env, ref, target, progress, cancellation);
            return ref.fullString();
        } catch (IOException e) {
            throw failure(target, ref, "cannot prepare the image archive in " + tempDirectory + ": " + e, List.of(),
                    e);
        } finally {
            if (dir != null) {
                deleteOwn(dir);
            }
        }
    }

    private Map<String, String> storeEnvironment(ClusterTarget target, ImageRef ref) throws ClusterLoadException {
        try {
            Map<String, String> env = store.commandEnvironment();
            return env == null ? Map.of() : env;
        } catch (RuntimeException e) {
            throw failure(target, ref, "the image store (" + store.description() + ") failed: " + e, List.of(), e);
        }
    }

    private void writeArchive(ImageRef ref, ClusterTarget target, Path archive, Consumer<String> progress)
            throws IOException, ClusterLoadException {
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(archive))) {
            store.writeArchive(ref, target.arch(), out);
        } catch (ImageStoreException e) {
            throw failure(target, ref, "cannot export " + ref.familiarString() + " from " + store.description()
                    + ": " + e.getMessage(), List.of(), e);
        }
        progress.accept("wrote " + ref.familiarString() + (target.arch() == null ? "" : " (linux/" + target.arch()
                + ")") + " as an image archive of " + Files.size(archive) + " bytes");
    }

    private void run(LoadCommand command, Path dir, Map<String, String> env, ImageRef ref, ClusterTarget target,
            Consumer<String> progress, Cancellation cancellation) throws ClusterLoadException {
        ProcessSpec spec = new ProcessSpec(command.argv(), dir, env, timeout, killGrace);
        LOG.debug("loading {} into {}: {}", ref, target.displayName(), command.argv());
        ProcessResult result;
        try {
            result = runner.run(spec, (stream, line) -> progress.accept(line), cancellation);
        } catch (IOException e) {
            throw failure(target, ref, command.tool() + " could not start (is it installed and on the PATH?): "
                    + e.getMessage(), List.of(), e);
        }
        List<String> tail = tail(result.outputTail());
        switch (result.termination()) {
            case TIMED_OUT:
                throw failure(target, ref, String.join(" ", command.argv()) + " did not finish within "
                        + timeout.toSeconds() + "s; its processes were killed" + lines(tail), tail, null);
            case CANCELLED:
                throw failure(target, ref, "cancelled", tail, null);
            default:
                if (result.exitCode() != 0 && command.tool().equals("ctr")
                        && tail.stream().anyMatch(l -> l.contains("failed to dial"))) {
                    throw failure(target, ref, "containerd does not answer at " + command.argv().get(2)
                            + " (the address comes from CONTAINERD_ADDRESS, else the " + target.product()
                            + " default)" + lines(tail), tail, null);
                }
                if (result.exitCode() != 0) {
                    throw failure(target, ref, String.join(" ", command.argv()) + " failed: exit status "
                            + result.exitCode() + lines(tail), tail, null);
                }
        }
    }

    private ClusterLoadException failure(ClusterTarget target, ImageRef ref, String why, List<String> tail,
            Throwable cause) {
        return new ClusterLoadException("cannot load " + ref.familiarString() + " into " + target.displayName()
                + (target.product() == null ? "" : " (" + target.product() + ")") + ": " + why,
                target.displayName(), target.product(), ref.familiarString(), tail, cause);
    }

    private static List<String> tail(List<String> lines) {
        return lines.size() <= TAIL_LINES ? lines : lines.subList(lines.size() - TAIL_LINES, lines.size());
    }

    private static String lines(List<String> tail) {
        return tail.isEmpty() ? "" : ": " + String.join(" / ", tail);
    }

    /** Deletes the archive and the directory this loader created (nothing else is ever in it). */
    private static void deleteOwn(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve("image.tar"));
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", dir, e);
        }
    }

    @Override
    public String toString() {
        return "ClusterToolLoader[" + store.description() + "]";
    }

    /** Configures a {@link ClusterToolLoader}. */
    public static final class Builder {
        private final ImageStore store;
        private final ProcessRunner runner;
        private Map<String, String> environment;
        private Duration timeout = DEFAULT_TIMEOUT;
        private Duration killGrace = ProcessSpec.DEFAULT_KILL_GRACE;
        private Path tempDirectory;

        private Builder(ImageStore store, ProcessRunner runner) {
            this.store = Objects.requireNonNull(store, "store");
            this.runner = Objects.requireNonNull(runner, "runner");
        }

        /**
         * The tools' environment ({@code PATH}, {@code KUBECONFIG}, {@code CONTAINERD_ADDRESS},
         * {@code CONTAINERD_NAMESPACE}, ...), to which the store's command environment is added. Default: this
         * JVM's.
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Objects.requireNonNull(environment, "environment");
            return this;
        }

        /** The longest one tool may run; then its process tree is killed. Default 10 minutes. */
        public Builder timeout(Duration timeout) {
            Objects.requireNonNull(timeout, "timeout");
            if (timeout.isNegative() || timeout.isZero()) {
                throw new IllegalArgumentException("timeout must be positive: " + timeout);
            }
            this.timeout = timeout;
            return this;
        }

        /** How long a tool's process tree has after SIGTERM before SIGKILL. Default 5 seconds. */
        public Builder killGrace(Duration killGrace) {
            Objects.requireNonNull(killGrace, "killGrace");
            if (killGrace.isNegative()) {
                throw new IllegalArgumentException("killGrace must not be negative: " + killGrace);
            }
            this.killGrace = killGrace;
            return this;
        }

        /**
         * Where the temporary directory holding an image archive is created (and deleted after the load). Default:
         * {@code java.io.tmpdir}.
         */
        public Builder tempDirectory(Path directory) {
            this.tempDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /** The loader. */
        public ClusterToolLoader build() {
            return new ClusterToolLoader(this);
        }
    }
}

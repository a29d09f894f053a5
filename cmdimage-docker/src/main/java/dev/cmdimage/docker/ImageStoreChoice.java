package dev.cmdimage.docker;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.DockerConfigCredentials;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.ImageStore;
import dev.cmdimage.spi.RegistryPusher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the image store and registry pusher to build with, as the command line's {@code --image-store} and the
 * Maven plugin's {@code <imageStore>} do: {@link #docker the Docker engine} the environment names
 * ({@link DockerImageStore} and {@link DockerRegistryPusher}), {@link #oci an OCI image layout}
 * ({@link OciLayoutStore} and {@link RegistryHttpPusher}), or {@link #auto auto}: the engine when it answers a quick
 * ping ({@link #PING_TIMEOUT}), else an OCI image layout. It says what it chose and why, one sentence at a time, to
 * the {@link Builder#info info} consumer, as it goes (before waiting for the engine, so that a user knows what is
 * being waited for).
 *
 * <pre>{@code
 * ImageStoreChoice choice = ImageStoreChoice.builder().environment(System.getenv()).info(log::info).build();
 * try (ImageStoreChoice.Chosen chosen = choice.auto(Path.of("build/oci"), true)) {
 *     CmdImages.builder().imageStore(chosen.store()).registryPusher(chosen.pusher()) ...
 * }
 * }</pre>
 */
public final class ImageStoreChoice {
    /**
     * How long connecting to the engine may take, and then how long its first answer (see
     * {@link DockerEngine.Builder#connectTimeout}).
     */
    public static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@link #auto} waits for the engine to answer. */
    public static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    private final Map<String, String> environment;
    private final CredentialsProvider credentials;
    private final UnaryOperator<RegistryHttpPusher.Builder> ociPusher;
    private final Consumer<String> info;

    private ImageStoreChoice(Builder b) {
        this.environment = b.environment;
        this.credentials = b.credentials != null ? b.credentials : DockerConfigCredentials.of(b.environment);
        this.ociPusher = b.ociPusher;
        this.info = b.info;
    }

    /** A builder: the JVM's environment, credentials from its Docker config, nothing told. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * What was chosen.
     *
     * @param store            the image store, or {@code null} when none is needed ({@link #NONE})
     * @param pusher           the store's registry pusher, or {@code null} with no store
     * @param unusable         when the Docker engine asked for does not answer now: the sentence saying so, naming
     *                         the address tried; else {@code null}. The store and pusher are there all the same
     *                         (builds with them fail with this error)
     * @param engine           the Docker engine connection, closed by {@link #close()}, or {@code null}
     * @param sharesImageStore whether a cluster runs images straight from the store (then nothing is pushed), for
     *                         {@code CmdImageControllers.Builder#clusterSharesImageStore}
     */
    public record Chosen(@Nullable ImageStore store, @Nullable RegistryPusher pusher, @Nullable String unusable,
            @Nullable DockerEngine engine, Predicate<Cluster> sharesImageStore) implements AutoCloseable {
        /** No store: every CmdImage pushes from its command ({@code outputMode: remote}). */
        public static final Chosen NONE = new Chosen(null, null, null, null, cluster -> false);

        /** The store and pusher are required together; {@code sharesImageStore} is required. */
        public Chosen {
            if ((store == null) != (pusher == null)) {
                throw new IllegalArgumentException("a store needs a pusher, and a pusher a store");
            }
            Objects.requireNonNull(sharesImageStore, "sharesImageStore");
        }

        /** Closes the engine connection, if there is one. */
        @Override
        public void close() {
            if (engine != null) {
                engine.close();
            }
        }
    }

    /**
     * The Docker engine the environment names, after waiting (at most {@link #CONNECT_TIMEOUT} to connect and as
     * long for the answer) for it to answer. Tells {@code image store: ENGINE (from SOURCE, ASKED BY); waiting for
     * it to answer (...)} first, and {@code image store: the ENGINE does not answer: WHY} when it does not.
     *
     * @param askedBy what asked for it, for people, e.g. {@code as --image-store docker asks}
     * @return the engine's store and pusher, with {@link Chosen#unusable()} set when it does not answer
     */
    public Chosen docker(String askedBy) {
        DockerEngine engine = engine(null);
        info.accept("image store: " + engine.description() + " (from " + engine.hostSource() + ", " + askedBy
                + "); waiting for it to answer (at most " + seconds(CONNECT_TIMEOUT) + " to connect and "
                + seconds(CONNECT_TIMEOUT) + " for the answer)");
        String down = ping(engine);
        if (down != null) {
            info.accept("image store: the " + engine.description() + " does not answer: " + down);
        }
        return docker(engine, down);
    }

    /**
     * An OCI image layout in {@code dir} (created when the first image is stored). Tells
     * {@code image store: OCI image layout at DIR (ASKED BY)}.
     *
     * @param dir     the layout directory
     * @param askedBy what asked for it, for people, e.g. {@code as --image-store oci:build/oci asks}
     * @return the layout's store and its HTTP registry pusher
     */
    public Chosen oci(Path dir, String askedBy) {
        info.accept("image store: OCI image layout at " + dir + " (" + askedBy + ")");
        return oci(dir);
    }

    /**
     * The Docker engine when it answers within {@link #PING_TIMEOUT}, else an OCI image layout in {@code ociDir};
     * nothing when no store is needed (then no engine is pinged and no directory created). Tells which, and why.
     *
     * @param ociDir where the layout is when no engine answers
     * @param needed whether any CmdImage needs a store (its {@code outputMode} is not {@code remote})
     * @return the store chosen, or {@link Chosen#NONE} when none is needed
     */
    public Chosen auto(Path ociDir, boolean needed) {
        if (!needed) {
            info.accept("image store: none needed (every CmdImage has outputMode remote)");
            return Chosen.NONE;
        }
        String down;
        try (DockerEngine probe = engine(PING_TIMEOUT)) {
            down = ping(probe);
        }
        if (down == null) {
            DockerEngine engine = engine(null);
            info.accept("image store: " + engine.description() + " (auto: the engine answered)");
            return docker(engine, null);
        }
        info.accept("image store: OCI image layout at " + ociDir + " (auto: no Docker engine answered: " + down + ")");
        return oci(ociDir);
    }

    /** The engine the environment points at; with {@code timeout}, one for a quick ping. */
    private DockerEngine engine(@Nullable Duration timeout) {
        DockerEngine.Builder b = DockerEngine.builder().environment(environment).connectTimeout(CONNECT_TIMEOUT);
        if (timeout != null) {
            b.connectTimeout(timeout).requestTimeout(timeout);
        }
        return b.build();
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }

    /** {@code null} when the engine answers, else the sentence saying it does not (naming its address). */
    private static @Nullable String ping(DockerEngine engine) {
        try {
            engine.apiVersion();
            return null;
        } catch (ImageStoreException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "Cannot reach the Docker engine at " + engine.host() + ": " + e;
        }
    }

    private Chosen docker(DockerEngine engine, @Nullable String down) {
        return new Chosen(new DockerImageStore(engine), new DockerRegistryPusher(engine, credentials), down, engine,
                cluster -> DockerClusters.sharesImageStore(cluster, engine, environment));
    }

    private Chosen oci(Path dir) {
        OciLayoutStore store = new OciLayoutStore(dir);
        return new Chosen(store, ociPusher.apply(RegistryHttpPusher.builder(store).credentials(credentials)).build(),
                null, null, cluster -> false);
    }

    /** Configures an {@link ImageStoreChoice}. */
    public static final class Builder {
        private Map<String, String> environment = System.getenv();
        private @Nullable CredentialsProvider credentials;
        private UnaryOperator<RegistryHttpPusher.Builder> ociPusher = UnaryOperator.identity();
        private Consumer<String> info = sentence -> {};

        private Builder() {}

        /**
         * The environment that names the Docker engine ({@code DOCKER_HOST}, {@code DOCKER_CONTEXT}, ...,
         * {@code MINIKUBE_ACTIVE_DOCKERD}) and, unless {@link #credentials} are given, the Docker config. Default:
         * the JVM's.
         *
         * @param environment the environment
         * @return this builder
         */
        public Builder environment(Map<String, String> environment) {
            this.environment = Map.copyOf(Objects.requireNonNull(environment, "environment"));
            return this;
        }

        /**
         * What both pushers authenticate with. Default: the Docker config the {@link #environment} names
         * ({@link DockerConfigCredentials#of(Map)}).
         *
         * @param credentials the credentials
         * @return this builder
         */
        public Builder credentials(CredentialsProvider credentials) {
            this.credentials = Objects.requireNonNull(credentials, "credentials");
            return this;
        }

        /**
         * Configures the OCI image layout's pusher beyond its credentials (plain-HTTP hosts, CA and client
         * certificates); the Docker engine pushes with its own settings. Default: as it is.
         *
         * @param ociPusher applied to the pusher's builder, returning it
         * @return this builder
         */
        public Builder ociPusher(UnaryOperator<RegistryHttpPusher.Builder> ociPusher) {
            this.ociPusher = Objects.requireNonNull(ociPusher, "ociPusher");
            return this;
        }

        /**
         * Hears one sentence at a time, starting {@code image store: }, saying what is chosen and why. Default:
         * nobody.
         *
         * @param info the consumer of the sentences
         * @return this builder
         */
        public Builder info(Consumer<String> info) {
            this.info = Objects.requireNonNull(info, "info");
            return this;
        }

        /** The choice, ready to choose. */
        public ImageStoreChoice build() {
            return new ImageStoreChoice(this);
        }
    }
}

package dev.cmdimage.cli;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.DockerConfigCredentials;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.docker.DockerClusters;
import dev.cmdimage.docker.DockerEngine;
import dev.cmdimage.docker.DockerImageStore;
import dev.cmdimage.docker.DockerRegistryPusher;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.ImageStore;
import dev.cmdimage.spi.RegistryPusher;
import java.nio.file.Path;
import java.util.Set;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * Chooses the image store and registry pusher for {@code --image-store}: the Docker engine
 * (DockerImageStore + DockerRegistryPusher) or an OCI image layout (OciLayoutStore + RegistryHttpPusher), both
 * with credentials from the Docker config; {@code auto} takes the engine when one answers a quick ping, else the
 * OCI layout {@code .cmdimage/oci} under the working directory. Says on stderr what it chose and why.
 */
final class ImageStoreChoice {
    /** Where {@code auto} puts the OCI layout, relative to the working directory. */
    static final String DEFAULT_OCI_DIR = ".cmdimage/oci";
    /**
     * How long connecting to the engine may take, and then how long its first answer (see
     * {@link DockerEngine.Builder#connectTimeout}).
     */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@code auto} waits for the engine to answer. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    private ImageStoreChoice() {}

    /**
     * What was chosen.
     *
     * @param store     the image store, or {@code null} when no CmdImage needs one
     * @param pusher    the registry pusher, or {@code null} with no store
     * @param unusable  when the store asked for does not answer now: the sentence naming the address tried, which
     *                  {@code build} fails every CmdImage that needs the store with, without running it; else
     *                  {@code null}
     * @param resources closed when the run ends (the engine connection), or {@code null}
     * @param sharesImageStore whether a cluster runs images straight from the store (then nothing is pushed)
     */
    record Chosen(ImageStore store, RegistryPusher pusher, String unusable, AutoCloseable resources,
            Predicate<Cluster> sharesImageStore) implements AutoCloseable {
        static final Chosen NONE = new Chosen(null, null, null, null, c -> false);

        @Override
        public void close() {
            if (resources != null) {
                try {
                    resources.close();
                } catch (Exception e) {
                    // closing a connection at exit cannot fail in a way that matters
                }
            }
        }
    }

    /**
     * @param needed whether any CmdImage needs a store; with {@code auto} and none needed, nothing is chosen
     *               (no engine is pinged and no directory created)
     */
    static Chosen choose(ImageStoreOption option, boolean needed, Cli cli, StderrReporter reporter) {
        return choose(option, Set.of(), needed, cli, reporter);
    }

    /**
     * @param plainHttpHosts registries (beyond loopback ones) the OCI store's pusher may reach over plain HTTP
     *                       ({@code --insecure-registry}); the Docker engine has its own setting for that
     */
    static Chosen choose(ImageStoreOption option, Set<String> plainHttpHosts, boolean needed, Cli cli,
            StderrReporter reporter) {
        return choose(option, plainHttpHosts, UnaryOperator.identity(), needed, cli, reporter);
    }

    /**
     * @param plainHttpHosts registries (beyond loopback ones) the OCI store's pusher may reach over plain HTTP
     *                       ({@code --insecure-registry}); the Docker engine has its own setting for that
     * @param trust          adds the CA and client certificates of {@code --registry-ca} and {@code --registry-cert}
     *                       to the OCI store's pusher
     */
    static Chosen choose(ImageStoreOption option, Set<String> plainHttpHosts,
            UnaryOperator<RegistryHttpPusher.Builder> trust, boolean needed, Cli cli, StderrReporter reporter) {
        switch (option.kind()) {
            case DOCKER: {
                DockerEngine engine = engine(cli, null);
                reporter.info("image store: " + engine.description() + " (from " + engine.hostSource()
                        + ", as --image-store docker asks); waiting for it to answer (at most "
                        + seconds(CONNECT_TIMEOUT) + " to connect and " + seconds(CONNECT_TIMEOUT) + " for the answer)");
                String down = ping(engine);
                if (down != null) {
                    reporter.info("image store: the " + engine.description() + " does not answer: " + down);
                    Chosen chosen = docker(engine, cli);
                    return new Chosen(chosen.store(), chosen.pusher(), down, engine, chosen.sharesImageStore());
                }
                return docker(engine, cli);
            }
            case OCI: {
                Path dir = cli.cwd().resolve(option.dir()).normalize();
                reporter.info("image store: OCI image layout at " + dir + " (as --image-store " + option + " asks)");
                return oci(dir, plainHttpHosts, trust, cli);
            }
            default: {
                if (!needed) {
                    reporter.info("image store: none needed (every CmdImage has outputMode remote)");
                    return Chosen.NONE;
                }
                String down;
                try (DockerEngine probe = engine(cli, PING_TIMEOUT)) {
                    down = ping(probe);
                }
                if (down == null) {
                    DockerEngine engine = engine(cli, null);
                    reporter.info("image store: " + engine.description() + " (auto: the engine answered)");
                    return docker(engine, cli);
                }
                Path dir = cli.cwd().resolve(DEFAULT_OCI_DIR);
                reporter.info("image store: OCI image layout at " + dir + " (auto: no Docker engine answered: "
                        + down + ")");
                return oci(dir, plainHttpHosts, trust, cli);
            }
        }
    }

    /** The engine the environment points at; with {@code timeout}, one for a quick ping. */
    private static DockerEngine engine(Cli cli, Duration timeout) {
        DockerEngine.Builder b = DockerEngine.builder().environment(cli.env()).connectTimeout(CONNECT_TIMEOUT);
        if (timeout != null) {
            b.connectTimeout(timeout).requestTimeout(timeout);
        }
        return b.build();
    }

    private static String seconds(Duration d) {
        return d.toSeconds() + "s";
    }

    /** {@code null} when the engine answers, else the sentence saying it does not (naming its address). */
    private static String ping(DockerEngine engine) {
        try {
            engine.apiVersion();
            return null;
        } catch (ImageStoreException e) {
            return e.getMessage();
        } catch (RuntimeException e) {
            return "Cannot reach the Docker engine at " + engine.host() + ": " + e;
        }
    }

    private static Chosen docker(DockerEngine engine, Cli cli) {
        Map<String, String> env = cli.env();
        return new Chosen(new DockerImageStore(engine), new DockerRegistryPusher(engine, credentials(cli)), null,
                engine, cluster -> DockerClusters.sharesImageStore(cluster, engine, env));
    }

    private static Chosen oci(Path dir, Set<String> plainHttpHosts, UnaryOperator<RegistryHttpPusher.Builder> trust,
            Cli cli) {
        OciLayoutStore store = new OciLayoutStore(dir);
        return new Chosen(store, ociPusher(store, plainHttpHosts, trust, cli), null, null, cluster -> false);
    }

    /** Pushes over the registry HTTP API: HTTPS, plain HTTP only for loopback registries and the listed ones. */
    private static RegistryPusher ociPusher(OciLayoutStore store, Set<String> plainHttpHosts,
            UnaryOperator<RegistryHttpPusher.Builder> trust, Cli cli) {
        return trust.apply(RegistryHttpPusher.builder(store).credentials(credentials(cli))
                .plainHttpHosts(plainHttpHosts)).build();
    }

    private static CredentialsProvider credentials(Cli cli) {
        return DockerConfigCredentials.of(cli.env());
    }
}

package dev.cmdimage.maven;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ImageStoreException;
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
import java.time.Duration;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.maven.plugin.MojoExecutionException;

/**
 * Chooses the image store and registry pusher for {@code <imageStore>}, as the command line's
 * {@code --image-store} does: {@code docker} (the engine the environment names: DockerImageStore and
 * DockerRegistryPusher), {@code oci:DIR} (OciLayoutStore and RegistryHttpPusher), or {@code auto}: the engine when
 * it answers a quick ping, else an OCI layout in the default directory.
 */
final class ImageStoreChooser {
    /** How long connecting to the engine may take, and then how long its first answer. */
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    /** How long {@code auto} waits for the engine to answer. */
    static final Duration PING_TIMEOUT = Duration.ofSeconds(2);

    private ImageStoreChooser() {}

    /**
     * What was chosen.
     *
     * @param store            the image store
     * @param pusher           its registry pusher
     * @param resources        closed when the build ends (the engine connection), or {@code null}
     * @param sharesImageStore whether a cluster runs images straight from the store (then nothing is pushed)
     */
    record Chosen(ImageStore store, RegistryPusher pusher, AutoCloseable resources,
            Predicate<Cluster> sharesImageStore) implements AutoCloseable {
        @Override
        public void close() {
            if (resources != null) {
                try {
                    resources.close();
                } catch (Exception e) {
                    // closing a connection after the build cannot fail in a way that matters
                }
            }
        }
    }

    /**
     * Checks the value of {@code <imageStore>}.
     *
     * @throws MojoExecutionException saying what is accepted
     */
    static void check(String option) throws MojoExecutionException {
        if (!"auto".equals(option) && !"docker".equals(option) && !ociDir(option)) {
            throw new MojoExecutionException("cmdimage: <imageStore> \"" + option
                    + "\" is not an image store (expected auto, docker or oci:DIR)");
        }
    }

    private static boolean ociDir(String option) {
        return option != null && option.startsWith("oci:") && !option.substring(4).isBlank();
    }

    /**
     * @param option      {@code auto}, {@code docker} or {@code oci:DIR} (checked by {@link #check})
     * @param baseDir     what a relative {@code oci:DIR} resolves against
     * @param defaultOci  the layout {@code auto} takes without an engine
     * @param env         the environment naming the engine ({@code DOCKER_HOST}, ...)
     * @param credentials what the pusher authenticates with
     * @param info        hears one line saying what was chosen and why
     * @throws MojoExecutionException when {@code docker} was asked for and the engine does not answer
     */
    static Chosen choose(String option, Path baseDir, Path defaultOci, Map<String, String> env,
            CredentialsProvider credentials, Consumer<String> info) throws MojoExecutionException {
        if (ociDir(option)) {
            Path dir = baseDir.resolve(option.substring("oci:".length())).normalize();
            info.accept("image store: OCI image layout at " + dir + " (<imageStore>" + option + "</imageStore>)");
            return oci(dir, credentials);
        }
        if ("docker".equals(option)) {
            DockerEngine engine = engine(env, null);
            String down = ping(engine);
            if (down != null) {
                engine.close();
                throw new MojoExecutionException("cmdimage: <imageStore>docker</imageStore>, but " + down);
            }
            info.accept("image store: " + engine.description() + " (from " + engine.hostSource() + ")");
            return docker(engine, env, credentials);
        }
        String down;
        try (DockerEngine probe = engine(env, PING_TIMEOUT)) {
            down = ping(probe);
        }
        if (down == null) {
            DockerEngine engine = engine(env, null);
            info.accept("image store: " + engine.description() + " (auto: the engine answered)");
            return docker(engine, env, credentials);
        }
        info.accept("image store: OCI image layout at " + defaultOci + " (auto: no Docker engine answered: " + down
                + ")");
        return oci(defaultOci, credentials);
    }

    private static DockerEngine engine(Map<String, String> env, Duration timeout) {
        DockerEngine.Builder b = DockerEngine.builder().environment(env).connectTimeout(CONNECT_TIMEOUT);
        if (timeout != null) {
            b.connectTimeout(timeout).requestTimeout(timeout);
        }
        return b.build();
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

    private static Chosen docker(DockerEngine engine, Map<String, String> env, CredentialsProvider credentials) {
        return new Chosen(new DockerImageStore(engine), new DockerRegistryPusher(engine, credentials), engine,
                cluster -> DockerClusters.sharesImageStore(cluster, engine, env));
    }

    private static Chosen oci(Path dir, CredentialsProvider credentials) {
        OciLayoutStore store = new OciLayoutStore(dir);
        return new Chosen(store, RegistryHttpPusher.builder(store).credentials(credentials).build(), null,
                cluster -> false);
    }
}

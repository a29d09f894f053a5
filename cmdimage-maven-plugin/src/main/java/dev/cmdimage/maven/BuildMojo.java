package dev.cmdimage.maven;

import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.core.ClusterToolLoader;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImageSet;
import dev.cmdimage.core.CmdImageSetResult;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.DockerConfigCredentials;
import dev.cmdimage.core.GoDurations;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.docker.ImageStoreChoice;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryPusher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.maven.execution.MavenSession;
import org.apache.maven.plugin.MojoExecutionException;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Component;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.settings.crypto.SettingsDecrypter;

/**
 * Builds every CmdImage of the files in dependency order, in the Maven JVM, and sets the project property
 * {@code cmdimage.<name>.ref} of each to the ref it built (the content ref, e.g. {@code app:tilt-0123456789abcdef},
 * or the registry's ref when it was pushed), for later plugins ({@code ${cmdimage.app.ref}}).
 *
 * <p>The build's lines go to Maven's log prefixed {@code [<name>]}: the commands' output and status changes at INFO,
 * each step with its details at DEBUG ({@code -X}). A CmdImage that fails fails the Maven build with its error (for
 * a command: the command, its exit status and the last lines of its output) and a hint.
 *
 * <p>Registry credentials: a {@code settings.xml} {@code <server>} whose {@code <id>} is the registry's host
 * ({@code registry.example.com}, {@code localhost:5000}) gives {@code <username>} and {@code <password>} (encrypted
 * passwords, {@code mvn --encrypt-password}, are decrypted as Maven does, with {@code settings-security.xml});
 * other registries use Docker's config ({@code docker login}, credential helpers). In offline mode ({@code -o})
 * nothing is pushed to a registry off this machine: such a push fails, naming the registry.
 */
@Mojo(name = "build", defaultPhase = LifecyclePhase.PACKAGE, threadSafe = true)
public class BuildMojo extends AbstractCmdImageMojo {
    /** The Maven session: its settings (servers, offline). */
    @Parameter(defaultValue = "${session}", readonly = true, required = true)
    protected MavenSession session;

    /**
     * Where images are verified and tagged: {@code auto} (the Docker engine when one answers within 2 seconds, else
     * an OCI image layout in {@code ${project.build.directory}/cmdimage/oci}), {@code docker} (the engine
     * {@code DOCKER_HOST} names, or the default socket), or {@code oci:DIR} (an OCI image layout directory, relative
     * to the project's directory; the command writes the image there, named {@code $EXPECTED_REF}).
     */
    @Parameter(property = "cmdimage.imageStore", defaultValue = "auto")
    protected String imageStore;

    /**
     * The longest one build may take, from its start to its end, e.g. {@code 90s}, {@code 5m} or {@code 1h30m}; when
     * it runs out the build fails with a timeout error and its processes are killed. Default: no limit.
     */
    @Parameter(property = "cmdimage.timeout")
    protected String timeout;

    /** How many CmdImages may build at once (those that do not depend on each other). Default: the processors. */
    @Parameter(property = "cmdimage.parallelism")
    protected Integer parallelism;

    /** Decrypts the passwords of settings.xml servers. */
    @Component
    protected SettingsDecrypter decrypter;

    /** For Maven. */
    public BuildMojo() {}

    /**
     * Builds the CmdImages.
     *
     * @throws MojoExecutionException when the configuration is unusable (image store, timeout, parallelism,
     *                                servers) or the build was interrupted
     * @throws MojoFailureException   when a file holds a problem or a CmdImage failed
     */
    @Override
    public void execute() throws MojoExecutionException, MojoFailureException {
        if (skip) {
            getLog().info("cmdimage: skipped (cmdimage.skip)");
            return;
        }
        Duration limit = timeout();
        if (parallelism != null && parallelism < 1) {
            throw new MojoExecutionException("cmdimage: <parallelism> must be at least 1, not " + parallelism);
        }
        ImageStoreChooser.check(imageStore);
        List<Path> paths = inputFiles();
        if (paths.isEmpty()) {
            getLog().info("cmdimage: no *.yaml files in " + CmdImageFiles.DEFAULT_DIR + ": nothing to build");
            return;
        }
        CmdImageSet set = readSet(paths);
        CmdImageSetResult result = build(set, limit);
        for (CmdImageSetResult.Outcome o : result.outcomes()) {
            if (o.succeeded()) {
                project.getProperties().setProperty("cmdimage." + o.name() + ".ref", o.status().ref());
                getLog().info("cmdimage: cmdimage." + o.name() + ".ref = " + o.status().ref());
            }
        }
        if (!result.succeeded()) {
            // Maven prints the message after BUILD FAILURE, every line as [ERROR]
            throw new MojoFailureException(FailureReport.summary(result) + "\n"
                    + String.join("\n", FailureReport.lines(result)));
        }
    }

    private CmdImageSetResult build(CmdImageSet set, Duration limit) throws MojoExecutionException {
        Map<String, String> env = System.getenv();
        CredentialsProvider credentials = new MavenServers(session.getSettings(), decrypter)
                .credentials(DockerConfigCredentials.of(env));
        boolean needsStore = set.cmdImages().stream().anyMatch(
                c -> !CmdImageSpec.OUTPUT_MODE_REMOTE.equals(c.spec().effectiveOutputMode()));
        ImageStoreChoice.Chosen store = ImageStoreChooser.choose(imageStore, needsStore,
                project.getBasedir().toPath(), Path.of(project.getBuild().getDirectory(), "cmdimage", "oci"), env,
                credentials, line -> getLog().info("cmdimage: " + line));
        // the runner's hook kills the commands when Maven is stopped (Ctrl-C); removed when the runner closes
        try (store;
                JdkProcessRunner runner = JdkProcessRunner.builder().shutdownHook(true).build();
                CmdImageBuilder builder = builder(runner, store, env)) {
            CmdImageControllers.Builder controller = CmdImageControllers.builder(builder)
                    .buildListener(new MavenBuildLog(getLog()))
                    .clusterSharesImageStore(store.sharesImageStore());
            if (limit != null) {
                controller.buildTimeout(limit);
            }
            if (parallelism != null) {
                controller.maxParallelBuilds(parallelism);
            }
            return set.build(controller);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new MojoExecutionException("cmdimage: interrupted; the builds in flight were cancelled", e);
        }
    }

    /**
     * The builder, as the command line wires it: the store, its pusher (pushing only to this machine when Maven is
     * offline) and the loader into clusters without a registry (kind, k3d, minikube, k3s, ...).
     */
    private CmdImageBuilder builder(JdkProcessRunner runner, ImageStoreChoice.Chosen store, Map<String, String> env) {
        CmdImages.Builder b = CmdImages.builder().processRunner(runner);
        if (store.store() != null) {
            RegistryPusher pusher = session.isOffline() ? new OfflinePusher(store.pusher()) : store.pusher();
            b.imageStore(store.store()).registryPusher(pusher)
                    .clusterImageLoader(ClusterToolLoader.builder(store.store(), runner).environment(env).build());
        }
        return b.build();
    }

    private Duration timeout() throws MojoExecutionException {
        if (timeout == null || timeout.isBlank()) {
            return null;
        }
        try {
            return GoDurations.parse(timeout.trim());
        } catch (IllegalArgumentException e) {
            throw new MojoExecutionException("cmdimage: <timeout>: " + e.getMessage());
        }
    }
}

package dev.cmdimage.maven;

import dev.cmdimage.docker.ImageStoreChoice;
import dev.cmdimage.spi.CredentialsProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.maven.plugin.MojoExecutionException;

/**
 * Chooses the image store and registry pusher for {@code <imageStore>}, as the command line's
 * {@code --image-store} does (see {@link ImageStoreChoice}): {@code docker} (the engine the environment names),
 * {@code oci:DIR} (an OCI image layout), or {@code auto}: the engine when it answers a quick ping, else an OCI
 * layout in the default directory.
 */
final class ImageStoreChooser {
    private ImageStoreChooser() {}

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
     * @param needed      whether any CmdImage needs a store; with {@code auto} and none needed, nothing is chosen
     * @param baseDir     what a relative {@code oci:DIR} resolves against
     * @param defaultOci  the layout {@code auto} takes without an engine
     * @param env         the environment naming the engine ({@code DOCKER_HOST}, ...)
     * @param credentials what the pusher authenticates with
     * @param info        hears what was chosen and why, a line at a time
     * @throws MojoExecutionException when {@code docker} was asked for and the engine does not answer
     */
    static ImageStoreChoice.Chosen choose(String option, boolean needed, Path baseDir, Path defaultOci,
            Map<String, String> env, CredentialsProvider credentials, Consumer<String> info)
            throws MojoExecutionException {
        ImageStoreChoice choice = ImageStoreChoice.builder().environment(env).credentials(credentials).info(info)
                .build();
        if (ociDir(option)) {
            return choice.oci(baseDir.resolve(option.substring("oci:".length())).normalize(),
                    "<imageStore>" + option + "</imageStore>");
        }
        if ("docker".equals(option)) {
            ImageStoreChoice.Chosen chosen = choice.docker("<imageStore>docker</imageStore>");
            if (chosen.unusable() != null) {
                chosen.close();
                throw new MojoExecutionException("cmdimage: <imageStore>docker</imageStore>, but "
                        + chosen.unusable());
            }
            return chosen;
        }
        return choice.auto(defaultOci, needed);
    }
}

package dev.cmdimage.cli;

import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.docker.ImageStoreChoice;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The value of {@code --image-store}: {@code auto}, {@code docker} or {@code oci:DIR}.
 *
 * @param kind which store
 * @param dir  for {@link Kind#OCI}, the layout directory as given (relative to the working directory)
 */
record ImageStoreOption(Kind kind, String dir) {
    /** The default. */
    static final ImageStoreOption AUTO = new ImageStoreOption(Kind.AUTO, null);
    /** Where {@code auto} puts the OCI layout, relative to the working directory. */
    static final String DEFAULT_OCI_DIR = ".cmdimage/oci";

    /** Which image store. */
    enum Kind {
        /** The Docker engine when one answers, else an OCI layout in {@code .cmdimage/oci}. */
        AUTO,
        /** The Docker engine. */
        DOCKER,
        /** An OCI image layout directory. */
        OCI
    }

    /**
     * @throws IllegalArgumentException with a sentence saying what is accepted
     */
    static ImageStoreOption parse(String text) {
        if ("auto".equals(text)) {
            return AUTO;
        }
        if ("docker".equals(text)) {
            return new ImageStoreOption(Kind.DOCKER, null);
        }
        if (text != null && text.startsWith("oci:")) {
            String dir = text.substring("oci:".length());
            if (dir.isBlank()) {
                throw new IllegalArgumentException("\"oci:\" needs a directory, e.g. oci:.cmdimage/oci");
            }
            try {
                Path.of(dir);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("\"" + dir + "\" is not a usable directory name");
            }
            return new ImageStoreOption(Kind.OCI, dir);
        }
        throw new IllegalArgumentException("\"" + text + "\" is not an image store (expected auto, docker or oci:DIR)");
    }

    /**
     * The image store and registry pusher this option asks for (see {@link ImageStoreChoice}), both with
     * credentials from the Docker config; says on stderr what it chose and why.
     *
     * @param needed whether any CmdImage needs a store; with {@code auto} and none needed, nothing is chosen
     *               (no engine is pinged and no directory created)
     */
    ImageStoreChoice.Chosen choose(boolean needed, Cli cli, StderrReporter reporter) {
        return choose(Set.of(), UnaryOperator.identity(), needed, cli, reporter);
    }

    /**
     * As {@link #choose(boolean, Cli, StderrReporter)}.
     *
     * @param plainHttpHosts registries (beyond loopback ones) the OCI store's pusher may reach over plain HTTP
     *                       ({@code --insecure-registry}); the Docker engine has its own setting for that
     * @param trust          adds the CA and client certificates of {@code --registry-ca} and {@code --registry-cert}
     *                       to the OCI store's pusher
     */
    ImageStoreChoice.Chosen choose(Set<String> plainHttpHosts, UnaryOperator<RegistryHttpPusher.Builder> trust,
            boolean needed, Cli cli, StderrReporter reporter) {
        ImageStoreChoice choice = ImageStoreChoice.builder().environment(cli.env())
                .ociPusher(b -> trust.apply(b.plainHttpHosts(plainHttpHosts))).info(reporter::info).build();
        return switch (kind) {
            case DOCKER -> choice.docker("as --image-store docker asks");
            case OCI -> choice.oci(cli.cwd().resolve(dir).normalize(), "as --image-store " + this + " asks");
            case AUTO -> choice.auto(cli.cwd().resolve(DEFAULT_OCI_DIR), needed);
        };
    }

    @Override
    public String toString() {
        return kind == Kind.OCI ? "oci:" + dir : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}

package dev.cmdimage.cli;

import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Set;
import picocli.CommandLine.Option;

/** The options {@code build} and {@code watch} share: how each build runs and where its image goes. */
final class BuildOptions {
    @Option(names = "--timeout", paramLabel = "DURATION",
            description = "The longest each build may take, from its start to completed (the command and every"
                    + " step after it: reading the ref file, verifying, tagging, pushing), e.g. 90s, 5m, 1h30m,"
                    + " 500ms; the build then fails with a timeout error and its processes are killed (default: no"
                    + " limit).")
    Duration timeout;

    @Option(names = "--parallelism", paramLabel = "N",
            description = "How many builds may run at once (default: one per processor).")
    Integer parallelism;

    @Option(names = "--image-store", paramLabel = "auto|docker|oci:DIR", defaultValue = "auto",
            description = "Where images are verified and retagged: the Docker engine (docker), an OCI image"
                    + " layout directory (oci:DIR), or auto: the Docker engine when one answers, else"
                    + " oci:.cmdimage/oci (default: ${DEFAULT-VALUE}).")
    ImageStoreOption imageStore;

    @Option(names = "--insecure-registry", paramLabel = "HOST[:PORT]",
            description = "A registry the OCI image store may push to over plain HTTP, like the Docker engine's"
                    + " setting of that name (repeatable; loopback registries always may). Everything else is"
                    + " pushed over verified HTTPS.")
    Set<String> insecureRegistries = new LinkedHashSet<>();

    /**
     * The parallelism asked for, checked.
     *
     * @throws picocli.CommandLine.ParameterException when it is below 1
     */
    Integer parallelism(picocli.CommandLine.Model.CommandSpec spec) {
        if (parallelism != null && parallelism < 1) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "--parallelism must be at least 1, not " + parallelism);
        }
        return parallelism;
    }

    /** The image store and pusher these options ask for. */
    ImageStoreChoice.Chosen chooseStore(boolean needed, Cli cli, StderrReporter reporter) {
        return ImageStoreChoice.choose(imageStore, insecureRegistries, needed, cli, reporter);
    }
}

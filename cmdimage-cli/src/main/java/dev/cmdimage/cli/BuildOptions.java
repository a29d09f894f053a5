package dev.cmdimage.cli;

import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.docker.ImageStoreChoice;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
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

    @Option(names = "--registry-ca", paramLabel = "FILE",
            description = "Trust the CA certificates in this PEM file for every registry the OCI image store pushes"
                    + " to, in addition to the JVM's CAs and the certs.d directories (/etc/docker/certs.d/HOST[:PORT],"
                    + " /etc/containers/certs.d/HOST[:PORT], ~/.config/containers/certs.d/HOST[:PORT]). Repeatable."
                    + " The Docker engine uses its own /etc/docker/certs.d.")
    List<Path> registryCas = new ArrayList<>();

    @Option(names = "--registry-cert", paramLabel = "HOST=CERT,KEY", converter = RegistryCertOption.Converter.class,
            description = "The client certificate (PEM) and private key (PEM: PKCS#8, or RSA PKCS#1) the OCI image"
                    + " store offers to the registry HOST or HOST:PORT that asks for one (mutual TLS). Repeatable.")
    List<RegistryCertOption> registryCerts = new ArrayList<>();

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
        ImageStoreChoice.Chosen chosen = imageStore.choose(insecureRegistries, registryTrust(cli), needed,
                cli, reporter);
        if ((!registryCas.isEmpty() || !registryCerts.isEmpty()) && chosen.pusher() != null
                && !(chosen.pusher() instanceof RegistryHttpPusher)) {
            reporter.info("--registry-ca and --registry-cert apply to the OCI image store; the Docker engine pushes"
                    + " with its own certificates (/etc/docker/certs.d/HOST[:PORT]/ on the engine's machine)");
        }
        return chosen;
    }

    /** {@code --registry-ca} and {@code --registry-cert} for the OCI image store's pusher. */
    UnaryOperator<RegistryHttpPusher.Builder> registryTrust(Cli cli) {
        return builder -> {
            for (Path ca : registryCas) {
                builder.caCertificates(cli.cwd().resolve(ca));
            }
            for (RegistryCertOption c : registryCerts) {
                builder.clientCertificate(c.registry(), cli.cwd().resolve(c.certificate()),
                        cli.cwd().resolve(c.key()));
            }
            return builder;
        };
    }
}

package dev.cmdimage.core;

import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.core.internal.credentials.DockerConfigFile;
import java.nio.file.Path;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * Where the Docker CLI's configuration directory is ({@code config.json}, the contexts under {@code contexts/} and
 * their TLS material), found as the docker CLI finds it: {@code $DOCKER_CONFIG}, else {@code $HOME/.docker}, else
 * {@code .docker} in the JVM's {@code user.home} (which is the user's entry in the password database, not
 * {@code $HOME}: under CI, sudo or in containers the two differ). Every part of cmdimage that reads the Docker
 * configuration (registry credentials, the Docker engine's context and TLS material) finds it here. cmdimage only
 * reads it, never writes it.
 *
 * @param directory the configuration directory (it need not exist)
 * @param source    what chose it, for people: {@code DOCKER_CONFIG}, {@code HOME} or {@code user.home}
 */
public record DockerConfigLocation(Path directory, String source) {
    /** Both are required. */
    public DockerConfigLocation {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(source, "source");
    }

    /** The location the JVM's environment gives. */
    public static DockerConfigLocation fromEnvironment() {
        return of(System.getenv());
    }

    /**
     * The location {@code environment} gives, falling back to the JVM's {@code user.home}.
     *
     * @param environment the environment to read {@code DOCKER_CONFIG} and {@code HOME} from
     */
    public static DockerConfigLocation of(Map<String, String> environment) {
        return of(environment, Path.of(System.getProperty("user.home")));
    }

    /**
     * The location {@code environment} gives: {@code $DOCKER_CONFIG}, else {@code $HOME/.docker}, else
     * {@code userHome/.docker}. Blank variables count as unset, as in the docker CLI.
     *
     * @param environment the environment to read {@code DOCKER_CONFIG} and {@code HOME} from
     * @param userHome    the home directory used when the environment sets neither (normally {@code user.home})
     */
    public static DockerConfigLocation of(Map<String, String> environment, Path userHome) {
        Objects.requireNonNull(environment, "environment");
        String dockerConfig = environment.get("DOCKER_CONFIG");
        if (dockerConfig != null && !dockerConfig.isBlank()) {
            return new DockerConfigLocation(Path.of(dockerConfig.trim()), "DOCKER_CONFIG");
        }
        String home = environment.get("HOME");
        if (home != null && !home.isBlank()) {
            return new DockerConfigLocation(Path.of(home.trim()).resolve(".docker"), "HOME");
        }
        return new DockerConfigLocation(Objects.requireNonNull(userHome, "userHome").resolve(".docker"), "user.home");
    }

    /** The {@code config.json} in the directory (it need not exist). */
    public Path configFile() {
        return directory.resolve("config.json");
    }

    /**
     * The {@code currentContext} that {@code config.json} names, if the file exists, reads as JSON and names one. A
     * file that cannot be read counts as naming none here (the credential lookup reports it).
     */
    public Optional<String> currentContext() {
        try {
            return Optional.ofNullable(DockerConfigFile.read(configFile()).currentContext());
        } catch (CredentialsException | RuntimeException e) {
            return Optional.empty();
        }
    }
}

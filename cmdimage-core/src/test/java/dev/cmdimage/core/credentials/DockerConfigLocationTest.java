package dev.cmdimage.core.credentials;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.core.DockerConfigLocation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Docker configuration directory, found as the docker CLI finds it: DOCKER_CONFIG, then $HOME, then user.home. */
class DockerConfigLocationTest {
    @TempDir
    Path tmp;

    @Test
    void dockerConfigComesFirst() {
        DockerConfigLocation l = DockerConfigLocation.of(Map.of("DOCKER_CONFIG", "/cfg", "HOME", "/home/ci"),
                Path.of("/home/passwd"));

        assertThat(l.directory()).isEqualTo(Path.of("/cfg"));
        assertThat(l.configFile()).isEqualTo(Path.of("/cfg/config.json"));
        assertThat(l.source()).isEqualTo("DOCKER_CONFIG");
    }

    @Test
    void thenHomeFromTheEnvironment() {
        DockerConfigLocation l = DockerConfigLocation.of(Map.of("HOME", "/home/ci"), Path.of("/home/passwd"));

        assertThat(l.directory()).isEqualTo(Path.of("/home/ci/.docker"));
        assertThat(l.source()).isEqualTo("HOME");
    }

    @Test
    void thenUserHomeWhenTheEnvironmentSetsNeitherOrLeavesThemBlank() {
        DockerConfigLocation l = DockerConfigLocation.of(Map.of("DOCKER_CONFIG", " ", "HOME", ""),
                Path.of("/home/passwd"));

        assertThat(l.directory()).isEqualTo(Path.of("/home/passwd/.docker"));
        assertThat(l.source()).isEqualTo("user.home");
    }

    @Test
    void theCurrentContextIsReadFromConfigJsonAndABrokenFileNamesNone() throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("cfg"));
        DockerConfigLocation l = DockerConfigLocation.of(Map.of("DOCKER_CONFIG", dir.toString()));
        assertThat(l.currentContext()).isEmpty();

        Files.writeString(dir.resolve("config.json"), "{\"currentContext\":\"colima\"}");
        assertThat(l.currentContext()).contains("colima");

        Files.writeString(dir.resolve("config.json"), "{not json");
        assertThat(l.currentContext()).isEmpty();
    }
}

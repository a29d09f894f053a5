package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageStoreException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link DockerEngine} finds the engine, and what it tells the command. No engine needed. */
class EngineAddressTest {
    @TempDir
    Path home;

    private DockerEngine engine(Map<String, String> env) {
        return DockerEngine.builder().environment(env).home(home).build();
    }

    private void context(Path configDir, String name, String host, boolean tls) throws Exception {
        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(name.getBytes(StandardCharsets.UTF_8)));
        Path meta = Files.createDirectories(configDir.resolve("contexts/meta/" + id));
        Files.writeString(meta.resolve("meta.json"), "{\"Name\":\"" + name + "\",\"Metadata\":{},"
                + "\"Endpoints\":{\"docker\":{\"Host\":\"" + host + "\",\"SkipTLSVerify\":false}}}");
        if (tls) {
            Path t = Files.createDirectories(configDir.resolve("contexts/tls/" + id + "/docker"));
            Files.writeString(t.resolve("ca.pem"), "x");
        }
    }

    @Test
    void defaultsToTheDefaultSocket() {
        DockerEngine e = engine(Map.of());
        assertThat(e.host()).isEqualTo("unix:///var/run/docker.sock");
        assertThat(e.hostSource()).isEqualTo("the default socket");
        assertThat(e.commandEnvironment()).isEqualTo(Map.of("DOCKER_HOST", "unix:///var/run/docker.sock"));
    }

    @Test
    void explicitHostWinsOverDockerHost() {
        DockerEngine e = DockerEngine.builder().host("unix:///tmp/explicit.sock")
                .environment(Map.of("DOCKER_HOST", "tcp://other:2375")).home(home).build();
        assertThat(e.host()).isEqualTo("unix:///tmp/explicit.sock");
        assertThat(e.hostSource()).isEqualTo("explicit settings");
        assertThat(e.commandEnvironment()).containsEntry("DOCKER_HOST", "unix:///tmp/explicit.sock");
    }

    @Test
    void dockerHostWinsOverTheContext() throws Exception {
        context(home.resolve(".docker"), "ctx", "unix:///from/context.sock", false);
        DockerEngine e = engine(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375", "DOCKER_CONTEXT", "ctx"));
        assertThat(e.host()).isEqualTo("tcp://127.0.0.1:2375");
        assertThat(e.hostSource()).isEqualTo("DOCKER_HOST");
        assertThat(e.tls()).isFalse();
    }

    @Test
    void dockerHostWithTlsGivesTheCommandTheTlsVariables() {
        DockerEngine e = engine(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2376", "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", "/certs"));
        assertThat(e.tls()).isTrue();
        assertThat(e.commandEnvironment()).isEqualTo(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2376",
                "DOCKER_TLS_VERIFY", "1", "DOCKER_CERT_PATH", "/certs"));
    }

    @Test
    void tlsWithoutCertPathUsesTheDockerConfigDirectory() {
        DockerEngine e = engine(Map.of("DOCKER_HOST", "tcp://10.0.0.5:2376", "DOCKER_TLS_VERIFY", "1"));
        assertThat(e.commandEnvironment()).containsEntry("DOCKER_CERT_PATH", home.resolve(".docker").toString());
    }

    @Test
    void dockerContextFromTheEnvironmentIsReadFromItsMetaFile() throws Exception {
        Path cfg = Files.createDirectories(home.resolve("cfg"));
        context(cfg, "remote", "tcp://10.1.2.3:2376", true);
        DockerEngine e = engine(Map.of("DOCKER_CONTEXT", "remote", "DOCKER_CONFIG", cfg.toString()));
        assertThat(e.host()).isEqualTo("tcp://10.1.2.3:2376");
        assertThat(e.hostSource()).isEqualTo("Docker context \"remote\" (from DOCKER_CONTEXT)");
        assertThat(e.commandEnvironment()).containsEntry("DOCKER_HOST", "tcp://10.1.2.3:2376")
                .containsEntry("DOCKER_TLS_VERIFY", "1")
                .containsKey("DOCKER_CERT_PATH");
    }

    @Test
    void currentContextInTheConfigFileIsUsedWhenNoVariableIsSet() throws Exception {
        Path cfg = Files.createDirectories(home.resolve(".docker"));
        context(cfg, "colima", "unix:///home/u/.colima/docker.sock", false);
        Files.writeString(cfg.resolve("config.json"), "{\"currentContext\":\"colima\"}");
        DockerEngine e = engine(Map.of());
        assertThat(e.host()).isEqualTo("unix:///home/u/.colima/docker.sock");
        assertThat(e.hostSource()).startsWith("Docker context \"colima\" (from currentContext in ");
        assertThat(e.tls()).isFalse();
    }

    @Test
    void theContextIsFoundInTheDockerConfigUnderHomeFromTheEnvironmentBeforeUserHome() throws Exception {
        Path envHome = Files.createDirectories(home.resolve("env-home"));
        Path cfg = Files.createDirectories(envHome.resolve(".docker"));
        context(cfg, "ci", "tcp://10.9.8.7:2376", true);
        Files.writeString(cfg.resolve("config.json"), "{\"currentContext\":\"ci\"}");
        Path userHomeCfg = Files.createDirectories(home.resolve(".docker"));
        Files.writeString(userHomeCfg.resolve("config.json"), "{\"currentContext\":\"elsewhere\"}");

        DockerEngine e = engine(Map.of("HOME", envHome.toString()));

        assertThat(e.host()).isEqualTo("tcp://10.9.8.7:2376");
        assertThat(e.hostSource()).isEqualTo("Docker context \"ci\" (from currentContext in "
                + cfg.resolve("config.json") + ")");
        assertThat(e.commandEnvironment()).containsEntry("DOCKER_CERT_PATH",
                cfg.resolve("contexts/tls").toString() + "/" + sha256("ci") + "/docker");
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void theDefaultContextMeansTheDefaultSocket() {
        assertThat(engine(Map.of("DOCKER_CONTEXT", "default")).host()).isEqualTo("unix:///var/run/docker.sock");
    }

    @Test
    void aMissingContextFailsOnFirstUseWithASentenceNamingIt() {
        DockerEngine e = engine(Map.of("DOCKER_CONTEXT", "gone"));
        assertThatThrownBy(e::apiVersion)
                .isInstanceOf(ImageStoreException.class)
                .hasMessageStartingWith("Docker context \"gone\" (from DOCKER_CONTEXT) does not exist: no ")
                .hasMessageContaining("meta.json");
    }

    @Test
    void sshHostsAreRefusedWithAnExplanation() {
        DockerEngine e = engine(Map.of("DOCKER_HOST", "ssh://me@box"));
        assertThatThrownBy(e::apiVersion)
                .isInstanceOf(ImageStoreException.class)
                .hasMessageContaining("ssh://me@box (from DOCKER_HOST)")
                .hasMessageContaining("does not support");
    }

    @Test
    void aClosedEngineSaysSo() {
        DockerEngine e = engine(Map.of("DOCKER_HOST", "unix:///nonexistent.sock"));
        e.close();
        assertThatThrownBy(e::apiVersion).isInstanceOf(ImageStoreException.class).hasMessageContaining("closed");
    }
}

package dev.cmdimage.core.credentials;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.core.DockerConfigCredentials;
import dev.cmdimage.spi.RegistryCredentials;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerConfigCredentialsTest {
    @TempDir
    Path tmp;
    Path configDir;
    Path bin;
    Path home;

    @BeforeEach
    void dirs() throws IOException {
        configDir = Files.createDirectories(tmp.resolve("docker-config"));
        bin = Files.createDirectories(tmp.resolve("bin"));
        home = Files.createDirectories(tmp.resolve("home"));
    }

    private Map<String, String> env() {
        Map<String, String> env = new HashMap<>();
        env.put("DOCKER_CONFIG", configDir.toString());
        env.put("PATH", bin + ":/usr/bin:/bin");
        return env;
    }

    private DockerConfigCredentials provider() {
        return DockerConfigCredentials.of(env(), home);
    }

    private void config(String json) throws IOException {
        Files.writeString(configDir.resolve("config.json"), json);
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }

    /** A fake docker-credential-NAME: records its stdin and argv, then runs {@code body}. */
    private Path helper(String name, String body) throws IOException {
        Path p = bin.resolve("docker-credential-" + name);
        Files.writeString(p, "#!/bin/sh\n"
                + "read -r server || true\n"
                + "echo \"$1 $server\" >> " + tmp.resolve("helper-calls.log") + "\n"
                + body + "\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private String helperCalls() throws IOException {
        Path log = tmp.resolve("helper-calls.log");
        return Files.exists(log) ? Files.readString(log) : "";
    }

    @Test
    void noConfigFileMeansAnonymous() throws Exception {
        assertThat(provider().find("localhost:5000")).isEmpty();
        assertThat(provider().configFile()).isEqualTo(configDir.resolve("config.json"));
    }

    @Test
    void withoutDockerConfigTheHomeDirectoryIsUsed() throws Exception {
        Path dotDocker = Files.createDirectories(home.resolve(".docker"));
        Files.writeString(dotDocker.resolve("config.json"),
                "{\"auths\":{\"localhost:5000\":{\"auth\":\"" + b64("alice:pw1") + "\"}}}");
        DockerConfigCredentials p = DockerConfigCredentials.of(Map.of("PATH", "/usr/bin"), home);
        assertThat(p.configFile()).isEqualTo(dotDocker.resolve("config.json"));
        assertThat(p.find("localhost:5000")).contains(RegistryCredentials.basic("alice", "pw1"));
    }

    @Test
    void homeFromTheEnvironmentWinsOverUserHomeAsInTheDockerCli() throws Exception {
        Path envHome = Files.createDirectories(tmp.resolve("env-home"));
        Path envDotDocker = Files.createDirectories(envHome.resolve(".docker"));
        Files.writeString(envDotDocker.resolve("config.json"),
                "{\"auths\":{\"localhost:5000\":{\"auth\":\"" + b64("ci:from-home") + "\"}}}");
        Path userHomeDocker = Files.createDirectories(home.resolve(".docker"));
        Files.writeString(userHomeDocker.resolve("config.json"),
                "{\"auths\":{\"localhost:5000\":{\"auth\":\"" + b64("other:from-user-home") + "\"}}}");

        DockerConfigCredentials p = DockerConfigCredentials.of(Map.of("PATH", "/usr/bin", "HOME",
                envHome.toString()), home);

        assertThat(p.configFile()).isEqualTo(envDotDocker.resolve("config.json"));
        assertThat(p.find("localhost:5000")).contains(RegistryCredentials.basic("ci", "from-home"));
    }

    @Test
    void dockerConfigWinsOverHome() throws Exception {
        config("{\"auths\":{\"localhost:5000\":{\"auth\":\"" + b64("alice:from-docker-config") + "\"}}}");
        Map<String, String> env = env();
        env.put("HOME", home.toString());
        Files.writeString(Files.createDirectories(home.resolve(".docker")).resolve("config.json"),
                "{\"auths\":{\"localhost:5000\":{\"auth\":\"" + b64("bob:from-home") + "\"}}}");

        assertThat(DockerConfigCredentials.of(env).find("localhost:5000"))
                .contains(RegistryCredentials.basic("alice", "from-docker-config"));
    }

    @Test
    void authsEntryWithBase64UserAndPassword() throws Exception {
        config("{\"auths\":{\"localhost:5000\":{\"auth\":\"" + b64("alice:pa:ss") + "\"}}}");
        assertThat(provider().find("localhost:5000")).contains(RegistryCredentials.basic("alice", "pa:ss"));
        assertThat(provider().find("localhost:5001")).isEmpty();
    }

    @Test
    void authsKeyMayBeAUrl() throws Exception {
        config("{\"auths\":{\"https://registry.example.com/v1/\":{\"auth\":\"" + b64("bob:pw") + "\"}}}");
        assertThat(provider().find("registry.example.com")).contains(RegistryCredentials.basic("bob", "pw"));
    }

    @Test
    void identityTokenIsMarkedAsSuch() throws Exception {
        config("{\"auths\":{\"myreg.io\":{\"auth\":\"" + b64("u:") + "\",\"identitytoken\":\"tok-123\"}}}");
        Optional<RegistryCredentials> c = provider().find("myreg.io");
        assertThat(c).contains(new RegistryCredentials("u", "tok-123", true));
    }

    @Test
    void usernameAndPasswordFieldsAreRead() throws Exception {
        config("{\"auths\":{\"myreg.io\":{\"username\":\"carol\",\"password\":\"pw3\"}}}");
        assertThat(provider().find("myreg.io")).contains(RegistryCredentials.basic("carol", "pw3"));
    }

    @Test
    void emptyAuthsEntryMeansAnonymous() throws Exception {
        config("{\"auths\":{\"myreg.io\":{}}}");
        assertThat(provider().find("myreg.io")).isEmpty();
    }

    @Test
    void dockerHubAliasesAllFindTheHubEntry() throws Exception {
        config("{\"auths\":{\"https://index.docker.io/v1/\":{\"auth\":\"" + b64("hubuser:hubpw") + "\"}}}");
        for (String alias : new String[] {"docker.io", "index.docker.io", "registry-1.docker.io",
                "https://index.docker.io/v1/"}) {
            assertThat(provider().find(alias)).as(alias).contains(RegistryCredentials.basic("hubuser", "hubpw"));
        }
        assertThat(provider().find("ghcr.io")).isEmpty();
    }

    @Test
    void hubEntryStoredUnderDockerIoIsFoundToo() throws Exception {
        config("{\"auths\":{\"docker.io\":{\"auth\":\"" + b64("hubuser:hubpw") + "\"}}}");
        assertThat(provider().find("index.docker.io")).contains(RegistryCredentials.basic("hubuser", "hubpw"));
    }

    @Test
    void credsStoreHelperIsAskedWithTheServerUrlOnStdin() throws Exception {
        helper("fake", "echo '{\"ServerURL\":\"'\"$server\"'\",\"Username\":\"dave\",\"Secret\":\"s3cret\"}'");
        config("{\"credsStore\":\"fake\",\"auths\":{\"localhost:5001\":{}}}");
        assertThat(provider().find("localhost:5001")).contains(RegistryCredentials.basic("dave", "s3cret"));
        assertThat(helperCalls()).isEqualTo("get localhost:5001\n");
    }

    @Test
    void hubIsAskedForUnderItsServerUrl() throws Exception {
        helper("fake", "echo '{\"Username\":\"hub\",\"Secret\":\"x\"}'");
        config("{\"credsStore\":\"fake\"}");
        assertThat(provider().find("docker.io")).isPresent();
        assertThat(helperCalls()).isEqualTo("get https://index.docker.io/v1/\n");
    }

    @Test
    void perRegistryHelperWinsOverCredsStoreAndAuths() throws Exception {
        helper("store", "echo '{\"Username\":\"from-store\",\"Secret\":\"a\"}'");
        helper("special", "echo '{\"Username\":\"from-special\",\"Secret\":\"b\"}'");
        config("{\"credsStore\":\"store\",\"credHelpers\":{\"special.io\":\"special\"},"
                + "\"auths\":{\"special.io\":{\"auth\":\"" + b64("from-auths:c") + "\"}}}");
        assertThat(provider().find("special.io")).contains(RegistryCredentials.basic("from-special", "b"));
        assertThat(provider().find("other.io")).contains(RegistryCredentials.basic("from-store", "a"));
    }

    @Test
    void helperTokenUsernameMeansIdentityToken() throws Exception {
        helper("fake", "echo '{\"Username\":\"<token>\",\"Secret\":\"refresh-tok\"}'");
        config("{\"credHelpers\":{\"myreg.io\":\"fake\"}}");
        assertThat(provider().find("myreg.io")).contains(new RegistryCredentials("<token>", "refresh-tok", true));
    }

    @Test
    void helperWithoutCredentialsFallsBackToAuthsThenAnonymous() throws Exception {
        helper("fake", "echo 'credentials not found in native keychain'; exit 1");
        config("{\"credsStore\":\"fake\",\"auths\":{\"a.io\":{\"auth\":\"" + b64("eve:pw") + "\"},\"b.io\":{}}}");
        assertThat(provider().find("a.io")).contains(RegistryCredentials.basic("eve", "pw"));
        assertThat(provider().find("b.io")).isEmpty();
    }

    @Test
    void helperNamedButNotOnPathIsAnErrorNamingIt() throws Exception {
        config("{\"credHelpers\":{\"myreg.io\":\"nosuch\"}}");
        assertThatThrownBy(() -> provider().find("myreg.io"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining("docker-credential-nosuch")
                .hasMessageContaining("not on the PATH")
                .hasMessageContaining("myreg.io")
                .hasMessageContaining(configDir.resolve("config.json").toString());
    }

    @Test
    void credsStoreNamedButNotOnPathIsAnErrorToo() throws Exception {
        config("{\"credsStore\":\"desktop\",\"auths\":{\"myreg.io\":{\"auth\":\"" + b64("x:y") + "\"}}}");
        assertThatThrownBy(() -> provider().find("myreg.io"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining("docker-credential-desktop")
                .hasMessageContaining("credsStore");
    }

    @Test
    void failingHelperIsAnErrorWithItsWordsAndExitStatus() throws Exception {
        helper("broken", "echo 'error getting credentials - err: exit status 1, out: gpg: decryption failed' >&2; exit 3");
        config("{\"credHelpers\":{\"myreg.io\":\"broken\"}}");
        assertThatThrownBy(() -> provider().find("myreg.io"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining("docker-credential-broken failed for myreg.io (exit status 3)")
                .hasMessageContaining("gpg: decryption failed");
    }

    @Test
    void failingHelperThatPrintedItsAnswerNeverShowsTheSecret() throws Exception {
        helper("half", "echo '{\"ServerURL\":\"myreg.io\",\"Username\":\"frank\",\"Secret\":\"topsecret-42\"}'; exit 1");
        config("{\"credHelpers\":{\"myreg.io\":\"half\"}}");
        assertThatThrownBy(() -> provider().find("myreg.io"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining("docker-credential-half failed for myreg.io (exit status 1)")
                .hasMessageNotContaining("topsecret-42");
    }

    @Test
    void helperAnsweringNonsenseIsAnError() throws Exception {
        helper("odd", "echo 'hello'");
        config("{\"credHelpers\":{\"myreg.io\":\"odd\"}}");
        assertThatThrownBy(() -> provider().find("myreg.io"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining("without a JSON object");
    }

    @Test
    void hangingHelperIsKilledAfterTheTimeout() throws Exception {
        helper("slow", "exec sleep 30");
        config("{\"credHelpers\":{\"myreg.io\":\"slow\"}}");
        DockerConfigCredentials p = provider().withHelperTimeout(Duration.ofMillis(500));
        assertThatThrownBy(() -> p.find("myreg.io"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining("did not answer for myreg.io within");
        // the helper's process is gone
        assertThat(ProcessHandle.allProcesses()
                .filter(ph -> ph.info().commandLine().orElse("").contains("sleep 30"))
                .filter(ph -> ph.parent().map(pp -> pp.pid() == ProcessHandle.current().pid()).orElse(false))
                .count()).isZero();
    }

    @Test
    void malformedConfigNamesTheFileAndNeverEchoesItsContent() throws Exception {
        config("{\"auths\":{\"myreg.io\":{\"auth\":\"c2VjcmV0LXZhbHVl\" oops");
        assertThatThrownBy(() -> provider().find("myreg.io"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining(configDir.resolve("config.json").toString())
                .hasMessageContaining("not valid JSON")
                .hasMessageNotContaining("c2VjcmV0LXZhbHVl");
    }

    @Test
    void badBase64IsAnErrorNamingTheKeyNotTheValue() throws Exception {
        config("{\"auths\":{\"myreg.io\":{\"auth\":\"%%%not-base64-SECRETISH\"}}}");
        assertThatThrownBy(() -> provider().find("myreg.io"))
                .isInstanceOf(CredentialsException.class)
                .hasMessageContaining("\"myreg.io\"")
                .hasMessageNotContaining("SECRETISH");
    }

    @Test
    void secretsNeverInToString() throws Exception {
        config("{\"auths\":{\"myreg.io\":{\"auth\":\"" + b64("frank:topsecret") + "\"}}}");
        DockerConfigCredentials p = provider();
        RegistryCredentials c = p.find("myreg.io").orElseThrow();
        assertThat(c.toString()).doesNotContain("topsecret");
        assertThat(p.toString()).doesNotContain("topsecret");
    }

    @Test
    void serverAddressFollowsDockerLogin() {
        assertThat(DockerConfigCredentials.serverAddress("docker.io")).isEqualTo("https://index.docker.io/v1/");
        assertThat(DockerConfigCredentials.serverAddress("localhost:5000")).isEqualTo("localhost:5000");
    }
}

package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.DockerConfigCredentials;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerRegistryPusherIT {
    @TempDir
    Path tmp;
    DockerEngine engine;
    final String name = "cmdimage-it/push-" + UUID.randomUUID().toString().substring(0, 8);
    final List<String> built = new ArrayList<>();

    @BeforeEach
    void setUp() {
        TestServices.requireEngine();
        engine = TestServices.engine();
    }

    @AfterEach
    void tearDown() {
        if (engine != null) {
            TestServices.dockerRmi(built.toArray(String[]::new));
            engine.close();
        }
    }

    private ImageRef build(String registry, String tag) throws Exception {
        String ref = registry + "/" + name + ":" + tag;
        TestServices.dockerBuild(engine.commandEnvironment(),
                TestServices.uniqueContext(tmp.resolve("ctx-" + UUID.randomUUID())), ref);
        built.add(ref);
        return ImageRef.parse(ref);
    }

    @Test
    void pushesAndReturnsTheDigestTheRegistryServes() throws Exception {
        TestServices.requireRegistry(TestServices.REGISTRY);
        ImageRef ref = build(TestServices.REGISTRY, "v1");
        List<String> progress = new ArrayList<>();

        String digest = new DockerRegistryPusher(engine, CredentialsProvider.ANONYMOUS)
                .push(ref, progress::add, Cancellation.never());

        assertThat(digest).matches("sha256:[0-9a-f]{64}");
        HttpResponse<String> tags = TestServices.registryGet(TestServices.REGISTRY, "/v2/" + name + "/tags/list",
                null, false);
        assertThat(tags.statusCode()).isEqualTo(200);
        assertThat(tags.body()).contains("\"v1\"");
        HttpResponse<String> manifest = TestServices.registryGet(TestServices.REGISTRY,
                "/v2/" + name + "/manifests/v1", TestServices.MANIFEST_TYPES, false);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(progress).anySatisfy(l -> assertThat(l).contains("Pushed"));
        assertThat(progress).anySatisfy(l -> assertThat(l).contains(digest));
    }

    @Test
    void missingCredentialsForTheAuthRegistryFailWithTheRegistrysWords() throws Exception {
        TestServices.requireRegistry(TestServices.AUTH_REGISTRY);
        ImageRef ref = build(TestServices.AUTH_REGISTRY, "v1");
        DockerConfigCredentials noConfig = DockerConfigCredentials.of(Map.of("DOCKER_CONFIG",
                tmp.resolve("empty-config").toString()), tmp);

        assertThatThrownBy(() -> new DockerRegistryPusher(engine, noConfig).push(ref, l -> {}, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageStartingWith("Pushing " + ref + " to " + TestServices.AUTH_REGISTRY + " failed: ")
                .hasMessageContaining("no basic auth credentials")
                .hasMessageEndingWith("(no credentials were found for " + TestServices.AUTH_REGISTRY + " in "
                        + tmp.resolve("empty-config").resolve("config.json") + ")")
                .satisfies(e -> assertThat(((PushException) e).ref()).isEqualTo(ref.toString()));
        assertThat(TestServices.registryGet(TestServices.AUTH_REGISTRY, "/v2/" + name + "/tags/list", null, true)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void wrongCredentialsFailAndTheWrongPasswordIsNotInTheMessage() throws Exception {
        TestServices.requireRegistry(TestServices.AUTH_REGISTRY);
        ImageRef ref = build(TestServices.AUTH_REGISTRY, "v1");
        String wrong = "wrong-password-" + UUID.randomUUID();
        CredentialsProvider creds = registry -> Optional.of(RegistryCredentials.basic(TestServices.AUTH_USER, wrong));

        assertThatThrownBy(() -> new DockerRegistryPusher(engine, creds).push(ref, l -> {}, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining(ref.toString())
                .hasMessageContaining("unauthorized")
                .hasMessageNotContaining(wrong);
    }

    @Test
    void rightCredentialsFromADockerConfigAuthsEntry() throws Exception {
        TestServices.requireRegistry(TestServices.AUTH_REGISTRY);
        ImageRef ref = build(TestServices.AUTH_REGISTRY, "v1");
        Path configDir = Files.createDirectories(tmp.resolve("docker-config"));
        String auth = Base64.getEncoder().encodeToString((TestServices.AUTH_USER + ":" + TestServices.AUTH_PASSWORD)
                .getBytes(StandardCharsets.UTF_8));
        Files.writeString(configDir.resolve("config.json"),
                "{\"auths\":{\"" + TestServices.AUTH_REGISTRY + "\":{\"auth\":\"" + auth + "\"}}}");
        String before = Files.readString(configDir.resolve("config.json"));
        DockerConfigCredentials creds = DockerConfigCredentials.of(Map.of("DOCKER_CONFIG", configDir.toString()), tmp);

        String digest = new DockerRegistryPusher(engine, creds).push(ref, l -> {}, Cancellation.never());

        HttpResponse<String> manifest = TestServices.registryGet(TestServices.AUTH_REGISTRY,
                "/v2/" + name + "/manifests/v1", TestServices.MANIFEST_TYPES, true);
        assertThat(manifest.statusCode()).isEqualTo(200);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest);
        assertThat(Files.readString(configDir.resolve("config.json"))).isEqualTo(before);
    }

    @Test
    void rightCredentialsFromACredentialHelperOnThePath() throws Exception {
        TestServices.requireRegistry(TestServices.AUTH_REGISTRY);
        ImageRef ref = build(TestServices.AUTH_REGISTRY, "v1");
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path calls = tmp.resolve("helper-calls.txt");
        Path helper = bin.resolve("docker-credential-cmdimagetest");
        Files.writeString(helper, "#!/bin/sh\n"
                + "read -r server\n"
                + "echo \"$1 $server\" >> '" + calls + "'\n"
                + "printf '{\"ServerURL\":\"%s\",\"Username\":\"%s\",\"Secret\":\"%s\"}\\n' \"$server\" '"
                + TestServices.AUTH_USER + "' '" + TestServices.AUTH_PASSWORD + "'\n");
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        Path configDir = Files.createDirectories(tmp.resolve("docker-config"));
        Files.writeString(configDir.resolve("config.json"),
                "{\"credHelpers\":{\"" + TestServices.AUTH_REGISTRY + "\":\"cmdimagetest\"}}");
        DockerConfigCredentials creds = DockerConfigCredentials.of(
                Map.of("DOCKER_CONFIG", configDir.toString(), "PATH", bin + ":/usr/bin:/bin"), tmp);

        String digest = new DockerRegistryPusher(engine, creds).push(ref, l -> {}, Cancellation.never());

        assertThat(Files.readString(calls)).isEqualTo("get " + TestServices.AUTH_REGISTRY + "\n");
        HttpResponse<String> manifest = TestServices.registryGet(TestServices.AUTH_REGISTRY,
                "/v2/" + name + "/manifests/v1", TestServices.MANIFEST_TYPES, true);
        assertThat(manifest.headers().firstValue("Docker-Content-Digest")).contains(digest);
    }

    @Test
    void aCredentialHelperNamedButMissingFailsThePushNamingIt() throws Exception {
        TestServices.requireRegistry(TestServices.AUTH_REGISTRY);
        ImageRef ref = build(TestServices.AUTH_REGISTRY, "v1");
        Path configDir = Files.createDirectories(tmp.resolve("docker-config"));
        Files.writeString(configDir.resolve("config.json"), "{\"credsStore\":\"no-such-helper\"}");
        DockerConfigCredentials creds = DockerConfigCredentials.of(
                Map.of("DOCKER_CONFIG", configDir.toString(), "PATH", tmp.resolve("empty-bin").toString()), tmp);

        assertThatThrownBy(() -> new DockerRegistryPusher(engine, creds).push(ref, l -> {}, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("docker-credential-no-such-helper")
                .hasMessageContaining("not on the PATH");
        assertThat(TestServices.registryGet(TestServices.AUTH_REGISTRY, "/v2/" + name + "/tags/list", null, true)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void aRegistryThatIsDownFailsThePush() throws Exception {
        ImageRef ref = build("127.0.0.1:" + TestServices.closedPort(), "v1");

        assertThatThrownBy(() -> new DockerRegistryPusher(engine, CredentialsProvider.ANONYMOUS)
                .push(ref, l -> {}, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageStartingWith("Pushing " + ref + " to " + ref.domain() + " failed: ")
                .hasMessageContaining("connection refused");
    }

    @Test
    void aMissingImageFailsThePush() throws Exception {
        TestServices.requireRegistry(TestServices.REGISTRY);
        ImageRef ref = ImageRef.parse(TestServices.REGISTRY + "/" + name + ":never-built");
        assertThatThrownBy(() -> new DockerRegistryPusher(engine, CredentialsProvider.ANONYMOUS)
                .push(ref, l -> {}, Cancellation.never()))
                .isInstanceOf(PushException.class)
                .hasMessageContaining(ref.toString());
    }

    @Test
    void aCancelledPushDoesNotPush() throws Exception {
        TestServices.requireRegistry(TestServices.REGISTRY);
        ImageRef ref = build(TestServices.REGISTRY, "cancelled");
        Cancellation cancel = new Cancellation();
        cancel.cancel();
        assertThatThrownBy(() -> new DockerRegistryPusher(engine, CredentialsProvider.ANONYMOUS)
                .push(ref, l -> {}, cancel))
                .isInstanceOf(PushException.class)
                .hasMessageContaining("cancelled");
        assertThat(TestServices.registryGet(TestServices.REGISTRY, "/v2/" + name + "/tags/list", null, false)
                .statusCode()).isEqualTo(404);
    }

    @Test
    void cancellingDuringThePushEndsItWithoutHanging() throws Exception {
        TestServices.requireRegistry(TestServices.REGISTRY);
        ImageRef ref = build(TestServices.REGISTRY, "cancelled-midway");
        Cancellation cancel = new Cancellation();
        List<String> seen = new ArrayList<>();
        assertThatThrownBy(() -> new DockerRegistryPusher(engine, CredentialsProvider.ANONYMOUS)
                .push(ref, line -> {
                    seen.add(line);
                    cancel.cancel();
                }, cancel))
                .isInstanceOf(PushException.class)
                .hasMessage("The push of " + ref + " was cancelled");
        assertThat(seen).isNotEmpty();
    }
}

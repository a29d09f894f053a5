package dev.cmdimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.testing.TestServices;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Real Maven builds of the fixture projects in {@code src/it} with the plugin this build made (see {@link MavenRun}).
 */
class MavenPluginIT {
    private static final String PLUGIN = "dev.cmdimage:cmdimage-maven-plugin:" + MavenRun.VERSION;
    /** Where {@code auto} looks for a Docker engine in these runs: nowhere, so it takes the OCI layout. */
    private static final Map<String, String> NO_ENGINE = Map.of("DOCKER_HOST", "unix:///nonexistent/docker.sock");

    @Test
    void helloIsValidatedAndBuiltAtPackageAndALaterPluginPrintsItsRef() throws Exception {
        Path dir = MavenRun.copyFixture("hello");
        MavenRun.copyHelloOci(dir.resolve("src/main/cmdimage"));

        MavenRun.Result r = MavenRun.run(dir, NO_ENGINE, "package");

        String log = r.log();
        assertThat(r.exitCode()).as(log).isZero();
        assertThat(log).contains("--- cmdimage-maven-plugin:" + MavenRun.VERSION + ":validate (default) @ hello ---")
                .contains("[INFO] cmdimage: src/main/cmdimage/hello.yaml: valid (1 CmdImage)")
                .contains("[INFO] cmdimage: image store: OCI image layout at " + dir.resolve("target/cmdimage/oci")
                        + " (auto: no Docker engine answered");
        assertThat(log.indexOf(":validate (default)")).isLessThan(log.indexOf(":build (default)"));
        // the command's output at INFO, prefixed with the CmdImage's name; the steps only at DEBUG
        assertThat(log).containsPattern("\\[INFO\\] \\[hello\\] wrote hello:tilt-build-\\d+ ");
        assertThat(log).doesNotContain("[INFO] [hello] run command");
        String ref = find(log, "\\[INFO\\] \\[hello\\] completed: (hello:tilt-[0-9a-f]{16})\\R");
        assertThat(log).contains("[INFO] cmdimage: cmdimage.hello.ref = " + ref)
                .contains("[echo] the image to deploy: " + ref)
                .contains("BUILD SUCCESS");
        assertThat(Files.readString(dir.resolve("target/cmdimage/oci/index.json"))).contains("\"" + ref + "\"");
    }

    @Test
    void cmdimageSkipSkipsBothGoals() throws Exception {
        Path dir = MavenRun.copyFixture("hello");
        MavenRun.copyHelloOci(dir.resolve("src/main/cmdimage"));

        MavenRun.Result r = MavenRun.run(dir, NO_ENGINE, "package", "-Dcmdimage.skip");

        assertThat(r.exitCode()).as(r.log()).isZero();
        assertThat(r.log().split("cmdimage: skipped \\(cmdimage.skip\\)", -1)).hasSize(3);
        assertThat(r.log()).doesNotContain("[hello]").contains("[echo] the image to deploy: ${cmdimage.hello.ref}");
        assertThat(dir.resolve("target/cmdimage")).doesNotExist();
    }

    @Test
    void aFailingCommandFailsTheBuildWithItsCommandExitStatusAndOutputTail() throws Exception {
        Path dir = MavenRun.copyFixture("failing");

        MavenRun.Result r = MavenRun.run(dir, Map.of(), "package");

        String log = r.log();
        assertThat(r.exitCode()).as(log).isNotZero();
        assertThat(log).contains("[INFO] [broken] compiling")
                .contains("[ERROR] [broken] command: echo compiling; echo 'error: no such file: main.c' >&2; exit 3")
                .contains("[ERROR] [broken] exit status: 3")
                .contains("[ERROR] [broken]   error: no such file: main.c")
                .contains("[ERROR] [broken] hint: the command's own output above says why")
                .contains("BUILD FAILURE")
                .contains("cmdimage: 1 of 1 CmdImages failed: broken");
        assertThat(log).doesNotContain("\tat dev.cmdimage").doesNotContain("cmdimage.broken.ref");
    }

    @Test
    void aCommandThatOutlivesTheTimeoutIsKilledAndFailsTheBuild() throws Exception {
        Path dir = MavenRun.copyFixture("failing");
        Files.delete(dir.resolve("src/main/cmdimage/broken.yaml"));
        String marker = "cmdimage-maven-it-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Files.writeString(dir.resolve("src/main/cmdimage/slow.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: slow
                spec:
                  ref: slow
                  args: ["sh", "-c", "echo started; exec sleep 300 # %s"]
                """.formatted(marker));

        MavenRun.Result r = MavenRun.run(dir, Map.of(), "package", "-Dcmdimage.timeout=3s");

        String log = r.log();
        assertThat(r.exitCode()).as(log).isNotZero();
        assertThat(log).contains("[INFO] [slow] started")
                .contains("cmdimage: 1 of 1 CmdImages failed: slow")
                .contains("[ERROR] [slow] hint: raise <timeout> (or -Dcmdimage.timeout)");
        assertThat(ProcessHandle.allProcesses().filter(p -> p.info().arguments()
                .map(a -> String.join(" ", a).contains(marker)).orElse(false)).toList())
                .as("processes of the command left behind").isEmpty();
    }

    @Test
    void autoTakesTheDockerEngineWhenOneAnswers() throws Exception {
        String dockerHost = env("CMDIMAGE_TEST_DOCKER_HOST", "unix:///run/cmdimage-test/docker.sock");
        requireEngine(dockerHost);
        Path dir = MavenRun.copyFixture("hello");
        MavenRun.copyHelloOci(dir.resolve("src/main/cmdimage"));

        MavenRun.Result r = MavenRun.run(dir, Map.of("DOCKER_HOST", dockerHost), "package");

        String log = r.log();
        assertThat(r.exitCode()).as(log).isZero();
        assertThat(log).containsPattern("\\[INFO\\] cmdimage: image store: .*\\(auto: the engine answered\\)");
        String ref = find(log, "\\[INFO\\] \\[hello\\] completed: (hello:tilt-[0-9a-f]{16})\\R");
        assertThat(log).contains("[echo] the image to deploy: " + ref);
        assertThat(dir.resolve("target/cmdimage")).doesNotExist();
    }

    @Test
    void anInvalidFileFailsAtValidateNamingEveryProblemBeforeAnythingRuns() throws Exception {
        Path dir = MavenRun.copyFixture("invalid");

        MavenRun.Result r = MavenRun.run(dir, NO_ENGINE, "package");

        String log = r.log();
        assertThat(r.exitCode()).as(log).isNotZero();
        assertThat(log).contains("Failed to execute goal " + PLUGIN + ":validate (default) on project invalid")
                .contains("cmdimage: 3 problems in src/main/cmdimage/app.yaml, src/main/cmdimage/fine.yaml,"
                        + " src/main/cmdimage/other.yaml:")
                .contains("[ERROR] src/main/cmdimage/app.yaml: document 2 (CmdImage \"app\"): spec.args:"
                        + " Required value")
                .contains("[ERROR] src/main/cmdimage/app.yaml: document 2 (CmdImage \"app\"): spec.outputMode:"
                        + " Unsupported value: \"sideways\"")
                .contains("[ERROR] src/main/cmdimage/other.yaml: CmdImage \"fine\": metadata.name: Duplicate value:"
                        + " \"fine\": src/main/cmdimage/fine.yaml holds a CmdImage of this name too")
                .doesNotContain(":build (default)");
        assertThat(dir.resolve("src/main/cmdimage/ran-fine")).doesNotExist();
        assertThat(dir.resolve("src/main/cmdimage/ran-ok")).doesNotExist();
        assertThat(log).doesNotContain("\tat dev.cmdimage");
    }

    @Test
    void pushesToTheRegistryWithTheSettingsServerWhoseIdIsTheRegistryHost() throws Exception {
        String registry = env("CMDIMAGE_TEST_AUTH_REGISTRY", "127.0.0.1:5001");
        String user = env("CMDIMAGE_TEST_AUTH_USER", "cmdimage");
        String password = env("CMDIMAGE_TEST_AUTH_PASSWORD", "cmdimage-test-password");
        requireRegistry(registry);
        Path dir = pushFixture(registry);
        // the password encrypted by Maven itself (mvn --encrypt-password), with a master password of its own
        Path security = dir.resolve("settings-security.xml");
        String securityProperty = "-Dsettings.security=" + security;
        String master = encrypted(MavenRun.run(dir, Map.of(), "--encrypt-master-password", "it-master-password"));
        Files.writeString(security, "<settingsSecurity><master>" + master + "</master></settingsSecurity>\n");
        String encrypted = encrypted(MavenRun.run(dir, Map.of(), "--encrypt-password", password, securityProperty));
        Path settings = dir.resolve("settings.xml");
        Files.writeString(settings, "<settings><servers><server><id>" + registry + "</id><username>" + user
                + "</username><password>" + encrypted + "</password></server></servers></settings>\n");
        Map<String, String> env = new HashMap<>(NO_ENGINE);
        env.put("DOCKER_CONFIG", Files.createDirectories(dir.resolve("empty-docker-config")).toString());

        MavenRun.Result withoutServer = MavenRun.run(dir, env, "package");
        assertThat(withoutServer.exitCode()).as(withoutServer.log()).isNotZero();
        assertThat(withoutServer.log()).contains("[ERROR] [pushed] push to " + registry + ": ")
                .contains("[ERROR] [pushed] hint: credentials come from the settings.xml <server>");

        MavenRun.Result r = MavenRun.run(dir, env, "package", "-s", settings.toString(), securityProperty);

        String log = r.log();
        assertThat(r.exitCode()).as(log).isZero();
        String ref = find(log, "cmdimage\\.pushed\\.ref = (\\S+)\\R");
        // the registry's ref, the path escaped as Tilt does
        assertThat(ref).matches(Pattern.quote(registry) + "/cmdimage-maven-it_pushed:tilt-[0-9a-f]{16}");
        assertThat(log).containsPattern(
                "\\[INFO\\] \\[pushed\\] manifest sha256:[0-9a-f]+ pushed as " + Pattern.quote(ref));
        String tag = ref.substring(ref.lastIndexOf(':') + 1);
        assertThat(tags(registry, "cmdimage-maven-it_pushed", user, password)).contains("\"" + tag + "\"");
        assertThat(log).doesNotContain(password);
    }

    @Test
    void offlineMavenDoesNotPushToARegistryOffThisMachine() throws Exception {
        Path dir = pushFixture("registry.example.com");

        MavenRun.Result r = MavenRun.run(dir, NO_ENGINE, "package", "-o");

        String log = r.log();
        assertThat(r.exitCode()).as(log).isNotZero();
        assertThat(log).contains("[INFO] [pushed] wrote ")
                .contains("Maven is offline (-o): not pushing to registry.example.com")
                .contains("[ERROR] [pushed] hint: build without -o to push it");
    }

    @Test
    void theMavenExampleBuildsItsImageWithoutAnEngineAndPrintsItsContentRef() throws Exception {
        Path example = Path.of("..", "examples", "maven").toAbsolutePath().normalize();
        assertThat(Files.readString(example.resolve("pom.xml")))
                .as("examples/maven/pom.xml names this build's plugin version")
                .contains("<artifactId>cmdimage-maven-plugin</artifactId>\n        <version>" + MavenRun.VERSION
                        + "</version>");
        Path dir = MavenRun.copy(example, "example-maven");

        MavenRun.Result r = MavenRun.run(dir, Map.of(), "package");

        String log = r.log();
        assertThat(r.exitCode()).as(log).isZero();
        String ref = find(log, "\\[echo\\] built (hello-maven:tilt-[0-9a-f]{16})\\R");
        assertThat(log).contains("[INFO] [hello-maven] completed: " + ref);
        assertThat(Files.readString(dir.resolve("target/oci/index.json"))).contains("\"" + ref + "\"");
    }

    @Test
    void helpDescribeShowsTheGoalsAndTheirParameters() throws Exception {
        Path dir = MavenRun.copyFixture("hello");

        MavenRun.Result r = MavenRun.run(dir, Map.of(), "org.apache.maven.plugins:maven-help-plugin:3.5.1:describe",
                "-Dplugin=dev.cmdimage:cmdimage-maven-plugin", "-Ddetail");

        String log = r.log();
        assertThat(r.exitCode()).as(log).isZero();
        assertThat(log).contains("cmdimage:build").contains("cmdimage:validate").contains("Goal Prefix: cmdimage")
                .contains("imageStore").contains("Where images are verified and tagged")
                .contains("User property: cmdimage.skip").contains("Bound to phase: package")
                .contains("Bound to phase: validate");
    }

    /** The push fixture with build.sh and a Cluster whose registry is {@code registry}. */
    private static Path pushFixture(String registry) throws Exception {
        Path dir = MavenRun.copyFixture("push");
        Path files = dir.resolve("src/main/cmdimage");
        MavenRun.copyHelloOci(files);
        Files.writeString(files.resolve("cluster.yaml"), """
                apiVersion: tilt.dev/v1alpha1
                kind: Cluster
                metadata:
                  name: default
                status:
                  registry:
                    host: %s
                """.formatted(registry));
        return dir;
    }

    /** The {@code {...}} that {@code mvn --encrypt-(master-)password} printed. */
    private static String encrypted(MavenRun.Result r) {
        assertThat(r.exitCode()).as(r.log()).isZero();
        return find(r.log(), "(\\{[A-Za-z0-9+/=]+\\})");
    }

    private static String find(String log, String regex) {
        Matcher m = Pattern.compile(regex, Pattern.MULTILINE).matcher(log);
        assertThat(m.find()).as("/" + regex + "/ in\n" + log).isTrue();
        return m.group(1);
    }

    private static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    private static String tags(String registry, String repository, String user, String password) throws Exception {
        String auth = Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                .send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/" + repository + "/tags/list"))
                        .header("Authorization", "Basic " + auth).timeout(Duration.ofSeconds(10)).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return r.body();
    }

    /** Fails (CI=true) or skips unless the engine's unix socket (or TCP port) takes a connection. */
    private static void requireEngine(String dockerHost) {
        String problem = null;
        try {
            if (dockerHost.startsWith("unix://")) {
                try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                    ch.connect(UnixDomainSocketAddress.of(dockerHost.substring("unix://".length())));
                }
            } else {
                URI uri = URI.create(dockerHost.replaceFirst("^tcp://", "http://"));
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 3000);
                }
            }
        } catch (Exception e) {
            problem = e.toString();
        }
        skipOrFail(problem == null, "the Docker engine at " + dockerHost + " does not answer (" + problem + ")");
    }

    /** The test kit's rule: skip with how to start the services, fail when CI=true. */
    private static void skipOrFail(boolean ok, String message) {
        if (!ok) {
            TestServices.unavailable(message);
        }
    }

    /** Fails (CI=true) or skips unless the registry answers {@code GET /v2/}. */
    private static void requireRegistry(String registry) {
        String problem;
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://" + registry + "/v2/"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200 || r.statusCode() == 401) {
                return;
            }
            problem = "GET /v2/ answered HTTP " + r.statusCode();
        } catch (Exception e) {
            problem = e.toString();
        }
        skipOrFail(false, "test registry " + registry + " is not reachable (" + problem + ")");
    }
}

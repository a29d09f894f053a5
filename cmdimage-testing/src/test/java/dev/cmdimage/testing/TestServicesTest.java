package dev.cmdimage.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The probes and the rule (skip, or fail with CI=true). */
class TestServicesTest {
    @Test
    void aRegistryThatAnswersHasNoProblem() {
        try (TestRegistry registry = new TestRegistry().start()) {
            assertThat(TestServices.registryProblem(registry.host())).isEmpty();
        }
        try (TestRegistry registry = new TestRegistry().basicAuth("a", "b").start()) {
            assertThat(TestServices.registryProblem(registry.host())).as("401 is an answer").isEmpty();
        }
    }

    @Test
    void aClosedPortIsARegistryThatDoesNotAnswer() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        assertThat(TestServices.registryProblem("127.0.0.1:" + port))
                .contains("the registry at 127.0.0.1:" + port + " does not answer");
    }

    @Test
    void aServerThatSaysSomethingElseIsNoRegistry() {
        try (TestRegistry registry = new TestRegistry().start().failNext("GET", "/v2/", 500)) {
            assertThat(TestServices.registryProblem(registry.host())).hasValueSatisfying(p ->
                    assertThat(p).endsWith("does not answer /v2/ with 200 or 401 (it said 500)"));
        }
    }

    @Test
    void withoutCiAMissingServiceSkipsWithHowToStartIt() {
        TestAbortedException e = ServiceRule.skipOrFail("the Docker engine at x does not answer",
                TestServices.HOW_TO_START, false);

        assertThat(e).hasMessageStartingWith("the Docker engine at x does not answer; skipped (with CI=true it would"
                + " fail). To run it, start them with `source scripts/services.sh && services_start`");
    }

    @Test
    void withCiAMissingServiceFailsTheTest() {
        assertThatThrownBy(() -> ServiceRule.skipOrFail("the Docker engine at x does not answer",
                TestServices.HOW_TO_START, true))
                .isInstanceOf(AssertionFailedError.class)
                .hasMessageStartingWith("the Docker engine at x does not answer; CI=true, so this test fails instead"
                        + " of being skipped; start them with");
    }

    @Test
    void anythingElseMissingSaysHowToGetIt() {
        assertThat(ServiceRule.skipOrFail("skopeo is not on the PATH", "install it with: apt-get install skopeo",
                false)).hasMessage("skopeo is not on the PATH; skipped (with CI=true it would fail). To run it,"
                        + " install it with: apt-get install skopeo");
    }

    @Test
    void aDockerHostWithoutAnEngineIsAProblemNamingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) {
        String host = "unix://" + dir.resolve("docker.sock");

        assertThat(TestServices.dockerProblem(host)).contains("the Docker engine at " + host + " does not answer");
        assertThat(TestServices.dockerProblem("ssh://somewhere")).isPresent();
    }

    @Test
    void anEngineIsWhatAnswersPingWith200() throws Exception {
        com.sun.net.httpserver.HttpServer engine = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        engine.createContext("/_ping", ex -> {
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        engine.start();
        try {
            String host = "tcp://127.0.0.1:" + engine.getAddress().getPort();
            assertThat(TestServices.dockerProblem(host)).isEmpty();
        } finally {
            engine.stop(0);
        }
        try (TestRegistry notAnEngine = new TestRegistry().start()) {
            assertThat(TestServices.dockerProblem("tcp://" + notAnEngine.host())).isPresent();
        }
    }

    @Test
    void theAddressesHaveTheServicesScriptsDefaults() {
        // each is the environment's value when set (scripts/services.sh exports them), else its default
        assertThat(TestServices.registry()).isEqualTo(envOr("CMDIMAGE_TEST_REGISTRY", "127.0.0.1:5000"));
        assertThat(TestServices.dockerHost()).isEqualTo(envOr("CMDIMAGE_TEST_DOCKER_HOST",
                "unix:///run/cmdimage-test/docker.sock"));
    }

    private static String envOr(String key, String fallback) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? fallback : v;
    }
}

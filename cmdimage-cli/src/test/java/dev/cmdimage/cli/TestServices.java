package dev.cmdimage.cli;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The services of {@code scripts/services.sh} as the CLI's integration tests see them: a test that needs one that
 * does not answer fails when {@code CI=true}, and is skipped elsewhere with how to start them.
 */
final class TestServices {
    static final String REGISTRY = env("CMDIMAGE_TEST_REGISTRY", "127.0.0.1:5000");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private static final String HOW = "start them with: source scripts/services.sh && services_start";

    private TestServices() {}

    static String env(String key, String def) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? def : v;
    }

    /** Fails (CI=true) or skips the test unless {@code ok}; {@code what} says what does not answer. */
    static void require(boolean ok, String what) {
        if (ok) {
            return;
        }
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            fail(what + "; CI=true, so this integration test fails instead of skipping; " + HOW);
        }
        assumeTrue(false, what + "; skipping. To run the integration tests, " + HOW);
    }

    /** Fails (CI=true) or skips the test unless the plain test registry answers {@code /v2/}. */
    static void requireRegistry() {
        require(registryAnswers(), "the registry at " + REGISTRY + " does not answer");
    }

    private static boolean registryAnswers() {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://" + REGISTRY + "/v2/"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}

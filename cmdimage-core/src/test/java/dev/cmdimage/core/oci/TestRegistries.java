package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The real registries of the test services (scripts/services.sh). Unreachable: a skip with a hint, or a failure
 * when CI=true.
 */
final class TestRegistries {
    static final String PLAIN = env("CMDIMAGE_TEST_REGISTRY", "127.0.0.1:5000");
    static final String AUTH = env("CMDIMAGE_TEST_AUTH_REGISTRY", "127.0.0.1:5001");
    static final String USER = env("CMDIMAGE_TEST_AUTH_USER", "cmdimage");
    static final String PASSWORD = env("CMDIMAGE_TEST_AUTH_PASSWORD", "cmdimage-test-password");

    private TestRegistries() {}

    static String env(String name, String dflt) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? dflt : v;
    }

    /** Fails (CI) or skips (elsewhere) unless {@code domain} answers {@code GET /v2/}. */
    static void require(String domain) {
        String problem;
        try {
            HttpResponse<Void> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build()
                    .send(HttpRequest.newBuilder(URI.create("http://" + domain + "/v2/"))
                            .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding());
            if (r.statusCode() == 200 || r.statusCode() == 401) {
                return;
            }
            problem = "GET /v2/ answered HTTP " + r.statusCode();
        } catch (Exception e) {
            problem = e.toString();
        }
        String message = "test registry " + domain + " is not reachable (" + problem + "); start the test services"
                + " with `source scripts/services.sh && services_start`";
        if ("true".equals(System.getenv("CI"))) {
            fail(message);
        }
        assumeTrue(false, message);
    }
}

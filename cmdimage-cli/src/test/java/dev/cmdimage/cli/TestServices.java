package dev.cmdimage.cli;

import java.net.http.HttpClient;
import java.time.Duration;

/**
 * The services of {@code scripts/services.sh} as the CLI's integration tests see them, at the addresses the test
 * kit's {@link dev.cmdimage.testing.TestServices} reads: a test that needs one that does not answer fails when
 * {@code CI=true}, and is skipped elsewhere with how to start them (the kit's rule).
 */
final class TestServices {
    static final String REGISTRY = dev.cmdimage.testing.TestServices.registry();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServices() {}

    static String env(String key, String def) {
        String v = System.getenv(key);
        return v == null || v.isBlank() ? def : v;
    }

    /** Fails (CI=true) or skips the test unless {@code ok}; {@code what} says what does not answer. */
    static void require(boolean ok, String what) {
        if (!ok) {
            dev.cmdimage.testing.TestServices.unavailable(what);
        }
    }

    /** Fails (CI=true) or skips the test unless the plain test registry answers {@code /v2/}. */
    static void requireRegistry() {
        dev.cmdimage.testing.TestServices.requireRegistry(REGISTRY);
    }
}

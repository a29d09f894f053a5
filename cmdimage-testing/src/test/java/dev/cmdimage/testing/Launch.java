package dev.cmdimage.testing;

import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.launcher.Launcher;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;

/** Runs a test class with JUnit (as a user's build would) and records how each of its tests ended. */
final class Launch {
    private Launch() {}

    /**
     * How one test ended.
     *
     * @param name    the test's display name
     * @param status  SUCCESSFUL, FAILED, ABORTED or SKIPPED
     * @param message the failure's or skip's message, or empty
     */
    record Outcome(String name, String status, String message) {}

    static List<Outcome> run(Class<?> testClass) {
        List<Outcome> outcomes = new CopyOnWriteArrayList<>();
        LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass))
                .build();
        Launcher launcher = LauncherFactory.create();
        launcher.execute(request, new TestExecutionListener() {
            @Override
            public void executionFinished(TestIdentifier id, TestExecutionResult result) {
                if (id.isTest()) {
                    outcomes.add(new Outcome(id.getDisplayName(), result.getStatus().name(),
                            result.getThrowable().map(t -> String.valueOf(t.getMessage())).orElse("")));
                }
            }

            @Override
            public void executionSkipped(TestIdentifier id, String reason) {
                outcomes.add(new Outcome(id.getDisplayName(), "SKIPPED", reason));
            }
        });
        return outcomes;
    }

    /** Runs {@code testClass} and asserts that each of its tests passed, showing the failures when not. */
    static void assertPassed(Class<?> testClass) {
        List<Outcome> outcomes = run(testClass);
        org.assertj.core.api.Assertions.assertThat(outcomes).as(outcomes.toString()).isNotEmpty()
                .allSatisfy(o -> org.assertj.core.api.Assertions.assertThat(o.status()).isEqualTo("SUCCESSFUL"));
    }
}

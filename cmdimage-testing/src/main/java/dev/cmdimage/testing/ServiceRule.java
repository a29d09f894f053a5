package dev.cmdimage.testing;

import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

/** The project's rule for a missing service: skip with how to start it, but fail when {@code CI=true}. */
final class ServiceRule {
    private ServiceRule() {}

    /**
     * Throws an {@link AssertionFailedError} when {@code CI=true}; else returns the exception that skips a test
     * needing {@code what} (its message says how to start the services).
     */
    static TestAbortedException skipOrFail(String what) {
        return skipOrFail(what, TestServices.ci());
    }

    /** {@link #skipOrFail(String)} with {@code ci} for the environment's {@code CI=true}. */
    static TestAbortedException skipOrFail(String what, boolean ci) {
        if (ci) {
            throw new AssertionFailedError(what + "; CI=true, so this test fails instead of being skipped; "
                    + TestServices.HOW_TO_START);
        }
        return new TestAbortedException(what + "; skipped (with CI=true it would fail). To run it, "
                + TestServices.HOW_TO_START);
    }

    /** The reason a test is disabled; throws when {@code CI=true}. */
    static String disabledReason(String what) {
        return skipOrFail(what).getMessage();
    }
}

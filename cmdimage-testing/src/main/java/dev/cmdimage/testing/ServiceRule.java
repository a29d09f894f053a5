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
        return skipOrFail(what, TestServices.HOW_TO_START, TestServices.ci());
    }

    /**
     * {@link #skipOrFail(String)} for any missing thing: {@code how} says how to get it ({@code start them with
     * ...}, {@code install it with ...}); {@code ci} stands for the environment's {@code CI=true}.
     */
    static TestAbortedException skipOrFail(String what, String how, boolean ci) {
        if (ci) {
            throw new AssertionFailedError(what + "; CI=true, so this test fails instead of being skipped; " + how);
        }
        return new TestAbortedException(what + "; skipped (with CI=true it would fail). To run it, " + how);
    }

    /** The reason a test is disabled; throws when {@code CI=true}. */
    static String disabledReason(String what) {
        return skipOrFail(what).getMessage();
    }
}

package dev.cmdimage.api;

import java.time.Duration;

/**
 * Receives what happens during builds: status changes, the command's output lines, and a paired
 * start/finish-or-fail for each {@link BuildStep}. Every method has an empty default; {@link #NONE} ignores all.
 *
 * <p>Callbacks run on build threads and must be fast and must not throw: an exception thrown by a listener is
 * caught and logged at DEBUG, never allowed to break a build. Callbacks for one build arrive in order.
 */
public interface BuildListener {
    /** A listener that ignores everything. */
    BuildListener NONE = new BuildListener() {};

    /** The status of CmdImage {@code name} changed. */
    default void statusChanged(String name, CmdImageStatus status) {}

    /** The command printed a line (without its line terminator; very long lines arrive cut, marked with "…"). */
    default void outputLine(String name, StdStream stream, String line) {}

    /** A step started; {@code detail} says what it does, e.g. {@code running [sh, -c, ./build.sh]}. */
    default void stepStarted(String name, BuildStep step, String detail) {}

    /** A step finished; {@code detail} says what it found, e.g. {@code image sha256:ab12...}. */
    default void stepFinished(String name, BuildStep step, String detail, Duration took) {}

    /** A step failed with {@code error}, the same sentence the final status carries. */
    default void stepFailed(String name, BuildStep step, String error, Duration took) {}

    /** A line for a person, e.g. why a push was skipped. */
    default void log(String name, String message) {}
}

package dev.cmdimage.core.internal.controller;

import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageStatus;

/** What the controller knows of one CmdImage. Guarded by the controller's lock. */
final class Entry {
    final String name;
    /** The applied object; its status is not used (see {@link #status}). */
    CmdImage object;
    /** The status the controller shows. */
    CmdImageStatus status = CmdImageStatus.EMPTY;
    /** Inputs of the last build that ended (not cancelled), or {@code null}. */
    Inputs builtInputs;
    /** Inputs of the last build started (whether it ended, was cancelled or still runs), or {@code null}. */
    Inputs startedInputs;
    /** Final status of the last build that ended (not cancelled), or {@code null}. */
    CmdImageStatus lastResult;
    /** Why the last build that ended (not replaced) failed, or {@code null} when it succeeded or none ended. */
    CmdImageException lastFailure;
    /** The build in flight (possibly cancelled and still ending), or {@code null}. */
    Run run;
    /** Whether a build waits for a free slot; then {@link #queuedInputs} and {@link #queuedReason} are set. */
    boolean queued;
    Inputs queuedInputs;
    String queuedReason;
    long queuedSeq;
    /** Whether an ImageMap this depends on comes from a CmdImage that is building or about to. */
    boolean waitsOnProducer;
    /** Building, queued or waiting on a producer that is: dependents wait rather than build with a stale image. */
    boolean inFlux;
    /** The error when this is a member of a dependency cycle. */
    String cycleError;
    /** The last request to rebuild it (file changes, a trigger). */
    Inputs.Rebuild rebuild = Inputs.Rebuild.NONE;
    /** Position in the build order (dependencies first). */
    int position = Integer.MAX_VALUE;
    boolean deleted;

    Entry(String name, CmdImage object) {
        this.name = name;
        this.object = object;
    }

    CmdImage snapshot() {
        return object.withStatus(status);
    }

    @Override
    public String toString() {
        return "Entry[" + name + "]";
    }
}

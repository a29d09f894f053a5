package dev.cmdimage.core.internal.controller;

import dev.cmdimage.api.BuildHandle;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.MicroTime;

/** One build the controller started. Guarded by the controller's lock. */
final class Run {
    final Entry entry;
    final Inputs inputs;
    final String reason;
    final BuildRequest request;
    final MicroTime requestedAt;
    /** Set once {@code CmdImageBuilder.start} returned. */
    BuildHandle handle;
    MicroTime startedAt;
    /** The controller no longer wants its result (obsolete, deleted, closing). */
    boolean cancelled;
    boolean ended;

    Run(Entry entry, Inputs inputs, String reason, BuildRequest request, MicroTime requestedAt) {
        this.entry = entry;
        this.inputs = inputs;
        this.reason = reason;
        this.request = request;
        this.requestedAt = requestedAt;
    }

    @Override
    public String toString() {
        return "Run[" + entry.name + ", " + reason + (cancelled ? ", cancelled" : "") + "]";
    }
}

package dev.cmdimage.api;

import java.util.Objects;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The result of an image build so far: the built {@link #ref()} and exactly one {@link State}.
 *
 * @param ref   the ref of the built image as seen from the local network, in familiar form (e.g.
 *              {@code localhost:5000/app:tilt-0123456789abcdef}), or {@code null} (always {@code null} while
 *              waiting, while building and after a failure)
 * @param state what the build is doing: {@link Pending} (nobody has looked at the object yet), {@link Waiting},
 *              {@link Building} or {@link Completed}; never {@code null}
 */
public record CmdImageStatus(@Nullable String ref, State state) {
    /**
     * The status of an object nobody has looked at yet: {@link Pending}, no ref. It is Tilt's zero status and is
     * written as {@code {}}; reading {@code {}} (or no status) gives it back.
     */
    public static final CmdImageStatus EMPTY = new CmdImageStatus(null, new Pending());

    /**
     * An empty ref becomes {@code null}; {@code state} is required ({@link Pending} for an object nobody has looked
     * at yet).
     */
    public CmdImageStatus {
        ref = Strings.emptyToNull(ref);
        Objects.requireNonNull(state, "state (Pending for an object nobody has looked at yet)");
    }

    /** Waiting for the given reason. */
    public static CmdImageStatus waiting(String reason) {
        return new CmdImageStatus(null, new Waiting(reason));
    }

    /** Building since {@code startedAt}. */
    public static CmdImageStatus building(String reason, MicroTime startedAt) {
        return new CmdImageStatus(null, new Building(reason, startedAt));
    }

    /** Completed successfully with the given ref. */
    public static CmdImageStatus succeeded(String ref, String reason, MicroTime startedAt, MicroTime finishedAt) {
        return new CmdImageStatus(Objects.requireNonNull(ref, "ref"),
                new Completed(reason, null, startedAt, finishedAt));
    }

    /** Completed with an error; no ref. */
    public static CmdImageStatus failed(String error, String reason, MicroTime startedAt, MicroTime finishedAt) {
        return new CmdImageStatus(null,
                new Completed(reason, Objects.requireNonNull(error, "error"), startedAt, finishedAt));
    }

    /** Whether nobody has looked at the object yet (no build has waited, started or completed). */
    public boolean isPending() {
        return state instanceof Pending;
    }

    /** The waiting state, if that is the state. */
    public Optional<Waiting> waitingState() {
        return state instanceof Waiting w ? Optional.of(w) : Optional.empty();
    }

    /** The building state, if that is the state. */
    public Optional<Building> buildingState() {
        return state instanceof Building b ? Optional.of(b) : Optional.empty();
    }

    /** The completed state, if that is the state. */
    public Optional<Completed> completedState() {
        return state instanceof Completed c ? Optional.of(c) : Optional.empty();
    }

    /** Whether the build completed without error. */
    public boolean isSucceeded() {
        return state instanceof Completed c && c.error() == null;
    }

    /** Whether the build completed with an error. */
    public boolean isFailed() {
        return state instanceof Completed c && c.error() != null;
    }

    /** What a build is doing; a switch over it is exhaustive. */
    public sealed interface State permits Pending, Waiting, Building, Completed {
        /** The (brief) reason for this state, or {@code null}. */
        @Nullable String reason();
    }

    /**
     * Nobody has looked at the object yet: no build has waited, started or completed. A new object's state, written
     * as no state at all (a status of {@code {}}, Tilt's zero status: none of {@code waiting}, {@code building},
     * {@code completed}).
     */
    public record Pending() implements State {
        /** Always {@code null}: nothing has happened that needs a reason. */
        @Override
        public String reason() {
            return null;
        }
    }

    /**
     * The build waits for something (an ImageMap without an image, a cluster that is not ready, ...).
     *
     * @param reason what it waits for
     */
    public record Waiting(@Nullable String reason) implements State {
        /** An empty reason becomes {@code null}. */
        public Waiting {
            reason = Strings.emptyToNull(reason);
        }
    }

    /**
     * The build is in progress.
     *
     * @param reason    why it is building ({@code build requested}, {@code image map base changed}, ...)
     * @param startedAt when it started
     */
    public record Building(@Nullable String reason, @Nullable MicroTime startedAt) implements State {
        /** An empty reason becomes {@code null}. */
        public Building {
            reason = Strings.emptyToNull(reason);
        }
    }

    /**
     * The build finished, with or without an error.
     *
     * @param reason     why it was built
     * @param error      the error, a sentence for a person; {@code null} when it succeeded
     * @param startedAt  when it started
     * @param finishedAt when it finished
     */
    public record Completed(
            @Nullable String reason,
            @Nullable String error,
            @Nullable MicroTime startedAt,
            @Nullable MicroTime finishedAt)
            implements State {
        /** An empty reason or error becomes {@code null}. */
        public Completed {
            reason = Strings.emptyToNull(reason);
            error = Strings.emptyToNull(error);
        }
    }
}

package dev.cmdimage.core;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageStatus;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * How the builds of a {@link CmdImageSet} ended: every object with its final status, and per CmdImage its
 * {@link Outcome}, with the same structured {@link CmdImageException} that {@code CmdImageBuilder.build} throws when
 * its build failed. Immutable.
 */
public final class CmdImageSetResult {
    private final List<ApiObject> objects;
    private final List<Outcome> outcomes;
    private final boolean cancelled;

    CmdImageSetResult(List<ApiObject> objects, List<Outcome> outcomes, boolean cancelled) {
        this.objects = List.copyOf(objects);
        this.outcomes = List.copyOf(outcomes);
        this.cancelled = cancelled;
    }

    /**
     * Every object of the set as given (a CmdImageList stays a list), each with its status at the end, followed by
     * the ImageMaps the set created, with the images the builds published.
     */
    public List<ApiObject> objects() {
        return objects;
    }

    /** One outcome per CmdImage, in the order the set gives its objects (lists flattened). */
    public List<Outcome> outcomes() {
        return outcomes;
    }

    /** The outcome of the CmdImage of that name. */
    public Optional<Outcome> outcome(String name) {
        return outcomes.stream().filter(o -> o.name().equals(name)).findFirst();
    }

    /** Whether every CmdImage completed without error. */
    public boolean succeeded() {
        return outcomes.stream().allMatch(Outcome::succeeded);
    }

    /** Whether the builds were cancelled before they all ended (then the unfinished ones say {@code build cancelled}). */
    public boolean cancelled() {
        return cancelled;
    }

    @Override
    public String toString() {
        return "CmdImageSetResult" + outcomes;
    }

    /** How one CmdImage ended. */
    public static final class Outcome {
        private final CmdImage cmdImage;
        private final CmdImageException failure;

        Outcome(CmdImage cmdImage, CmdImageException failure) {
            this.cmdImage = Objects.requireNonNull(cmdImage, "cmdImage");
            this.failure = failure;
        }

        /** The CmdImage's {@code metadata.name}. */
        public String name() {
            return cmdImage.name();
        }

        /** The CmdImage as given, with its final status ({@code completed}). */
        public CmdImage cmdImage() {
            return cmdImage;
        }

        /** The final status: {@code completed}, with the ref or the error. */
        public CmdImageStatus status() {
            return cmdImage.status();
        }

        /** Whether it completed without error. */
        public boolean succeeded() {
            return cmdImage.status().isSucceeded();
        }

        /**
         * Why it failed: the exception its build ended with ({@code CommandFailedException} with the exit code and
         * the output tail, {@code BuildTimeoutException}, ...), a {@code DependencyNotReadyException} when it could
         * never start, a {@code BuildCancelledException} when it was cancelled, or a {@link CmdImageException}
         * carrying the error of a dependency cycle. Empty when it succeeded.
         */
        public Optional<CmdImageException> failure() {
            return Optional.ofNullable(failure);
        }

        @Override
        public String toString() {
            return name() + ": " + (succeeded() ? status().ref() : "error: " + failure.getMessage());
        }
    }
}

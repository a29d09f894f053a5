package dev.cmdimage.core;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.Subscription;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Keeps a {@link CmdImageController} holding the objects of a {@link CmdImageSet}: {@link #sync} applies a set
 * (the first one, then each new version of it, applying only what changed and deleting what is gone), and
 * {@link #result()} tells how each CmdImage ended. The controller is created from the given
 * {@link CmdImageControllers.Builder}, with each CmdImage's base directory taken from the set, and closed by
 * {@link #close()}. Thread-safe.
 *
 * <pre>{@code
 * try (CmdImageSetController c = CmdImageSetController.builder(CmdImageControllers.builder(builder)).build()) {
 *     c.controller().subscribe((object, deleted) -> show(object));
 *     c.sync(CmdImageSet.read(file));          // and again each time the file changes
 *     ...
 * }
 * }</pre>
 */
public final class CmdImageSetController implements AutoCloseable {
    private final CmdImageController controller;
    private final Map<String, CmdImageStatus> notBuilt;
    private final Subscription subscription;
    /** The latest version of every object the controller reported, for when it can no longer be asked. */
    private final Map<String, ApiObject> latest = new ConcurrentHashMap<>();
    /** Held while a set is applied: one sync at a time. */
    private final Object lock = new Object();
    private volatile CmdImageSet current;
    private volatile boolean cancelled;
    private volatile boolean watchFiles;

    private CmdImageSetController(Builder b) {
        this.notBuilt = Map.copyOf(b.notBuilt);
        b.controllers.baseDirectories(image -> {
            CmdImageSet set = current;
            return set == null ? null : set.baseDirectory(image.name()).orElse(null);
        });
        this.controller = b.controllers.build();
        this.subscription = controller.subscribe((object, deleted) -> {
            if (deleted) {
                latest.remove(CmdImageSet.key(object));
            } else {
                latest.put(CmdImageSet.key(object), object);
            }
        });
    }

    /**
     * A builder of a set controller whose controller {@code controllers} makes (its base directories are set by
     * {@link Builder#build()}).
     */
    public static Builder builder(CmdImageControllers.Builder controllers) {
        return new Builder(controllers);
    }

    /** The controller: subscribe to it to hear every change; what it holds is what the last sync applied. */
    public CmdImageController controller() {
        return controller;
    }

    /** The set the last {@link #sync} applied, or {@code null} before the first. */
    public CmdImageSet current() {
        return current;
    }

    /**
     * Makes the controller hold {@code next}: applies what is new or changed, in the order of
     * {@link CmdImageSet#toApply()}, and deletes what the previous set had and {@code next} has not, with the
     * ImageMaps created for them. An ImageMap that a CmdImage of the set builds keeps the image the build gave it
     * (re-applying the set must not reset it). Once cancelled (also when the controller turns out to be closed
     * while applying), it applies nothing more: {@link #result()} then shows the set with every CmdImage that had
     * not completed as {@code build cancelled}.
     */
    public void sync(CmdImageSet next) {
        Objects.requireNonNull(next, "next");
        synchronized (lock) {
            CmdImageSet previous = current;
            current = next;
            if (cancelled) {
                return;
            }
            try {
                for (ApiObject o : next.toApply()) {
                    if (o instanceof CmdImage image && notBuilt.containsKey(image.name())) {
                        continue;
                    }
                    if (o instanceof FileWatch && !watchFiles) {
                        if (controller.fileWatch(o.name()).isPresent()) {
                            controller.delete(FileWatch.KIND, o.name()); // watching was switched off
                        }
                        continue;
                    }
                    if (o instanceof ImageMap map && next.publishesTo(map.name())) {
                        Optional<ImageMap> held = controller.imageMap(map.name());
                        if (held.isPresent()) {
                            if (Objects.equals(held.get().metadata(), map.metadata())
                                    && Objects.equals(held.get().spec(), map.spec())) {
                                continue;
                            }
                            o = map.withStatus(held.get().status());
                        }
                    }
                    controller.apply(o);
                }
                if (previous != null) {
                    for (ApiObject o : previous.toApply()) {
                        if (!next.keys().contains(CmdImageSet.key(o))) {
                            controller.delete(o.kind(), o.name());
                        }
                    }
                }
            } catch (IllegalStateException closed) {
                // the controller was closed (a signal, another thread): the run is cancelled, not broken
                cancelled = true;
            }
        }
    }

    /**
     * Whether the FileWatches of the sets synced from now on (given ones, and those {@code cmdimage.dev/deps}
     * creates) are applied, so that a changed file rebuilds the CmdImages depending on it, as {@code cmdimage watch}
     * does. Default: no, each CmdImage builds when it changes (a run that builds once must not watch: its builds may
     * write into the directories they depend on). Takes effect at the next {@link #sync}; switched off, the
     * FileWatches held are deleted then.
     */
    public void watchFiles(boolean watch) {
        this.watchFiles = watch;
    }

    /**
     * Cancels every build in flight, and returns when their processes are gone: closes the controller. From then
     * on {@link #sync} does nothing, and {@link #result()} shows {@code build cancelled} for every CmdImage that had
     * not completed. Safe to call from any thread, also while another one syncs.
     */
    public void cancel() {
        cancelled = true; // before close(): a sync that sees the controller closed knows why
        controller.close();
    }

    /** Whether {@link #cancel()} was called or the controller was closed while a set was applied. */
    public boolean isCancelled() {
        return cancelled;
    }

    /**
     * How every CmdImage of the current set ended, meant to be called once the controller is idle
     * ({@code controller().awaitIdle(..)} returned {@code true}) or after {@link #cancel()}. A CmdImage that is
     * not {@code completed} then is given an error: {@code build cancelled} after a cancel, else what it waited
     * for ({@code missing image map base: ...}, {@code never started: still waiting for cluster prod ...}).
     *
     * @throws IllegalStateException before the first {@link #sync}
     */
    public CmdImageSetResult result() {
        CmdImageSet set = current;
        if (set == null) {
            throw new IllegalStateException("nothing was synced yet");
        }
        boolean wasCancelled = isCancelled();
        Map<String, CmdImageSetResult.Outcome> outcomes = new LinkedHashMap<>();
        List<ApiObject> objects = new ArrayList<>();
        for (ApiObject o : set.objects()) {
            if (o instanceof CmdImageList list) {
                List<CmdImage> items = new ArrayList<>();
                for (CmdImage item : list.items()) {
                    CmdImageSetResult.Outcome outcome = outcome(item, set, wasCancelled);
                    outcomes.put(item.name(), outcome);
                    items.add(outcome.cmdImage());
                }
                objects.add(new CmdImageList(list.metadata(), items));
            } else if (o instanceof CmdImage image) {
                CmdImageSetResult.Outcome outcome = outcome(image, set, wasCancelled);
                outcomes.put(image.name(), outcome);
                objects.add(outcome.cmdImage());
            } else {
                objects.add(now(o));
            }
        }
        set.createdImageMaps().forEach(m -> objects.add(now(m)));
        return new CmdImageSetResult(objects, new ArrayList<>(outcomes.values()), wasCancelled);
    }

    private CmdImageSetResult.Outcome outcome(CmdImage given, CmdImageSet set, boolean wasCancelled) {
        CmdImageStatus down = notBuilt.get(given.name());
        if (down != null) {
            return new CmdImageSetResult.Outcome(given.withStatus(down),
                    new CmdImageException(down.completedState().orElseThrow().error()));
        }
        CmdImage now = (CmdImage) now(given);
        Optional<CmdImageStatus.Completed> completed = now.status().completedState();
        if (completed.isPresent()) {
            String error = completed.get().error();
            if (error == null) {
                return new CmdImageSetResult.Outcome(now, null);
            }
            CmdImageException failure = controller.lastFailure(given.name())
                    .filter(e -> error.equals(e.getMessage()))
                    .orElseGet(() -> "build cancelled".equals(error)
                            ? new BuildCancelledException(error) : new CmdImageException(error));
            return new CmdImageSetResult.Outcome(now, failure);
        }
        MicroTime t = MicroTime.of(Instant.now());
        CmdImageException failure = wasCancelled
                ? new BuildCancelledException("build cancelled")
                : neverStarted(now, set);
        CmdImage ended = now.withStatus(CmdImageStatus.failed(failure.getMessage(), null, t, t));
        return new CmdImageSetResult.Outcome(ended, failure);
    }

    /** What {@code o} is now in the controller (with its status); {@code o} itself when the controller has none. */
    private ApiObject now(ApiObject o) {
        Optional<? extends ApiObject> now;
        try {
            if (o instanceof CmdImage) {
                now = controller.cmdImage(o.name());
            } else if (o instanceof ImageMap) {
                now = controller.imageMap(o.name());
            } else if (o instanceof Cluster) {
                now = controller.cluster(o.name());
            } else if (o instanceof FileWatch) {
                now = controller.fileWatch(o.name());
            } else {
                now = Optional.empty();
            }
        } catch (IllegalStateException closed) {
            now = Optional.ofNullable(latest.get(CmdImageSet.key(o)));
        }
        return now.isPresent() ? now.get() : o;
    }

    /** Why a CmdImage still waits when nothing else can happen, naming what it waited for. */
    private static DependencyNotReadyException neverStarted(CmdImage image, CmdImageSet set) {
        List<String> missing = new ArrayList<>();
        for (String name : image.spec().imageMaps()) {
            if (!set.keys().contains(ImageMap.KIND + "/" + name)) {
                missing.add(name);
            }
        }
        if (!missing.isEmpty()) {
            return new DependencyNotReadyException("missing image map " + String.join(", ", missing)
                    + ": the file neither gives an ImageMap nor builds a CmdImage of "
                    + (missing.size() == 1 ? "that name" : "those names"), ImageMap.KIND + "/" + missing.get(0));
        }
        String reason = image.status().state().reason();
        return new DependencyNotReadyException("never started: "
                + (reason == null ? "it was still waiting" : "still " + reason)
                + " when nothing else could be built", dependencyOf(reason));
    }

    /** {@code Kind/name} of what a waiting reason names first ({@code waiting for cluster prod: ...}). */
    private static String dependencyOf(String reason) {
        if (reason == null || !reason.startsWith("waiting for ")) {
            return null;
        }
        String what = reason.substring("waiting for ".length()).split("[,:]", 2)[0];
        if (what.startsWith("image map ")) {
            return ImageMap.KIND + "/" + what.substring("image map ".length());
        }
        if (what.startsWith("cluster ")) {
            return Cluster.KIND + "/" + what.substring("cluster ".length());
        }
        return null;
    }

    /** Cancels every build in flight, returns when their processes are gone, and stops the controller. */
    @Override
    public void close() {
        subscription.close();
        cancel();
    }

    @Override
    public String toString() {
        return "CmdImageSetController[" + current + (isCancelled() ? ", cancelled" : "") + "]";
    }

    /** Configures a {@link CmdImageSetController}. */
    public static final class Builder {
        private final CmdImageControllers.Builder controllers;
        private final Map<String, CmdImageStatus> notBuilt = new LinkedHashMap<>();

        private Builder(CmdImageControllers.Builder controllers) {
            this.controllers = Objects.requireNonNull(controllers, "controllers");
        }

        /**
         * The CmdImage of that name is never applied nor built: it shows {@code status} (a {@code completed} one
         * with an error), e.g. because what it needs is known to be unusable. The CmdImages that need its ImageMap
         * never start.
         *
         * @throws IllegalArgumentException when {@code status} is not {@code completed} with an error
         */
        public Builder notBuilt(String name, CmdImageStatus status) {
            Objects.requireNonNull(name, "name");
            if (!status.isFailed()) {
                throw new IllegalArgumentException("the status of a CmdImage that is not built must be completed"
                        + " with an error: " + status);
            }
            notBuilt.put(name, status);
            return this;
        }

        /** A new set controller, holding nothing yet; sets the base directories of {@code controllers}. */
        public CmdImageSetController build() {
            return new CmdImageSetController(this);
        }
    }
}

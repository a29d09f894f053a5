package dev.cmdimage.core.internal.controller;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the controller does about one CmdImage, decided from a {@link Snapshot} of what it knows: a pure function,
 * with no lock, thread or clock of its own (the controller's loop takes the snapshot and applies the actions).
 *
 * <ol>
 *   <li>a member of a dependency cycle is {@code completed} with the cycle as its error, and its build in flight
 *       is cancelled;</li>
 *   <li>a missing named cluster, a cluster with an error, a missing ImageMap, an ImageMap without an image, or an
 *       ImageMap whose producing CmdImage is in flux makes it {@code waiting} for exactly that (a build in flight
 *       is cancelled only when its spec is outdated);</li>
 *   <li>otherwise its {@link Inputs} are compared with those of the build in flight (the same: nothing to do;
 *       only a new rebuild request: queue one build after it; different: cancel it) and of the last build that
 *       ended (the same: show that build's result again; different: queue a build, the reason saying what changed
 *       since the last build started).</li>
 * </ol>
 */
final class Decisions {
    private Decisions() {}

    /**
     * Everything the decision about one CmdImage depends on.
     *
     * @param spec          the CmdImage's spec
     * @param cycleError    the error when it is on a dependency cycle, or {@code null}
     * @param cluster       the cluster its {@code spec.cluster} names (or {@code default}), or {@code null}
     * @param maps          each distinct ImageMap of {@code spec.imageMaps}, in spec order
     * @param run           the build in flight, or {@code null}
     * @param builtInputs   the inputs of the last build that ended (not cancelled), or {@code null}
     * @param lastResult    the final status of that build, or {@code null}
     * @param startedInputs the inputs of the last build started, or {@code null}
     * @param queuedInputs  the inputs of the build waiting for a slot, or {@code null} when none waits
     * @param status        the status it shows now
     * @param rebuild       the last request to rebuild it (file changes, a trigger)
     */
    record Snapshot(CmdImageSpec spec, String cycleError, Cluster cluster, List<MapState> maps, RunState run,
            Inputs builtInputs, CmdImageStatus lastResult, Inputs startedInputs, Inputs queuedInputs,
            CmdImageStatus status, Inputs.Rebuild rebuild) {
        Snapshot {
            Objects.requireNonNull(spec, "spec");
            maps = List.copyOf(maps);
            Objects.requireNonNull(status, "status");
            rebuild = rebuild == null ? Inputs.Rebuild.NONE : rebuild;
        }

        /** A snapshot without a rebuild request. */
        Snapshot(CmdImageSpec spec, String cycleError, Cluster cluster, List<MapState> maps, RunState run,
                Inputs builtInputs, CmdImageStatus lastResult, Inputs startedInputs, Inputs queuedInputs,
                CmdImageStatus status) {
            this(spec, cycleError, cluster, maps, run, builtInputs, lastResult, startedInputs, queuedInputs, status,
                    Inputs.Rebuild.NONE);
        }

        boolean queued() {
            return queuedInputs != null;
        }
    }

    /**
     * One ImageMap a CmdImage depends on.
     *
     * @param name           its name
     * @param map            the ImageMap, or {@code null} when there is none
     * @param producerInFlux whether the CmdImage of that name (another one, not on a cycle) is building, queued,
     *                       or waiting on a producer that is
     */
    record MapState(String name, ImageMap map, boolean producerInFlux) {}

    /**
     * The build in flight.
     *
     * @param inputs    what it builds
     * @param cancelled whether the controller no longer wants its result
     */
    record RunState(Inputs inputs, boolean cancelled) {}

    /** Something the controller does. */
    sealed interface Action permits CancelRun, Dequeue, ShowStatus, Fail, Enqueue {}

    /** Cancel the build in flight. */
    record CancelRun() implements Action {}

    /** Take the queued build out of the queue. */
    record Dequeue() implements Action {}

    /** Show this status (nothing happens when it is the one shown). */
    record ShowStatus(CmdImageStatus status) implements Action {}

    /** Show {@code completed} with this error, finished now. */
    record Fail(String error) implements Action {}

    /** Queue a build of these inputs, for this reason (replacing the one queued). */
    record Enqueue(Inputs inputs, String reason) implements Action {}

    /**
     * The decision.
     *
     * @param actions         what to do, in order
     * @param waitsOnProducer whether an ImageMap it depends on comes from a CmdImage in flux
     */
    record Decision(List<Action> actions, boolean waitsOnProducer) {
        Decision {
            actions = List.copyOf(actions);
        }
    }

    /** What to do about the CmdImage of {@code s}. */
    static Decision decide(Snapshot s) {
        List<Action> actions = new ArrayList<>();
        boolean runLive = s.run() != null && !s.run().cancelled();
        if (s.cycleError() != null) {
            if (s.queued()) {
                actions.add(new Dequeue());
            }
            if (runLive) {
                actions.add(new CancelRun());
            }
            Optional<CmdImageStatus.Completed> c = s.status().completedState();
            if (c.isEmpty() || !s.cycleError().equals(c.get().error())) {
                actions.add(new Fail(s.cycleError()));
            }
            return new Decision(actions, false);
        }

        CmdImageSpec spec = s.spec();
        List<String> waitingFor = new ArrayList<>();
        boolean producerInFlux = false;
        Cluster cluster = s.cluster();
        if (cluster == null) {
            if (spec.cluster() != null && !CmdImageSpec.DEFAULT_CLUSTER.equals(spec.cluster())) {
                waitingFor.add("cluster " + spec.cluster());
            }
        } else if (cluster.status().error() != null) {
            waitingFor.add("cluster " + cluster.name() + ": " + cluster.status().error());
        }
        List<Inputs.MapImage> mapImages = new ArrayList<>();
        for (MapState m : s.maps()) {
            producerInFlux |= m.producerInFlux();
            if (m.map() == null || !m.map().isReady() || m.producerInFlux()) {
                waitingFor.add("image map " + m.name());
            } else {
                mapImages.add(Inputs.MapImage.of(m.map()));
            }
        }

        if (!waitingFor.isEmpty()) {
            if (s.queued()) {
                actions.add(new Dequeue());
            }
            boolean outdated = runLive && !s.run().inputs().spec().equals(spec);
            if (outdated) {
                actions.add(new CancelRun()); // its spec is outdated whatever the dependencies do
            }
            if (s.run() == null || s.run().cancelled() || outdated) {
                actions.add(new ShowStatus(CmdImageStatus.waiting("waiting for " + String.join(", ", waitingFor))));
            }
            return new Decision(actions, producerInFlux);
        }

        Inputs inputs = new Inputs(spec, Inputs.ClusterKey.of(cluster), mapImages, s.rebuild());
        if (runLive) {
            if (s.run().inputs().equals(inputs)) {
                if (s.queued()) {
                    actions.add(new Dequeue());
                }
                return new Decision(actions, producerInFlux);
            }
            if (inputs.onlyRebuildDiffers(s.run().inputs())) {
                // files changed (or a trigger) during the build: one rebuild after it, never a cancel
                if (!s.queued() || !inputs.equals(s.queuedInputs())) {
                    actions.add(new Enqueue(inputs, inputs.reasonSince(s.run().inputs())));
                }
                return new Decision(actions, producerInFlux);
            }
            actions.add(new CancelRun());
        }
        if (inputs.equals(s.builtInputs())) {
            if (s.queued()) {
                actions.add(new Dequeue());
            }
            if (s.lastResult() != null) {
                actions.add(new ShowStatus(s.lastResult()));
            }
            return new Decision(actions, producerInFlux);
        }
        if (!s.queued() || !inputs.equals(s.queuedInputs())) {
            // the reason names what changed since the build the user last saw start (a cancelled one included)
            actions.add(new Enqueue(inputs, inputs.reasonSince(s.startedInputs())));
        }
        return new Decision(actions, producerInFlux);
    }
}

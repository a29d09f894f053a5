package dev.cmdimage.core.internal.controller;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.internal.controller.Decisions.Action;
import dev.cmdimage.core.internal.controller.Decisions.CancelRun;
import dev.cmdimage.core.internal.controller.Decisions.Decision;
import dev.cmdimage.core.internal.controller.Decisions.Dequeue;
import dev.cmdimage.core.internal.controller.Decisions.Enqueue;
import dev.cmdimage.core.internal.controller.Decisions.Fail;
import dev.cmdimage.core.internal.controller.Decisions.MapState;
import dev.cmdimage.core.internal.controller.Decisions.RunState;
import dev.cmdimage.core.internal.controller.Decisions.ShowStatus;
import dev.cmdimage.core.internal.controller.Decisions.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The controller's decision table, as a pure function: no controller, no thread, no clock. */
class DecisionsTest {
    private static final MicroTime T = MicroTime.of(Instant.parse("2026-11-29T10:00:00Z"));
    private static final String CYCLE = "dependency cycle: app -> base -> app; each CmdImage waits for the image map"
            + " of the next one, so none of them can build";

    private final CmdImageSpec spec = CmdImageSpec.builder().ref("app").args("true").imageMaps("base").build();
    private final ImageMap baseV1 = ready("base", "base:v1");
    private final Inputs inputsV1 = new Inputs(spec, Inputs.ClusterKey.NONE, List.of(Inputs.MapImage.of(baseV1)));

    /** A snapshot to vary: nothing built, nothing running, nothing queued, status empty, base ready. */
    private final class S {
        CmdImageSpec spec = DecisionsTest.this.spec;
        String cycleError;
        Cluster cluster;
        List<MapState> maps = new ArrayList<>(List.of(new MapState("base", baseV1, false)));
        RunState run;
        Inputs built;
        CmdImageStatus lastResult;
        Inputs started;
        Inputs queued;
        CmdImageStatus status = CmdImageStatus.EMPTY;
        Inputs.Rebuild rebuild = Inputs.Rebuild.NONE;

        Decision decide() {
            return Decisions.decide(new Snapshot(spec, cycleError, cluster, maps, run, built, lastResult, started,
                    queued, status, rebuild));
        }
    }

    private static ImageMap ready(String name, String image) {
        return new ImageMap(ObjectMeta.named(name), new ImageMap.Spec(name, false, false, null),
                ImageMap.Status.of(image));
    }

    private static List<Action> actions(S s) {
        return s.decide().actions();
    }

    private static ShowStatus waiting(String reason) {
        return new ShowStatus(CmdImageStatus.waiting(reason));
    }

    // ------------------------------------------------------------------ cycles

    @Test
    void aCycleMemberIsDequeuedItsBuildCancelledAndItFailsWithTheCycle() {
        S s = new S();
        s.cycleError = CYCLE;
        s.queued = inputsV1;
        s.run = new RunState(inputsV1, false);

        Decision d = s.decide();

        assertThat(d.actions()).containsExactly(new Dequeue(), new CancelRun(), new Fail(CYCLE));
        assertThat(d.waitsOnProducer()).isFalse();
    }

    @Test
    void aCycleAlreadyShownIsNotShownAgainAndACancelledBuildIsNotCancelledTwice() {
        S s = new S();
        s.cycleError = CYCLE;
        s.run = new RunState(inputsV1, true);
        s.status = CmdImageStatus.failed(CYCLE, null, null, T);

        assertThat(actions(s)).isEmpty();
    }

    // ------------------------------------------------------------------ waiting

    @Test
    void waitsForANamedClusterThatIsMissingButNotForAMissingDefaultOne() {
        S named = new S();
        named.spec = spec.toBuilder().cluster("prod").build();
        S unnamed = new S();

        assertThat(actions(named)).containsExactly(waiting("waiting for cluster prod"));
        assertThat(actions(unnamed)).containsExactly(new Enqueue(inputsV1, "build requested"));
    }

    @Test
    void waitsForAClusterWithAnError() {
        S s = new S();
        s.cluster = new Cluster(ObjectMeta.named("default"), Cluster.Spec.EMPTY,
                new Cluster.Status(null, null, "connection refused", null));

        assertThat(actions(s)).containsExactly(waiting("waiting for cluster default: connection refused"));
    }

    @Test
    void waitsForEveryImageMapThatIsMissingHasNoImageOrWhoseProducerIsInFlux() {
        S s = new S();
        s.spec = spec.toBuilder().imageMaps("gone", "empty", "busy", "base").build();
        s.maps = List.of(new MapState("gone", null, false), new MapState("empty", ImageMap.of("empty", "empty"), false),
                new MapState("busy", ready("busy", "busy:v1"), true), new MapState("base", baseV1, false));
        s.queued = inputsV1;

        Decision d = s.decide();

        assertThat(d.actions()).containsExactly(new Dequeue(),
                waiting("waiting for image map gone, image map empty, image map busy"));
        assertThat(d.waitsOnProducer()).isTrue();
    }

    @Test
    void aBuildInFlightIsLeftAloneWhenADependencyMerelyBecomesNotReady() {
        S s = new S();
        s.run = new RunState(inputsV1, false);
        s.maps = List.of(new MapState("base", null, false));

        assertThat(actions(s)).isEmpty(); // it keeps showing building, and ends on its own
    }

    @Test
    void aBuildInFlightWithAnOutdatedSpecIsCancelledWhileWaiting() {
        S s = new S();
        s.spec = spec.toBuilder().args("false").build();
        s.run = new RunState(inputsV1, false);
        s.maps = List.of(new MapState("base", null, false));

        assertThat(actions(s)).containsExactly(new CancelRun(), waiting("waiting for image map base"));
    }

    // ------------------------------------------------------------------ ready

    @Test
    void aBuildInFlightOfTheSameInputsIsKept() {
        S s = new S();
        s.run = new RunState(inputsV1, false);

        assertThat(actions(s)).isEmpty();
        assertThat(s.decide().waitsOnProducer()).isFalse();
    }

    @Test
    void aBuildInFlightOfOtherInputsIsCancelledAndTheNewOneQueuedSayingWhatChanged() {
        S s = new S();
        ImageMap baseV2 = ready("base", "base:v2");
        s.maps = List.of(new MapState("base", baseV2, false));
        s.run = new RunState(inputsV1, false);
        s.started = inputsV1;
        Inputs inputsV2 = new Inputs(spec, Inputs.ClusterKey.NONE, List.of(Inputs.MapImage.of(baseV2)));

        assertThat(actions(s)).containsExactly(new CancelRun(), new Enqueue(inputsV2, "image map base changed"));
    }

    @Test
    void inputsAlreadyBuiltShowThatBuildsResultAgain() {
        S s = new S();
        CmdImageStatus done = CmdImageStatus.succeeded("app:tilt-0123456789abcdef", "build requested", T, T);
        s.built = inputsV1;
        s.started = inputsV1;
        s.lastResult = done;
        s.status = CmdImageStatus.waiting("waiting for image map base");

        assertThat(actions(s)).containsExactly(new ShowStatus(done));
    }

    @Test
    void newInputsAreQueuedOnceWithTheReasonSinceTheLastBuildStarted() {
        S first = new S();
        S changed = new S();
        changed.spec = spec.toBuilder().args("false").build();
        changed.started = inputsV1;
        changed.built = inputsV1;
        Inputs changedInputs = new Inputs(changed.spec, Inputs.ClusterKey.NONE, List.of(Inputs.MapImage.of(baseV1)));
        S alreadyQueued = new S();
        alreadyQueued.queued = inputsV1;

        assertThat(actions(first)).containsExactly(new Enqueue(inputsV1, "build requested"));
        assertThat(actions(changed)).containsExactly(new Enqueue(changedInputs, "spec changed"));
        assertThat(actions(alreadyQueued)).isEmpty();
    }

    @Test
    void aNewRegistryOfTheClusterIsAChange() {
        S s = new S();
        s.cluster = Cluster.of("default", RegistryHosting.of("localhost:5000"), "amd64");
        s.built = inputsV1;
        s.started = inputsV1;

        List<Action> actions = actions(s);

        assertThat(actions).hasSize(1).first().isInstanceOfSatisfying(Enqueue.class,
                e -> assertThat(e.reason()).isEqualTo("cluster default changed"));
    }

    // ---- rebuild requests (file changes, trigger) ----

    private Inputs withRebuild(Inputs in, Inputs.Rebuild r) {
        return new Inputs(in.spec(), in.cluster(), in.maps(), r);
    }

    @Test
    void aRebuildRequestAfterABuildQueuesOneWithItsReason() {
        S s = new S();
        s.built = inputsV1;
        s.started = inputsV1;
        s.lastResult = CmdImageStatus.succeeded("app:1", "build requested", T, T);
        s.rebuild = Inputs.Rebuild.NONE.next("files changed: src/a.txt");

        assertThat(s.decide().actions()).containsExactly(
                new Enqueue(withRebuild(inputsV1, s.rebuild), "files changed: src/a.txt"));
    }

    @Test
    void aRebuildRequestDuringABuildQueuesOneAfterItAndCancelsNothing() {
        S s = new S();
        s.run = new RunState(inputsV1, false);
        s.started = inputsV1;
        s.rebuild = Inputs.Rebuild.NONE.next("files changed: a").next("files changed: b");

        Inputs next = withRebuild(inputsV1, s.rebuild);
        assertThat(s.decide().actions()).containsExactly(new Enqueue(next, "files changed: b"));
        s.queued = next;
        assertThat(s.decide().actions()).as("already queued: nothing more").isEmpty();
    }

    @Test
    void aSpecChangeStillCancelsAndSaysSoWhateverTheRebuildRequests() {
        S s = new S();
        s.run = new RunState(inputsV1, false);
        s.started = inputsV1;
        s.spec = spec.toBuilder().args("false").build();
        s.rebuild = Inputs.Rebuild.NONE.next("triggered");

        List<Action> actions = s.decide().actions();
        assertThat(actions).hasSize(2);
        assertThat(actions.get(0)).isEqualTo(new CancelRun());
        assertThat(((Enqueue) actions.get(1)).reason()).isEqualTo("spec changed");
    }
}

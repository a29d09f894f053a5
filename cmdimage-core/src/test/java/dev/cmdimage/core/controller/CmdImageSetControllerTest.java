package dev.cmdimage.core.controller;

import static dev.cmdimage.core.controller.CmdImageControllerTest.cmd;
import static dev.cmdimage.core.controller.CmdImageControllerTest.map;
import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.CmdImageSet;
import dev.cmdimage.core.CmdImageSetController;
import dev.cmdimage.core.CmdImageSetResult;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** How a {@link CmdImageSetController} brings its controller from one version of a set to the next. */
class CmdImageSetControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(30);

    private final ScriptedBuilder builder = new ScriptedBuilder();
    private final ChangeRecorder recorder = new ChangeRecorder();
    private CmdImageSetController sets;

    private CmdImageSetController sets() {
        return sets(CmdImageSetController.builder(CmdImageControllers.builder(builder)));
    }

    private CmdImageSetController sets(CmdImageSetController.Builder b) {
        sets = b.build();
        sets.controller().subscribe(recorder);
        return sets;
    }

    @AfterEach
    void close() {
        if (sets != null) {
            sets.close();
        }
    }

    private static CmdImageSet set(ApiObject... objects) throws Exception {
        return CmdImageSet.of(Path.of("/w"), List.of(objects));
    }

    private void idle() throws InterruptedException {
        assertThat(sets.controller().awaitIdle(WAIT)).as("controller became idle").isTrue();
    }

    private List<String> held() {
        return sets.controller().objects().stream().map(o -> o.kind() + "/" + o.name()).toList();
    }

    @Test
    void theFirstSyncAppliesEverythingIncludingTheCreatedImageMaps() throws Exception {
        sets().sync(set(cmd("app")));
        idle();

        assertThat(held()).containsExactly("CmdImage/app", "ImageMap/app");
        assertThat(sets.result().outcome("app").orElseThrow().succeeded()).isTrue();
    }

    @Test
    void anImageMapABuildFilledKeepsItsImageWhenTheSetIsSyncedAgain() throws Exception {
        sets().sync(set(cmd("app")));
        idle();
        ImageMap built = sets.controller().imageMap("app").orElseThrow();
        assertThat(built.status().image()).isNotNull();
        builder.block("app");

        sets.sync(set(CmdImage.of("app", CmdImageControllerTest.spec("app").args("sh", "-c", "other").build())));

        assertThat(sets.controller().imageMap("app")).contains(built);
        builder.awaitBuild("app", 1).succeed();
        idle();
    }

    @Test
    void aGivenImageMapIsAppliedAsTheSetStatesIt() throws Exception {
        sets().sync(set(map("base", "base:v1")));
        sets.sync(set(map("base", "base:v2")));
        idle();

        assertThat(sets.controller().imageMap("base").orElseThrow().status().image()).isEqualTo("base:v2");
    }

    @Test
    void objectsRemovedFromTheSetAreDeletedWithTheImageMapsCreatedForThem() throws Exception {
        sets().sync(set(cmd("app"), cmd("gone"), Cluster.of("default", null, null)));
        idle();

        sets.sync(set(cmd("app")));
        idle();

        assertThat(held()).containsExactly("CmdImage/app", "ImageMap/app");
        assertThat(recorder.changes()).filteredOn(ChangeRecorder.Change::deleted)
                .extracting(c -> c.object().kind() + "/" + c.object().name())
                .containsExactlyInAnyOrder("CmdImage/gone", "ImageMap/gone", "Cluster/default");
    }

    @Test
    void eachCmdImageBuildsInTheDirectoryOfItsSource() throws Exception {
        CmdImageSet set = CmdImageSet.builder()
                .objects("a.yaml", Path.of("/a"), List.of(cmd("first")))
                .objects("b.yaml", Path.of("/b"), List.of(cmd("second")))
                .build();

        sets().sync(set);
        idle();

        assertThat(builder.builds("first").get(0).request.baseDirectory()).isEqualTo(Path.of("/a"));
        assertThat(builder.builds("second").get(0).request.baseDirectory()).isEqualTo(Path.of("/b"));
    }

    @Test
    void aSyncAfterTheControllerWasClosedEndsTheRunAsCancelledInsteadOfThrowing() throws Exception {
        // what SIGTERM does to the command line while it is still applying: its hook closes the controller
        sets();
        sets.controller().close();

        sets.sync(set(cmd("app"), cmd("next", "app")));

        assertThat(sets.isCancelled()).isTrue();
        CmdImageSetResult result = sets.result();
        assertThat(result.cancelled()).isTrue();
        assertThat(result.outcomes()).hasSize(2).allSatisfy(o -> {
            assertThat(o.status().completedState().orElseThrow().error()).isEqualTo("build cancelled");
            assertThat(o.failure()).get().isInstanceOf(BuildCancelledException.class);
        });
    }

    @Test
    void cancellingEndsEveryUnfinishedCmdImageAsCancelled() throws Exception {
        builder.block("app");
        sets().sync(set(cmd("app"), cmd("next", "app")));
        builder.awaitBuild("app", 0);

        sets.cancel();

        CmdImageSetResult result = sets.result();
        assertThat(result.outcomes()).extracting(o -> o.name() + ": " + o.status().completedState().orElseThrow().error())
                .containsExactly("app: build cancelled", "next: build cancelled");
        sets.sync(set(cmd("other")));
        assertThat(sets.controller().cmdImage("other")).isEmpty();
        assertThat(sets.result().outcomes()).extracting(o -> o.name() + ": " + o.failure().orElseThrow().getMessage())
                .containsExactly("other: build cancelled");
    }

    @Test
    void aCmdImageNotBuiltShowsItsStatusAndIsNeverApplied() throws Exception {
        MicroTime t = MicroTime.of(Instant.parse("2026-11-29T10:00:00Z"));
        CmdImageStatus down = CmdImageStatus.failed("the image store does not answer", null, t, t);
        sets(CmdImageSetController.builder(CmdImageControllers.builder(builder)).notBuilt("app", down));

        sets.sync(set(cmd("app"), cmd("next", "app")));
        idle();

        assertThat(held()).doesNotContain("CmdImage/app").contains("ImageMap/app", "CmdImage/next");
        CmdImageSetResult result = sets.result();
        assertThat(result.outcome("app").orElseThrow().status()).isSameAs(down);
        assertThat(result.outcome("app").get().failure()).get().extracting(Throwable::getMessage)
                .isEqualTo("the image store does not answer");
        assertThat(result.outcome("next").orElseThrow().status().completedState().orElseThrow().error())
                .isEqualTo("never started: still waiting for image map app when nothing else could be built");
        assertThat(builder.builds()).isEmpty();
    }

    @Test
    void theResultKeepsTheOrderOfTheSetAndListsThenAppendsTheCreatedImageMaps() throws Exception {
        sets().sync(set(cmd("z"), dev.cmdimage.api.CmdImageList.of(List.of(cmd("x"))), map("m", "m:v1")));
        idle();

        CmdImageSetResult result = sets.result();

        assertThat(result.objects()).extracting(o -> o.kind() + "/" + o.name())
                .containsExactly("CmdImage/z", "CmdImageList/null", "ImageMap/m", "ImageMap/z", "ImageMap/x");
        CmdImage x = ((dev.cmdimage.api.CmdImageList) result.objects().get(1)).items().get(0);
        assertThat(x.status().isSucceeded()).isTrue();
        assertThat(((ImageMap) result.objects().get(4)).status().image()).isEqualTo(x.status().ref());
    }

    @Test
    void theControllerKeepsTheExceptionTheLastBuildEndedWithUntilABuildSucceeds() throws Exception {
        builder.fail("app", "Custom build \"sh -c build app\" failed: exit status 3");
        sets().sync(set(cmd("app")));
        idle();
        java.util.Optional<dev.cmdimage.api.CmdImageException> failure = sets.controller().lastFailure("app");

        assertThat(failure).get().extracting(Throwable::getMessage)
                .isEqualTo("Custom build \"sh -c build app\" failed: exit status 3");
        assertThat(sets.result().outcome("app").orElseThrow().failure()).isEqualTo(failure);

        builder.fail("app", null);
        sets.sync(set(CmdImage.of("app", CmdImageControllerTest.spec("app").args("sh", "-c", "fixed").build())));
        idle();

        assertThat(sets.controller().lastFailure("app")).isEmpty();
        assertThat(sets.controller().lastFailure("nope")).isEmpty();
    }
}

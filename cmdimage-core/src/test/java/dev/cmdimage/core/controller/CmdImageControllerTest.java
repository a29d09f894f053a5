package dev.cmdimage.core.controller;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildListener;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.CmdImageControllers;
import dev.cmdimage.core.controller.ScriptedBuilder.FakeBuild;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The controller's rules (BEHAVIOUR.md section 6), against a scripted fake builder. */
class CmdImageControllerTest {
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final ScriptedBuilder builder = new ScriptedBuilder();
    private final ChangeRecorder recorder = new ChangeRecorder();
    private final List<CmdImageController> controllers = new ArrayList<>();

    @AfterEach
    void closeControllers() throws InterruptedException {
        builder.endCancelsPromptly(); // a test that failed half-way must not hang here
        for (CmdImageController c : controllers) {
            Thread closer = new Thread(c::close, "closer");
            closer.setDaemon(true);
            closer.start();
            closer.join(WAIT.toMillis());
            assertThat(closer.isAlive()).as("close() still waiting: %s, builds %s", c, builder.builds()).isFalse();
        }
        assertThat(builder.overlaps()).as("CmdImages with two builds side by side").isEmpty();
    }

    private CmdImageController controller() {
        return controller(CmdImageControllers.builder(builder).maxParallelBuilds(4));
    }

    private CmdImageController controller(CmdImageControllers.Builder b) {
        CmdImageController c = b.build();
        c.subscribe(recorder);
        controllers.add(c);
        return c;
    }

    static CmdImage cmd(String name, String... maps) {
        return CmdImage.of(name, spec(name, maps).build());
    }

    static CmdImageSpec.Builder spec(String name, String... maps) {
        return CmdImageSpec.builder().ref("example.com/" + name).args("sh", "-c", "build " + name)
                .imageMaps(maps).outputMode(CmdImageSpec.OUTPUT_MODE_REMOTE);
    }

    static ImageMap map(String name, String image) {
        return new ImageMap(ObjectMeta.named(name), new ImageMap.Spec(name, false, false, null),
                ImageMap.Status.of(image));
    }

    static Cluster cluster(String name, String registry, String arch) {
        return Cluster.of(name, registry == null ? null : RegistryHosting.of(registry), arch);
    }

    static Cluster brokenCluster(String name, String error) {
        return new Cluster(ObjectMeta.named(name), Cluster.Spec.EMPTY,
                new Cluster.Status(null, null, error, null));
    }

    private static void idle(CmdImageController c) throws InterruptedException {
        assertThat(c.awaitIdle(WAIT)).as("controller became idle").isTrue();
    }

    private static CmdImageStatus status(CmdImageController c, String name) {
        return c.cmdImage(name).orElseThrow().status();
    }

    private static String describe(CmdImageController c, String name) {
        return ChangeRecorder.describe(status(c, name));
    }

    // ------------------------------------------------------------------ waiting

    @Test
    void waitsForAMissingImageMapAndBuildsWhenItArrives() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("app", "base"));
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for image map base");
        assertThat(builder.builds()).isEmpty();

        c.apply(ImageMap.of("base", "base")); // an ImageMap without an image is not ready either
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for image map base");
        assertThat(builder.builds()).isEmpty();

        c.apply(map("base", "registry.example/base:v1"));
        idle(c);
        FakeBuild b = builder.builds("app").get(0);
        assertThat(b.request.reason()).isEqualTo("build requested");
        assertThat(b.mapImage("base")).isEqualTo("registry.example/base:v1");
        assertThat(status(c, "app").isSucceeded()).isTrue();
        assertThat(recorder.statuses("app")).containsExactly(
                "empty", "waiting: waiting for image map base", "building: build requested",
                "completed: " + status(c, "app").ref());
    }

    @Test
    void waitingNamesEverythingMissing() throws Exception {
        CmdImageController c = controller();
        c.apply(CmdImage.of("app", spec("app", "a", "b").cluster("k8s").build()));
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for cluster k8s, image map a, image map b");
        c.apply(map("a", "a:1"));
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for cluster k8s, image map b");
    }

    @Test
    void waitsForANamedClusterAndForAClusterWithAnError() throws Exception {
        CmdImageController c = controller();
        c.apply(CmdImage.of("app", spec("app").cluster("k8s").build()));
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for cluster k8s");

        c.apply(brokenCluster("k8s", "connection refused"));
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for cluster k8s: connection refused");
        assertThat(builder.builds()).isEmpty();

        c.apply(cluster("k8s", "localhost:5000", "arm64"));
        idle(c);
        FakeBuild b = builder.builds("app").get(0);
        assertThat(b.request.cluster().status().registry().host()).isEqualTo("localhost:5000");
        assertThat(status(c, "app").isSucceeded()).isTrue();
    }

    @Test
    void theDefaultClusterIsUsedWhenPresentAndBuildsGoWithoutOneOtherwise() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("lonely"));
        idle(c);
        assertThat(builder.builds("lonely").get(0).request.cluster()).isNull();

        c.apply(brokenCluster("default", "no kubeconfig"));
        c.apply(cmd("app"));
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for cluster default: no kubeconfig");

        c.apply(cluster("default", "localhost:5000", "amd64"));
        idle(c);
        assertThat(builder.builds("app").get(0).request.cluster().name()).isEqualTo("default");
        // lonely built without a cluster; the default cluster now has a registry: that is a change for it
        assertThat(builder.builds("lonely")).hasSize(2);
        assertThat(builder.builds("lonely").get(1).request.reason()).isEqualTo("cluster default changed");
    }

    // ------------------------------------------------------------------ what triggers a build

    @Test
    void anUnchangedReapplyBuildsNothing() throws Exception {
        CmdImageController c = controller();
        c.apply(map("base", "base:1"));
        c.apply(cluster("default", "localhost:5000", "amd64"));
        c.apply(cmd("app", "base"));
        idle(c);
        assertThat(builder.builds()).hasSize(1);
        recorder.clear();

        c.apply(map("base", "base:1"));
        c.apply(cluster("default", "localhost:5000", "amd64"));
        c.apply(cmd("app", "base"));
        // a status in the applied object is ignored: the controller owns it
        c.apply(cmd("app", "base").withStatus(CmdImageStatus.waiting("something else")));
        // an ImageMap whose spec changes but whose image does not is no change for the build
        c.apply(new ImageMap(ObjectMeta.named("base"), new ImageMap.Spec("other", true, false, null),
                ImageMap.Status.of("base:1")));
        // nor is a new buildStartTime for the same image
        c.apply(new ImageMap(ObjectMeta.named("base"), new ImageMap.Spec("other", true, false, null),
                new ImageMap.Status("base:1", "base:1", "base:1", MicroTime.of(Instant.now()))));
        // nor a cluster the CmdImage does not use
        c.apply(cluster("other", "elsewhere:5000", "arm64"));
        idle(c);
        assertThat(builder.builds()).hasSize(1);
        assertThat(recorder.of("CmdImage", "app")).isEmpty();
        assertThat(status(c, "app").isSucceeded()).isTrue();
    }

    @Test
    void aSpecChangeRebuilds() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("app"));
        idle(c);
        c.apply(CmdImage.of("app", spec("app").args("make", "image").build()));
        idle(c);
        assertThat(builder.builds("app")).extracting(b -> b.request.reason())
                .containsExactly("build requested", "spec changed");
        assertThat(builder.builds("app").get(1).request.cmdImage().spec().args()).containsExactly("make", "image");
        // metadata alone is not the spec
        c.apply(new CmdImage(new ObjectMeta("app", null, Map.of("team", "a"), null, null, null, null, null),
                spec("app").args("make", "image").build(), null));
        idle(c);
        assertThat(builder.builds("app")).hasSize(2);
        assertThat(c.cmdImage("app").orElseThrow().metadata().labels()).containsEntry("team", "a");
    }

    @Test
    void aNewImageInADependencyRebuildsButTheSameImageDoesNot() throws Exception {
        CmdImageController c = controller();
        c.apply(map("base", "base:1"));
        c.apply(cmd("app", "base"));
        idle(c);
        c.apply(map("base", "base:2"));
        idle(c);
        assertThat(builder.builds("app")).extracting(b -> b.request.reason())
                .containsExactly("build requested", "image map base changed");
        assertThat(builder.builds("app").get(1).mapImage("base")).isEqualTo("base:2");
        assertThat(builder.builds("app").get(1).request.imageMaps()).containsOnlyKeys("base");
    }

    @Test
    void aClusterRegistryOrArchChangeRebuilds() throws Exception {
        CmdImageController c = controller();
        c.apply(cluster("default", "localhost:5000", "amd64"));
        c.apply(cmd("app"));
        idle(c);
        c.apply(cluster("default", "localhost:5001", "amd64"));
        idle(c);
        c.apply(cluster("default", "localhost:5001", "arm64"));
        idle(c);
        // an error makes it wait; the same registry and arch afterwards is no change: the last result stands
        c.apply(brokenCluster("default", "unreachable"));
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for cluster default: unreachable");
        c.apply(cluster("default", "localhost:5001", "arm64"));
        idle(c);
        assertThat(builder.builds("app")).extracting(b -> b.request.reason())
                .containsExactly("build requested", "cluster default changed", "cluster default changed");
        assertThat(status(c, "app").isSucceeded()).isTrue();
        assertThat(status(c, "app").ref()).isEqualTo(builder.builds("app").get(2).currentStatus().ref());
    }

    @Test
    void aFailedBuildIsNotRetriedUntilSomethingChanges() throws Exception {
        builder.fail("app", "Custom build \"make\" failed: exit status 2");
        CmdImageController c = controller();
        c.apply(cmd("app"));
        idle(c);
        assertThat(describe(c, "app")).isEqualTo("failed: Custom build \"make\" failed: exit status 2");
        c.apply(cmd("app"));
        idle(c);
        assertThat(builder.builds("app")).hasSize(1);
        builder.fail("app", null);
        c.apply(CmdImage.of("app", spec("app").addEnv("FIX", "1").build()));
        idle(c);
        assertThat(builder.builds("app")).hasSize(2);
        assertThat(status(c, "app").isSucceeded()).isTrue();
    }

    // ------------------------------------------------------------------ publishing and ordering

    @Test
    void aBuildPublishesToItsImageMapAndAFailureLeavesItAsItWas() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("base"));
        c.apply(cmd("app", "base"));
        idle(c);
        ImageMap published = c.imageMap("base").orElseThrow();
        String ref = status(c, "base").ref();
        assertThat(published.spec().selector()).isEqualTo("example.com/base");
        assertThat(published.status().image()).isEqualTo(ref);
        assertThat(published.status().imageFromLocal()).isEqualTo(ref);
        assertThat(builder.builds("app").get(0).mapImage("base")).isEqualTo(ref);
        assertThat(c.imageMap("app")).isPresent();

        builder.fail("base", "Custom build \"build base\" failed: exit status 1");
        c.apply(CmdImage.of("base", spec("base").args("false").build()));
        idle(c);
        assertThat(status(c, "base").isFailed()).isTrue();
        assertThat(c.imageMap("base").orElseThrow()).isEqualTo(published);
        assertThat(builder.builds("app")).hasSize(1);
        assertThat(status(c, "app").isSucceeded()).isTrue();
    }

    @Test
    void reapplyingAnImageMapWithoutStatusKeepsWhatTheBuildPublished() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("base"));
        c.apply(cmd("app", "base"));
        idle(c);
        ImageMap published = c.imageMap("base").orElseThrow();
        c.apply(ImageMap.of("base", "example.com/base")); // as a Tilt file declares it
        idle(c);
        assertThat(c.imageMap("base").orElseThrow().status()).isEqualTo(published.status());
        assertThat(builder.builds()).hasSize(2);
    }

    @Test
    void aDiamondBuildsInDependencyOrderAndTheTopOnce() throws Exception {
        CmdImageController c = controller();
        // applied top first, so that only the controller's ordering can get it right
        c.apply(cmd("top", "left", "right"));
        c.apply(cmd("left", "base"));
        c.apply(cmd("right", "base"));
        c.apply(cmd("base"));
        idle(c);
        assertThat(builder.builds()).hasSize(4);
        FakeBuild base = builder.builds("base").get(0);
        FakeBuild left = builder.builds("left").get(0);
        FakeBuild right = builder.builds("right").get(0);
        FakeBuild top = builder.builds("top").get(0);
        assertThat(builder.builds().get(0)).isSameAs(base);
        assertThat(builder.builds().get(3)).isSameAs(top);
        assertThat(left.mapImage("base")).isEqualTo(base.currentStatus().ref());
        assertThat(top.mapImage("left")).isEqualTo(left.currentStatus().ref());
        assertThat(top.mapImage("right")).isEqualTo(right.currentStatus().ref());
        // applied (no status yet), waiting for both, perhaps for the one that finished last, then built once
        List<String> topStatuses = recorder.statuses("top");
        assertThat(topStatuses.subList(0, 2)).containsExactly(
                "empty", "waiting: waiting for image map left, image map right");
        assertThat(topStatuses.subList(topStatuses.size() - 2, topStatuses.size())).containsExactly(
                "building: build requested", "completed: " + top.currentStatus().ref());
        assertThat(topStatuses).hasSizeBetween(4, 5);

        // a new base rebuilds exactly its dependents, each once, in order
        c.apply(CmdImage.of("base", spec("base").addEnv("V", "2").build()));
        idle(c);
        assertThat(builder.builds()).extracting(FakeBuild::name).containsExactly(
                "base", "left", "right", "top", "base", "left", "right", "top");
        assertThat(builder.builds("left").get(1).request.reason()).isEqualTo("image map base changed");
        assertThat(builder.builds("top").get(1).request.reason())
                .isEqualTo("image map left changed, image map right changed");
    }

    @Test
    void dependentsShowWaitingBuildingCompletedWhileARootRebuilds() throws Exception {
        builder.block("base");
        CmdImageController c = controller();
        c.apply(cmd("base"));
        c.apply(cmd("mid", "base"));
        c.apply(cmd("leaf", "mid"));
        builder.awaitBuild("base", 0).succeed();
        idle(c);
        recorder.clear();

        c.apply(CmdImage.of("base", spec("base").addEnv("V", "2").build()));
        FakeBuild second = builder.awaitBuild("base", 1);
        assertThat(c.awaitIdle(Duration.ofMillis(200))).isFalse();
        // while the root builds, every transitive dependent waits for it (rather than building with a stale image)
        assertThat(describe(c, "mid")).isEqualTo("waiting: waiting for image map base");
        assertThat(describe(c, "leaf")).isEqualTo("waiting: waiting for image map mid");
        second.succeed();
        idle(c);
        assertThat(recorder.statuses("mid")).containsExactly("waiting: waiting for image map base",
                "building: image map base changed", "completed: " + status(c, "mid").ref());
        assertThat(recorder.statuses("leaf")).containsExactly("waiting: waiting for image map mid",
                "building: image map mid changed", "completed: " + status(c, "leaf").ref());
    }

    @Test
    void whenARebuildProducesTheSameImageDependentsGoBackToTheirResult() throws Exception {
        builder.fixedRef("base", "example.com/base:same");
        CmdImageController c = controller();
        c.apply(cmd("base"));
        c.apply(cmd("app", "base"));
        idle(c);
        CmdImageStatus before = status(c, "app");
        c.apply(CmdImage.of("base", spec("base").addEnv("V", "2").build()));
        idle(c);
        assertThat(builder.builds("base")).hasSize(2);
        assertThat(builder.builds("app")).hasSize(1);
        assertThat(status(c, "app")).isEqualTo(before);
    }

    @Test
    void parallelBuildsAreBounded() throws Exception {
        CmdImageController c = controller(CmdImageControllers.builder(builder).maxParallelBuilds(3));
        for (int i = 0; i < 8; i++) {
            builder.block("img" + i);
            c.apply(cmd("img" + i));
        }
        for (int i = 0; i < 3; i++) {
            builder.awaitBuild("img" + i, 0);
        }
        assertThat(c.awaitIdle(Duration.ofMillis(200))).isFalse();
        assertThat(builder.builds()).hasSize(3);
        assertThat(describe(c, "img7")).isEqualTo("waiting: waiting for a build slot");
        builder.builds("img0").get(0).succeed();
        builder.awaitBuild("img3", 0);
        for (int i = 0; i < 8; i++) {
            builder.unblock("img" + i);
        }
        for (int i = 1; i < 8; i++) {
            builder.awaitBuild("img" + i, 0).succeed();
        }
        idle(c);
        assertThat(builder.maxRunning()).isEqualTo(3);
        for (int i = 0; i < 8; i++) {
            assertThat(status(c, "img" + i).isSucceeded()).isTrue();
        }
    }

    @Test
    void aLongChainBuildsInOrderWhateverOrderItIsAppliedIn() throws Exception {
        CmdImageController c = controller();
        int n = 3000; // deep enough that a recursive graph walk would overflow the stack
        for (int i = n - 1; i >= 0; i--) {
            c.apply(i == 0 ? cmd("c0") : cmd("c" + i, "c" + (i - 1)));
        }
        assertThat(c.awaitIdle(Duration.ofMinutes(2))).isTrue();
        List<FakeBuild> builds = builder.builds();
        assertThat(builds).hasSize(n);
        for (int i = 0; i < n; i++) {
            assertThat(builds.get(i).name()).isEqualTo("c" + i);
        }
        assertThat(builds.get(n - 1).mapImage("c" + (n - 2))).isEqualTo(status(c, "c" + (n - 2)).ref());
    }

    @Test
    void anImageMapTheCallerAppliedStaysWhenItsCmdImageIsDeleted() throws Exception {
        CmdImageController c = controller();
        c.apply(ImageMap.of("base", "example.com/base"));
        c.apply(cmd("base"));
        c.apply(cmd("app", "base"));
        idle(c);
        ImageMap published = c.imageMap("base").orElseThrow();
        assertThat(published.isReady()).isTrue();
        c.delete("CmdImage", "base");
        idle(c);
        assertThat(c.imageMap("base")).contains(published);
        assertThat(status(c, "app").isSucceeded()).isTrue();
        assertThat(builder.builds("app")).hasSize(1);
    }

    @Test
    void concurrentChangesSettleIntoAConsistentState() throws Exception {
        CmdImageController c = controller(CmdImageControllers.builder(builder).maxParallelBuilds(3));
        int layers = 4;
        int width = 6;
        java.util.Random shape = new java.util.Random(7);
        List<CmdImage> images = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int i = 0; i < width; i++) {
                List<String> deps = new ArrayList<>();
                deps.add(l == 0 ? "ext" + (i % 2) : "l" + (l - 1) + "n" + shape.nextInt(width));
                if (l > 0 && shape.nextBoolean()) {
                    deps.add("l" + (l - 1) + "n" + shape.nextInt(width));
                }
                images.add(cmd("l" + l + "n" + i, deps.toArray(String[]::new)));
            }
        }
        c.apply(map("ext0", "ext0:0"));
        c.apply(map("ext1", "ext1:0"));
        images.forEach(c::apply);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int seed = t;
            Thread thread = new Thread(() -> {
                java.util.Random r = new java.util.Random(seed);
                for (int k = 0; k < 40; k++) {
                    if (r.nextInt(4) == 0) {
                        c.apply(map("ext" + r.nextInt(2), "ext:" + seed + "-" + k));
                    } else {
                        CmdImage img = images.get(r.nextInt(images.size()));
                        c.apply(img.withSpec(img.spec().toBuilder().env(List.of("K=" + r.nextInt(3))).build()));
                    }
                    if (r.nextInt(5) == 0) {
                        Thread.yield();
                    }
                }
            });
            threads.add(thread);
            thread.start();
        }
        for (Thread t : threads) {
            t.join();
        }
        assertThat(c.awaitIdle(Duration.ofSeconds(60))).isTrue();
        assertThat(builder.maxRunning()).isLessThanOrEqualTo(3);
        for (CmdImage img : images) {
            CmdImage now = c.cmdImage(img.name()).orElseThrow();
            assertThat(now.status().isSucceeded()).as(img.name() + ": " + now.status()).isTrue();
            List<FakeBuild> of = builder.builds(img.name());
            FakeBuild last = of.get(of.size() - 1);
            // what is shown was built from the current spec and the current images of its dependencies
            assertThat(last.request.cmdImage().spec()).isEqualTo(now.spec());
            for (String m : now.spec().imageMaps()) {
                assertThat(last.mapImage(m)).as(img.name() + " built with " + m)
                        .isEqualTo(c.imageMap(m).orElseThrow().status().image());
            }
            assertThat(now.status().ref()).isEqualTo(last.currentStatus().ref());
            assertThat(c.imageMap(img.name()).orElseThrow().status().image()).isEqualTo(now.status().ref());
        }
    }

    // ------------------------------------------------------------------ cancellation

    @Test
    void anObsoleteBuildIsCancelledAndReplacedNeverSideBySide() throws Exception {
        builder.block("app").slowCancel("app");
        CmdImageController c = controller();
        c.apply(cmd("app"));
        FakeBuild first = builder.awaitBuild("app", 0);
        c.apply(CmdImage.of("app", spec("app").addEnv("V", "2").build()));
        assertThat(first.awaitCancelRequested(WAIT)).isTrue();
        // the old build has not ended yet (its processes are being killed): no second build may start
        assertThat(c.awaitIdle(Duration.ofMillis(300))).isFalse();
        assertThat(builder.builds("app")).hasSize(1);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for the cancelled build to end");

        c.apply(CmdImage.of("app", spec("app").addEnv("V", "3").build())); // a second change while cancelling
        first.finishCancel();
        FakeBuild replacement = builder.awaitBuild("app", 1);
        assertThat(replacement.request.cmdImage().spec().env()).containsExactly("V=3");
        assertThat(replacement.request.reason()).isEqualTo("spec changed");
        replacement.succeed();
        idle(c);
        assertThat(builder.builds("app")).hasSize(2);
        assertThat(status(c, "app").isSucceeded()).isTrue();
        assertThat(recorder.statuses("app")).doesNotContain("failed: build cancelled");
    }

    @Test
    void aChangeMidBuildReplacesTheBuildWithTheReasonOfTheChange() throws Exception {
        CmdImageController c = controller();
        c.apply(map("base", "base:1"));
        c.apply(cmd("app", "base"));
        idle(c);
        builder.block("app");
        c.apply(map("base", "base:2"));
        FakeBuild obsolete = builder.awaitBuild("app", 1);
        c.apply(map("base", "base:3"));
        assertThat(obsolete.awaitCancelRequested(WAIT)).isTrue();
        FakeBuild current = builder.awaitBuild("app", 2);
        assertThat(current.mapImage("base")).isEqualTo("base:3");
        assertThat(current.request.reason()).isEqualTo("image map base changed");
        current.succeed();
        idle(c);
        assertThat(builder.builds("app")).hasSize(3);
    }

    @Test
    void aDeletedCmdImagesBuildIsCancelledAndItsImageMapRemoved() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("base"));
        c.apply(cmd("app", "base"));
        idle(c);
        assertThat(c.imageMap("base")).isPresent();
        builder.block("base");
        c.apply(CmdImage.of("base", spec("base").addEnv("V", "2").build()));
        FakeBuild running = builder.awaitBuild("base", 1);

        c.delete("CmdImage", "base");
        assertThat(running.awaitCancelRequested(WAIT)).isTrue();
        idle(c);
        assertThat(running.ended()).isTrue();
        assertThat(c.cmdImage("base")).isEmpty();
        assertThat(c.imageMap("base")).isEmpty();
        assertThat(recorder.of("CmdImage", "base").get(recorder.of("CmdImage", "base").size() - 1).deleted())
                .isTrue();
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for image map base");
        c.delete("ImageMap", "nothing-by-that-name");
        assertThatThrownBy(() -> c.delete("Pod", "x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown kind \"Pod\"");
    }

    @Test
    void aCmdImageRecreatedWhileItsOldBuildEndsWaitsForIt() throws Exception {
        builder.block("app").slowCancel("app");
        CmdImageController c = controller();
        c.apply(cmd("app"));
        FakeBuild old = builder.awaitBuild("app", 0);
        c.delete("CmdImage", "app");
        assertThat(old.awaitCancelRequested(WAIT)).isTrue();
        builder.unblock("app");
        c.apply(cmd("app"));
        assertThat(c.awaitIdle(Duration.ofMillis(300))).isFalse();
        assertThat(builder.builds("app")).hasSize(1);
        assertThat(describe(c, "app")).isEqualTo("waiting: waiting for the cancelled build to end");
        old.finishCancel();
        idle(c);
        assertThat(builder.builds("app")).hasSize(2);
        assertThat(status(c, "app").isSucceeded()).isTrue();
    }

    // ------------------------------------------------------------------ cycles

    @Test
    void aCycleIsAnErrorOnEveryMemberAndTheRestBuilds() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("a", "b"));
        c.apply(cmd("b", "c"));
        c.apply(cmd("c", "a"));
        c.apply(cmd("self", "self"));
        c.apply(cmd("fine"));
        c.apply(cmd("after", "fine"));
        c.apply(cmd("downstream", "a"));
        idle(c);
        for (String member : List.of("a", "b", "c")) {
            CmdImageStatus s = status(c, member);
            assertThat(s.isFailed()).as(member).isTrue();
            assertThat(s.completedState().orElseThrow().error())
                    .contains("cycle").contains("a").contains("b").contains("c");
        }
        assertThat(status(c, "a").completedState().orElseThrow().error())
                .startsWith("dependency cycle: a -> b -> c -> a");
        assertThat(status(c, "self").completedState().orElseThrow().error())
                .startsWith("dependency cycle: self -> self");
        assertThat(describe(c, "downstream")).isEqualTo("waiting: waiting for image map a");
        assertThat(status(c, "fine").isSucceeded()).isTrue();
        assertThat(status(c, "after").isSucceeded()).isTrue();
        assertThat(builder.builds()).extracting(FakeBuild::name).containsExactlyInAnyOrder("fine", "after");

        // breaking the cycle builds it, in order
        c.apply(cmd("c"));
        idle(c);
        assertThat(builder.builds()).extracting(FakeBuild::name)
                .containsSubsequence("c", "b", "a", "downstream");
        assertThat(status(c, "downstream").isSucceeded()).isTrue();
    }

    @Test
    void aCycleCreatedMidBuildCancelsTheBuild() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("a"));
        c.apply(cmd("b", "a"));
        idle(c);
        builder.block("a");
        c.apply(CmdImage.of("a", spec("a").addEnv("V", "2").build()));
        FakeBuild inFlight = builder.awaitBuild("a", 1);
        c.apply(CmdImage.of("a", spec("a", "b").addEnv("V", "2").build()));
        assertThat(inFlight.awaitCancelRequested(WAIT)).isTrue();
        idle(c);
        assertThat(status(c, "a").completedState().orElseThrow().error())
                .startsWith("dependency cycle: a -> b -> a");
        assertThat(status(c, "b").completedState().orElseThrow().error())
                .startsWith("dependency cycle: b -> a -> b");
        assertThat(builder.builds("a")).hasSize(2);
        assertThat(builder.builds("b")).hasSize(1);
    }

    // ------------------------------------------------------------------ delivery, threads, close, idle

    @Test
    void changesArriveInOrderOnADaemonThreadOfTheController() throws Exception {
        CmdImageController c = controller();
        c.apply(cmd("app"));
        idle(c);
        List<ChangeRecorder.Change> changes = recorder.of("CmdImage", "app");
        assertThat(changes).isNotEmpty();
        assertThat(changes).allSatisfy(ch -> {
            assertThat(ch.thread().getName()).matches("cmdimage-controller-[0-9]+");
            assertThat(ch.thread().isDaemon()).isTrue();
        });
        assertThat(recorder.statuses("app")).containsExactly("empty", "building: build requested",
                "completed: " + status(c, "app").ref());
        assertThat(recorder.of("ImageMap", "app")).hasSize(1);

        AutoCloseable subscription = c.subscribe((o, d) -> {
            throw new IllegalStateException("a broken listener must not break the controller");
        });
        c.apply(cmd("other"));
        idle(c);
        subscription.close();
        assertThat(status(c, "other").isSucceeded()).isTrue();
    }

    @Test
    void closeCancelsEveryBuildAndReturnsOnlyWhenTheyHaveEnded() throws Exception {
        CmdImageController c = controller();
        for (String n : List.of("one", "two", "three")) {
            builder.block(n).slowCancel(n);
            c.apply(cmd(n));
        }
        List<FakeBuild> running = List.of(builder.awaitBuild("one", 0), builder.awaitBuild("two", 0),
                builder.awaitBuild("three", 0));
        Thread enders = new Thread(() -> {
            try {
                for (FakeBuild b : running) {
                    assertThat(b.awaitCancelRequested(WAIT)).isTrue();
                    Thread.sleep(100);
                    b.finishCancel();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        enders.start();
        c.close();
        assertThat(running).allSatisfy(b -> assertThat(b.ended()).isTrue());
        enders.join();
        assertThat(status(c, "one").completedState().orElseThrow().error()).isEqualTo("build cancelled");
        assertThatThrownBy(() -> c.apply(cmd("late"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("closed");
        Thread controllerThread = recorder.changes().get(0).thread();
        assertThat(controllerThread.getName()).matches("cmdimage-controller-[0-9]+");
        assertThat(controllerThread.isAlive()).as("the controller's thread after close()").isFalse();
        c.close(); // twice is fine
    }

    @Test
    void aCallersExecutorIsUsedAndNeverShutDown() throws Exception {
        ExecutorService mine = Executors.newSingleThreadExecutor(r -> new Thread(r, "callers-thread"));
        try {
            CmdImageController c = controller(CmdImageControllers.builder(builder).executor(mine));
            c.apply(cmd("app"));
            idle(c);
            assertThat(recorder.of("CmdImage", "app")).allSatisfy(
                    ch -> assertThat(ch.thread().getName()).isEqualTo("callers-thread"));
            c.close();
            assertThat(mine.isShutdown()).isFalse();
        } finally {
            mine.shutdownNow();
            assertThat(mine.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void awaitIdleWaitsForBuildsAndReportsATimeout() throws Exception {
        builder.block("app");
        CmdImageController c = controller();
        c.apply(cmd("app"));
        FakeBuild b = builder.awaitBuild("app", 0);
        assertThat(c.awaitIdle(Duration.ofMillis(100))).isFalse();
        assertThat(describe(c, "app")).isEqualTo("building: build requested");
        b.succeed();
        assertThat(c.awaitIdle(WAIT)).isTrue();
        assertThat(status(c, "app").isSucceeded()).isTrue();
    }

    @Test
    void theRequestCarriesTheConfiguredOptions() throws Exception {
        BuildListener listener = new BuildListener() {};
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T18:57:50.123456Z"), ZoneOffset.UTC);
        CmdImageController c = controller(CmdImageControllers.builder(builder)
                .baseEnvironment(Map.of("PATH", "/usr/bin", "HOME", "/home/me"))
                .baseDirectory(Path.of("/work/project"))
                .buildTimeout(Duration.ofMinutes(3))
                .buildListener(listener)
                .clusterSharesImageStore(cl -> cl != null && cl.name().equals("desktop"))
                .clock(clock));
        c.apply(cluster("desktop", null, "arm64"));
        c.apply(CmdImage.of("app", spec("app").cluster("desktop").build()));
        c.apply(cmd("plain"));
        idle(c);
        FakeBuild app = builder.builds("app").get(0);
        assertThat(app.request.baseEnvironment()).containsEntry("PATH", "/usr/bin").containsEntry("HOME", "/home/me");
        assertThat(app.request.baseDirectory()).isEqualTo(Path.of("/work/project"));
        assertThat(app.request.timeout()).isEqualTo(Duration.ofMinutes(3));
        assertThat(app.request.listener()).isSameAs(listener);
        assertThat(app.request.clusterSharesImageStore()).isTrue();
        assertThat(builder.builds("plain").get(0).request.clusterSharesImageStore()).isFalse();
    }

    @Test
    void aCrashingBuilderEndsInAnErrorNotInBuildingForever() throws Exception {
        Clock clock = Clock.fixed(Instant.parse("2026-11-26T18:57:50.123456Z"), ZoneOffset.UTC);
        builder.failToStart(new IllegalStateException("plug-in exploded"));
        CmdImageController c = controller(CmdImageControllers.builder(builder).clock(clock));
        c.apply(cmd("app"));
        idle(c);
        CmdImageStatus.Completed done = status(c, "app").completedState().orElseThrow();
        assertThat(done.error()).isEqualTo("the build crashed: IllegalStateException: plug-in exploded");
        assertThat(done.finishedAt().format()).isEqualTo("2026-11-26T18:57:50.123456Z");
    }

    @Test
    void badInputIsRejectedWithAClearMessage() {
        CmdImageController c = controller();
        assertThatThrownBy(() -> c.apply(CmdImage.of("", spec("x").build())))
                .isInstanceOf(IllegalArgumentException.class).hasMessage(
                        "CmdImage has no metadata.name: every object the controller holds needs a name");
        assertThatThrownBy(() -> CmdImageControllers.builder(builder).maxParallelBuilds(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxParallelBuilds");
    }

    @Test
    void aListAppliesEachItemAndObjectsListsEverything() throws Exception {
        CmdImageController c = controller();
        c.apply(CmdImageList.of(List.of(cmd("b", "a"), cmd("a"))));
        c.apply(cluster("default", null, null));
        idle(c);
        assertThat(c.objects()).extracting(o -> o.kind() + "/" + o.name()).containsExactly(
                "CmdImage/a", "CmdImage/b", "ImageMap/a", "ImageMap/b", "Cluster/default");
    }
}

package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageMap;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** How {@code watch} brings a controller from one version of its file to the next. */
class WatchSyncTest {
    /** Records what is applied and deleted, and holds objects as a controller would. */
    static final class RecordingController implements CmdImageController {
        final Map<String, ApiObject> held = new LinkedHashMap<>();
        final List<String> calls = new ArrayList<>();

        @Override
        public void apply(ApiObject object) {
            calls.add("apply " + FileInput.key(object));
            held.put(FileInput.key(object), object);
        }

        @Override
        public void delete(String kind, String name) {
            calls.add("delete " + kind + "/" + name);
            held.remove(kind + "/" + name);
        }

        @Override
        public Optional<CmdImage> cmdImage(String name) {
            return Optional.ofNullable((CmdImage) held.get("CmdImage/" + name));
        }

        @Override
        public Optional<ImageMap> imageMap(String name) {
            return Optional.ofNullable((ImageMap) held.get("ImageMap/" + name));
        }

        @Override
        public Optional<Cluster> cluster(String name) {
            return Optional.ofNullable((Cluster) held.get("Cluster/" + name));
        }

        @Override
        public List<ApiObject> objects() {
            return List.copyOf(held.values());
        }

        @Override
        public dev.cmdimage.api.Subscription subscribe(Listener listener) {
            return () -> {};
        }

        @Override
        public boolean awaitIdle(Duration timeout) {
            return true;
        }

        @Override
        public void close() {}
    }

    private static CmdImage image(String name, String... args) {
        return CmdImage.of(name, CmdImageSpec.builder().ref(name).args(args).build());
    }

    private static FileInput file(ApiObject... objects) {
        return FileInput.of("f.yaml", Path.of("/w"), List.of(objects));
    }

    @Test
    void theFirstSyncAppliesEverythingIncludingTheCreatedImageMaps() {
        RecordingController c = new RecordingController();

        FileInput.sync(c, null, file(image("app", "true")));

        assertThat(c.calls).containsExactly("apply ImageMap/app", "apply CmdImage/app");
    }

    @Test
    void anImageMapABuildFilledKeepsItsImageWhenTheFileIsReapplied() {
        RecordingController c = new RecordingController();
        FileInput v1 = file(image("app", "true"));
        FileInput.sync(c, null, v1);
        ImageMap built = ImageMap.of("app", "app").withStatus(ImageMap.Status.of("app:tilt-0123456789abcdef"));
        c.held.put("ImageMap/app", built); // the build published its result
        c.calls.clear();

        FileInput.sync(c, v1, file(image("app", "false")));

        assertThat(c.calls).containsExactly("apply CmdImage/app");
        assertThat(c.imageMap("app")).contains(built);
    }

    @Test
    void aGivenImageMapIsAppliedAsTheFileStatesIt() {
        RecordingController c = new RecordingController();
        ImageMap v1 = ImageMap.of("base", "base").withStatus(ImageMap.Status.of("base:v1"));
        ImageMap v2 = ImageMap.of("base", "base").withStatus(ImageMap.Status.of("base:v2"));
        FileInput.sync(c, null, file(v1));

        FileInput.sync(c, file(v1), file(v2));

        assertThat(c.imageMap("base")).contains(v2);
    }

    @Test
    void objectsRemovedFromTheFileAreDeletedWithTheImageMapsCreatedForThem() {
        RecordingController c = new RecordingController();
        FileInput v1 = file(image("app", "true"), image("gone", "true"), Cluster.of("default", null, null));
        FileInput.sync(c, null, v1);
        c.calls.clear();

        FileInput.sync(c, v1, file(image("app", "true")));

        assertThat(c.calls).contains("delete CmdImage/gone", "delete ImageMap/gone", "delete Cluster/default")
                .doesNotContain("delete CmdImage/app", "delete ImageMap/app");
        assertThat(c.held.keySet()).containsExactly("ImageMap/app", "CmdImage/app");
    }
}

package dev.cmdimage.core.readme;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.core.ClusterToolLoader;
import dev.cmdimage.core.CmdImageCodec;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.JdkProcessRunner;
import dev.cmdimage.core.OciLayoutStore;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's "Clusters without a registry": its Java snippet, compiled and run here (and checked to be the very
 * text the README shows), with the kind Cluster object the README shows.
 */
class ReadmeClusterLoadExampleTest {
    private static final Path REPO = Path.of("..").toAbsolutePath().normalize();

    static String section() throws Exception {
        String readme = Files.readString(REPO.resolve("README.md"));
        return between(readme, "## Clusters without a registry\n", "\n## ");
    }

    /** The ```yaml blocks of the section, in order. */
    static List<String> yamlBlocks() throws Exception {
        List<String> blocks = new ArrayList<>();
        String s = section();
        int at = 0;
        while ((at = s.indexOf("```yaml\n", at)) >= 0) {
            int end = s.indexOf("```", at + 8);
            blocks.add(s.substring(at + 8, end));
            at = end + 3;
        }
        return blocks;
    }

    @Test
    void theReadmeShowsThisExample() throws Exception {
        String source = Files.readString(
                Path.of("src/test/java/dev/cmdimage/core/readme/ReadmeClusterLoadExampleTest.java"));
        String snippet = between(source, "// README-BEGIN\n", "        // README-END");
        assertThat(linesStripped(section())).contains(linesStripped(snippet));
    }

    @Test
    void theReadmesKindClusterIsLoadedWithKindAndNeverPushed(@TempDir Path tmp) throws Exception {
        assumeFalse(onPath("kind"), "a real kind is installed; this test needs it missing");
        Cluster kind = (Cluster) CmdImageCodec.create().read(yamlBlocks().get(0), "README.md").get(0);
        OciLayoutStore store = new OciLayoutStore(tmp.resolve("oci"));
        CmdImageSpec spec = CmdImageSpec.builder().ref("hello-oci")
                .args("sh", REPO.resolve("examples/hello-oci/build.sh").toString()).build();

        JdkProcessRunner runner = example(store);
        try {
            // no registry pusher at all: nothing may be pushed; kind is tried, and is not on this PATH
            assertThatThrownBy(() -> builder.build(BuildRequest.builder(CmdImage.of("hello-oci", spec)).cluster(kind)
                    .baseDirectory(tmp).build()))
                    .isInstanceOfSatisfying(ClusterLoadException.class, e -> {
                        assertThat(e.cluster()).isEqualTo("kind-dev");
                        assertThat(e.product()).isEqualTo("kind");
                    })
                    .hasMessageStartingWith("kind load into kind-dev: cannot load hello-oci:tilt-")
                    .hasMessageContaining(" into kind-dev (kind): kind could not start (is it installed and on the"
                            + " PATH?)");
        } finally {
            builder.close();
            runner.close();
        }
    }

    private CmdImageBuilder builder;

    private JdkProcessRunner example(OciLayoutStore store) {
        // README-BEGIN
        JdkProcessRunner runner = new JdkProcessRunner();
        CmdImageBuilder builder = CmdImages.builder()
                .processRunner(runner)
                .imageStore(store)
                .clusterImageLoader(ClusterToolLoader.builder(store, runner).build())
                .build();
        // README-END
        this.builder = builder;
        return runner;
    }

    private static boolean onPath(String tool) {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "" : path).split(File.pathSeparator)) {
            if (!d.isEmpty() && Files.isExecutable(Path.of(d, tool))) {
                return true;
            }
        }
        return false;
    }

    private static String linesStripped(String text) {
        return text.lines().map(String::strip).collect(Collectors.joining("\n"));
    }

    private static String between(String text, String begin, String end) {
        int from = text.indexOf(begin) + begin.length();
        int to = text.indexOf(end, from);
        return text.substring(from, to < 0 ? text.length() : to);
    }
}

package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code build} with a Cluster object that has a product and no registry, in process, with the OCI layout store:
 * the image is loaded (by a STAND-IN {@code kind} on the PATH that records its arguments and the archive's
 * index.json; the real kind cannot be installed here), {@code -o yaml} shows the cluster ref, and a local cluster
 * that no loader serves fails with a sentence instead of being pushed to the image's own registry.
 */
class CliClusterLoadTest {
    static final Path BUILD_SH = Path.of("").toAbsolutePath().getParent().resolve("examples/hello-oci/build.sh");

    @TempDir
    Path tmp;

    private Path file(String product, String context) throws Exception {
        String yaml = """
                apiVersion: tilt.dev/v1alpha1
                kind: Cluster
                metadata:
                  name: default
                status:
                  arch: amd64
                  connection:
                    kubernetes:
                      product: %s
                      context: %s
                ---
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: hello
                spec:
                  ref: hello
                  args: ["sh", "%s"]
                """.formatted(product, context, BUILD_SH);
        Path file = tmp.resolve("cmdimage.yaml");
        Files.writeString(file, yaml);
        return file;
    }

    private Path standInKind() throws Exception {
        Path bin = Files.createDirectories(tmp.resolve("bin"));
        Path kind = bin.resolve("kind");
        Files.writeString(kind, "#!/bin/sh\n# stand-in for kind: records its arguments and the archive's index.json\n"
                + "printf '%s\\n' \"$@\" > '" + tmp + "/kind.args'\n"
                + "tar xOf \"$3\" index.json > '" + tmp + "/kind.index'\n"
                + "echo 'Image: \"\" not yet present on node \"dev-control-plane\", loading...'\n");
        Files.setPosixFilePermissions(kind, PosixFilePermissions.fromString("rwxr-xr-x"));
        return bin;
    }

    @Test
    void aKindClusterWithoutARegistryIsLoadedByAStandInKindAndYamlShowsTheClusterRef() throws Exception {
        Path bin = standInKind();

        CliRun run = CliRun.run(tmp, Map.of("PATH", bin + ":" + System.getenv("PATH")), null,
                "build", "--image-store", "oci:layout", "-o", "yaml", file("kind", "kind-dev").toString());

        assertThat(run.exit).as(run.toString()).isZero();
        String ref = run.cmdImage("hello").status().ref();
        assertThat(ref).matches("hello:tilt-[0-9a-f]{16}");
        assertThat(run.imageMap("hello").status().image()).isEqualTo(ref);
        assertThat(run.imageMap("hello").status().imageFromCluster()).isEqualTo(ref);
        assertThat(run.linesOf("hello")).anyMatch(l -> l.startsWith("loaded into kind-dev (kind)"));
        List<String> args = Files.readAllLines(tmp.resolve("kind.args"));
        assertThat(args.subList(0, 2)).containsExactly("load", "image-archive");
        assertThat(args.subList(3, 5)).containsExactly("--name", "dev");
        assertThat(Files.readString(tmp.resolve("kind.index")))
                .contains("\"io.containerd.image.name\":\"docker.io/library/" + ref + "\"");
    }

    @Test
    void aLocalClusterThatNoLoaderServesFailsWithASentenceAndIsNotPushed() throws Exception {
        CliRun run = CliRun.run(tmp, Map.of(), null, "build", "--image-store", "oci:layout", "-o", "yaml",
                file("orbstack", "orbstack").toString());

        assertThat(run.exit).as(run.toString()).isNotZero();
        assertThat(run.cmdImage("hello").status().completedState().orElseThrow().error())
                .startsWith("the cluster orbstack (orbstack) has no registry, and no cluster image loader serves"
                        + " orbstack clusters");
        assertThat(run.err).doesNotContain("Pushing");
    }
}

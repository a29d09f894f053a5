package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.RefFileException;
import dev.cmdimage.core.testing.FakeProcessRunner;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** BEHAVIOUR.md section 4 steps 7, 8 and 10: the ref file ({@code outputsImageRefTo}). */
class RefFileTest {
    static final String DIGEST = "sha256:" + "ab".repeat(32);

    @TempDir
    Path dir;
    Fixture f;
    Path refFile;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
        refFile = dir.resolve("ref.txt");
    }

    private void commandWrites(String content) {
        f.runner = new FakeProcessRunner(run -> {
            Files.writeString(refFile, content);
            return run.exit(0);
        });
    }

    private BuildRequest request(String outputMode) {
        return f.request(Fixture.spec("app").outputsImageRefTo("ref.txt").outputMode(outputMode).build())
                .cluster(Fixture.cluster("localhost:5000", "registry:5000", null)).build();
    }

    @Test
    void theRefIsReadTrimmedVerifiedAndUsedWithoutRetagOrPush() throws Exception {
        commandWrites("  localhost:5000/app:v1\n\n");
        f.store.put("localhost:5000/app:v1", Fixture.ID);

        BuildResult result = f.builder().build(request(null));

        assertThat(result.localRef()).isEqualTo("localhost:5000/app:v1");
        assertThat(result.clusterRef()).isEqualTo("registry:5000/app:v1");
        assertThat(result.status().ref()).isEqualTo("localhost:5000/app:v1");
        assertThat(result.imageMapStatus().imageFromCluster()).isEqualTo("registry:5000/app:v1");
        assertThat(result.imageMapStatus().image()).isEqualTo("registry:5000/app:v1");
        assertThat(result.imageId()).isEqualTo(Fixture.ID);
        assertThat(f.store.inspections()).extracting(i -> i.ref()).containsExactly("localhost:5000/app:v1");
        assertThat(f.store.taggings()).isEmpty();
        assertThat(f.pusher.pushed()).isEmpty();
        assertThat(f.listener.stepSequence()).containsExactly("+validate", "=validate", "+resolve", "=resolve",
                "+prepare", "=prepare", "+run", "=run", "+read ref file", "=read ref file", "+verify", "=verify");
    }

    @Test
    void aRefOutsideTheRegistryIsTheSameForTheCluster() throws Exception {
        commandWrites("gcr.io/team/app:v1");
        f.store.put("gcr.io/team/app:v1", Fixture.ID);

        BuildResult result = f.builder().build(request(null));

        assertThat(result.clusterRef()).isEqualTo("gcr.io/team/app:v1");
    }

    @Test
    void aDigestRefIsAccepted() throws Exception {
        commandWrites("localhost:5000/app@" + DIGEST);

        BuildResult result = f.builder().build(request("remote"));

        assertThat(result.localRef()).isEqualTo("localhost:5000/app@" + DIGEST);
        assertThat(result.clusterRef()).isEqualTo("registry:5000/app@" + DIGEST);
    }

    @Test
    void remoteModeStopsAfterReadingWithoutAnyStoreCall() throws Exception {
        commandWrites("localhost:5000/app:v1");

        BuildResult result = f.builder().build(request("remote"));

        assertThat(result.localRef()).isEqualTo("localhost:5000/app:v1");
        assertThat(result.imageId()).isNull();
        assertThat(f.store.imageCalls()).isZero();
        assertThat(f.listener.stepSequence()).endsWith("+read ref file", "=read ref file");
    }

    @Test
    void aMissingFileSaysWhereTheScriptShouldHaveWritten() {
        f.runner = FakeProcessRunner.exiting(0);

        assertThatThrownBy(() -> f.builder().build(request(null)))
                .isInstanceOfSatisfying(RefFileException.class, e -> assertThat(e.path()).isEqualTo(refFile))
                .hasMessage("Could not find image ref in output. Your custom_build script should have written to "
                        + refFile + ": no such file or directory");
        assertThat(f.listener.stepSequence()).endsWith("+read ref file", "!read ref file");
    }

    @Test
    void anInvalidRefSaysWhy() {
        commandWrites("Not A Ref");

        assertThatThrownBy(() -> f.builder().build(request(null)))
                .isInstanceOf(RefFileException.class)
                .hasMessageStartingWith("Output image ref in file " + refFile + " was invalid: \"Not A Ref\": ");
    }

    @Test
    void aRefWithoutTagIsInvalid() {
        commandWrites("localhost:5000/app");

        assertThatThrownBy(() -> f.builder().build(request(null)))
                .hasMessage("Output image ref in file " + refFile + " was invalid: \"localhost:5000/app\":"
                        + " expected a ref with a tag or a digest");
    }

    @Test
    void anEmptyFileIsInvalid() {
        commandWrites(" \n");

        assertThatThrownBy(() -> f.builder().build(request(null)))
                .hasMessage("Output image ref in file " + refFile + " was invalid: the file is empty");
    }

    @Test
    void aLongRefIsShownShort() {
        commandWrites("x".repeat(4000));

        assertThatThrownBy(() -> f.builder().build(request(null)))
                .hasMessageStartingWith("Output image ref in file " + refFile + " was invalid: \"" + "x".repeat(200)
                        + "…\": ")
                .satisfies(e -> assertThat(e.getMessage()).hasSizeLessThan(500));
    }

    @Test
    void aRefNotInTheStoreNamesTheFileInTheHint() {
        commandWrites("localhost:5000/app:v1");

        assertThatThrownBy(() -> f.builder().build(request(null)))
                .hasMessage("Could not find image in the image store. Did your custom_build script build the image it"
                        + " wrote to "
                        + refFile + "? Looked for localhost:5000/app:v1 in fake image store: no such image");
    }
}

package dev.cmdimage.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.testing.FakeProcessRunner;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Section 7: secret environment values never appear in errors, statuses, output events or logs. */
class SecretsTest {
    static final String SPEC_SECRET = "npm_s3cr3t_value_4711";
    static final String BASE_SECRET = "ghp_base_secret_0815";

    @TempDir
    Path dir;
    Fixture f;

    @BeforeEach
    void setUp() {
        f = new Fixture(dir);
    }

    private BuildRequest request() {
        Map<String, String> base = new HashMap<>(Fixture.BASE_ENV);
        base.put("GITHUB_TOKEN", BASE_SECRET);
        return f.request(Fixture.spec("app").env(List.of("NPM_TOKEN=" + SPEC_SECRET, "PLAIN_VALUE=visible")).build())
                .baseEnvironment(base).cluster(Fixture.cluster("localhost:5000", null, null)).build();
    }

    @Test
    void theCommandStillGetsTheSecrets() throws Exception {
        f.builder().build(request());

        assertThat(f.runner.lastRun().environment()).containsEntry("NPM_TOKEN", SPEC_SECRET)
                .containsEntry("GITHUB_TOKEN", BASE_SECRET);
        assertThat(f.runner.lastRun().toString()).doesNotContain(SPEC_SECRET, BASE_SECRET);
    }

    @Test
    void echoedSecretsAreMaskedInOutputEventsTailAndStatus() {
        f.runner = FakeProcessRunner.exiting(1, "token is " + SPEC_SECRET, "gh " + BASE_SECRET + " visible");

        assertThatThrownBy(() -> f.builder().build(request()))
                .isInstanceOfSatisfying(CommandFailedException.class, e -> {
                    assertThat(e.getMessage()).doesNotContain(SPEC_SECRET, BASE_SECRET).contains("token is <redacted>");
                    assertThat(e.outputTail()).containsExactly("token is <redacted>", "gh <redacted> visible");
                    assertThat(e.status().orElseThrow().toString()).doesNotContain(SPEC_SECRET, BASE_SECRET);
                });
        assertThat(f.listener.outputLines()).containsExactly("token is <redacted>", "gh <redacted> visible");
        assertThat(f.listener.events().toString()).doesNotContain(SPEC_SECRET, BASE_SECRET);
    }

    @Test
    void pluginErrorsRepeatingASecretAreMasked() {
        f.store.failTag(new ImageStoreException("auth " + SPEC_SECRET + " rejected"));

        assertThatThrownBy(() -> f.builder().build(request()))
                .isInstanceOf(CmdImageException.class)
                .hasMessageContaining("auth <redacted> rejected")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SPEC_SECRET));
    }

    @Test
    void pushProgressAndErrorsAreMasked() {
        f.pusher.progress("using " + BASE_SECRET);
        f.pusher.fail(new PushException("denied for " + BASE_SECRET, "app"));

        assertThatThrownBy(() -> f.builder().build(request()))
                .hasMessage("push to localhost:5000: denied for <redacted>");
        assertThat(f.listener.logs()).contains("using <redacted>");
        assertThat(f.listener.events().toString()).doesNotContain(BASE_SECRET);
    }

    @Test
    void anInvalidEnvEntryDoesNotShowASecret() {
        assertThatThrownBy(() -> f.builder().build(f.request(Fixture.spec("app").env(List.of("=" + SPEC_SECRET))
                .build()).build()))
                .hasMessageContaining("spec.env[0]")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(SPEC_SECRET));
    }

    @Test
    void theRequestsToStringMasksSecrets() {
        assertThat(request().toString()).doesNotContain(SPEC_SECRET, BASE_SECRET).contains("PLAIN_VALUE=visible");
    }
}

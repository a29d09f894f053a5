package dev.cmdimage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.internal.FinalStatus;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Exceptions cross process boundaries in the tools that embed cmdimage (forked test JVMs, build daemons, RMI), so a
 * failed build's exception must survive Java serialization with its structured fields.
 */
class CmdImageExceptionTest {
    private static final MicroTime T0 = MicroTime.of(Instant.parse("2026-11-26T20:00:00Z"));

    @Test
    void aFailedBuildsExceptionSerializesWithItsFieldsButWithoutItsStatus() throws Exception {
        CommandFailedException e = new CommandFailedException("Custom build \"make\" failed: exit status 2", "make",
                2, List.of("compiling", "error: main.c"));
        FinalStatus.record(e, CmdImageStatus.failed(e.getMessage(), "build requested", T0, T0));
        assertThat(e.status()).isPresent();

        CommandFailedException copy = roundTrip(e);

        assertThat(copy.getMessage()).isEqualTo("Custom build \"make\" failed: exit status 2");
        assertThat(copy.command()).isEqualTo("make");
        assertThat(copy.exitCode()).isEqualTo(2);
        assertThat(copy.outputTail()).containsExactly("compiling", "error: main.c");
        assertThat(copy.status()).isEmpty();
    }

    @Test
    void aValidationExceptionKeepsEveryProblemAcrossSerialization() throws Exception {
        ValidationException e = new ValidationException("CmdImage \"app\"",
                List.of(Problem.required("spec.args"), Problem.invalid("spec.ref", "Foo Bar", "must be lowercase")));

        ValidationException copy = roundTrip(e);

        assertThat(copy.getMessage()).isEqualTo("CmdImage \"app\" is invalid: spec.args: Required value;"
                + " spec.ref: Invalid value: \"Foo Bar\": must be lowercase");
        assertThat(copy.problems()).containsExactlyElementsOf(e.problems());
    }

    @Test
    void theStatusIsRecordedOnce() {
        CmdImageException e = new CmdImageException("boom");
        CmdImageStatus first = CmdImageStatus.failed("boom", "build requested", T0, T0);

        assertThat(FinalStatus.record(e, first)).isSameAs(e);
        FinalStatus.record(e, CmdImageStatus.failed("later", "build requested", T0, T0));

        assertThat(e.status()).contains(first);
    }

    @Test
    void nothingPublicOnAnExceptionChangesItsStatus() {
        CmdImageException e = new CmdImageException("boom"); // initializes the class, which installs its recorder
        assertThat(CmdImageException.class.getMethods()).noneMatch(m -> m.getParameterCount() > 0
                && m.getDeclaringClass() == CmdImageException.class);
        assertThatThrownBy(() -> FinalStatus.install((ex, s) -> { }))
                .isInstanceOf(IllegalStateException.class);
        assertThat(e.status()).isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static <T> T roundTrip(T object) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(object);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return (T) in.readObject();
        }
    }
}

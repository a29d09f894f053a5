package dev.cmdimage.api;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ProblemTest {

    @Test
    void printsLikeKubernetes() {
        assertThat(Problem.required("spec.args")).hasToString("spec.args: Required value");
        assertThat(Problem.invalid("spec.ref", "Foo Bar", "repository name must be lowercase"))
                .hasToString("spec.ref: Invalid value: \"Foo Bar\": repository name must be lowercase");
        assertThat(Problem.unsupported("spec.outputMode", "x", CmdImageSpec.OUTPUT_MODES)).hasToString(
                "spec.outputMode: Unsupported value: \"x\": supported values: \"local-docker\","
                        + " \"local-docker-and-remote\", \"remote\"");
        assertThat(Problem.forbidden("spec.outputsImageRefTo", "may not be set together with spec.outputTag"))
                .hasToString("spec.outputsImageRefTo: Forbidden: may not be set together with spec.outputTag");
        assertThat(new Problem("spec.imageMaps[1]", Problem.Type.DUPLICATE, "base", null))
                .hasToString("spec.imageMaps[1]: Duplicate value: \"base\"");
    }

    @Test
    void printsTheStartOfALongValueAndItsLength() {
        String huge = "a".repeat(199) + "😀" + "b".repeat(2 * 1024 * 1024);
        Problem p = Problem.invalid("spec.ref", huge, "repository name must be lowercase");

        assertThat(p).hasToString("spec.ref: Invalid value: \"" + "a".repeat(199) + "\"... (" + huge.length()
                + " characters): repository name must be lowercase");
        assertThat(p.value()).isEqualTo(huge);
        assertThat(new ValidationException(null, List.of(p)).getMessage()).hasSizeLessThan(300);
        String edge = "x".repeat(Problem.MAX_PRINTED_VALUE);
        assertThat(Problem.invalid("f", edge, null)).hasToString("f: Invalid value: \"" + edge + "\"");
        assertThat(Problem.invalid("f", edge + "y", null)).hasToString("f: Invalid value: \"" + edge
                + "\"... (201 characters)");
    }

    @Test
    void validationExceptionListsEveryProblem() {
        ValidationException e = new ValidationException("CmdImage \"app\"",
                List.of(Problem.required("spec.ref"), Problem.required("spec.args")));
        assertThat(e).hasMessage("CmdImage \"app\" is invalid: spec.ref: Required value; spec.args: Required value");
        assertThat(e.problems()).hasSize(2);
        assertThat(new ValidationException(null, List.of(Problem.required("kind"))))
                .hasMessage("kind: Required value");
    }
}

package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class GoDurationTest {
    @ParameterizedTest
    @CsvSource({
        "90s, PT1M30S",
        "5m, PT5M",
        "1h30m, PT1H30M",
        "500ms, PT0.5S",
        "1.5h, PT1H30M",
        "2h0m3s, PT2H3S",
        "250us, PT0.00025S",
        "10ns, PT0.00000001S",
    })
    void parsesDurationsLikeOtherContainerTools(String text, String expected) {
        assertThat(GoDuration.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "90", "s", "5 m", "1h 30m", "-5s", "0s", "1d", "5m30", "abc", "1.s"})
    void rejectsAnythingElseWithASentenceShowingTheAcceptedForms(String text) {
        assertThatThrownBy(() -> GoDuration.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected e.g. 90s, 5m, 1h30m or 500ms");
    }

    @org.junit.jupiter.api.Test
    void rejectsADurationTooLongToRepresent() {
        assertThatThrownBy(() -> GoDuration.parse("999999999999h"))
                .hasMessageContaining("too long");
    }
}

package dev.cmdimage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Durations as Go, Tilt and Kubernetes objects write them; the command line and the Maven plugin read them so. */
class GoDurationsTest {
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
        "3µs, PT0.000003S",
        ".5s, PT0.5S",
    })
    void parsesDurationsLikeOtherContainerTools(String text, String expected) {
        assertThat(GoDurations.parse(text)).isEqualTo(Duration.parse(expected));
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "90", "s", "5 m", "1h 30m", "-5s", "0s", "1d", "5m30", "abc", "1.s"})
    void rejectsAnythingElseWithASentenceShowingTheAcceptedForms(String text) {
        assertThatThrownBy(() -> GoDurations.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("expected e.g. 90s, 5m, 1h30m or 500ms");
    }

    @Test
    void rejectsADurationTooLongToRepresent() {
        assertThatThrownBy(() -> GoDurations.parse("999999999999h"))
                .hasMessageContaining("too long");
    }

    @Test
    void rejectsAFractionOfANanosecond() {
        assertThatThrownBy(() -> GoDurations.parse("1.5ns"))
                .hasMessage("\"1.5ns\" is too long or too precise a duration (expected e.g. 90s, 5m, 1h30m or 500ms)");
    }

    @Test
    void theSentenceQuotesWhatWasWritten() {
        assertThatThrownBy(() -> GoDurations.parse("5 minutes"))
                .hasMessage("\"5 minutes\" is not a duration (expected e.g. 90s, 5m, 1h30m or 500ms)");
        assertThatThrownBy(() -> GoDurations.parse(null))
                .hasMessage("empty duration (expected e.g. 90s, 5m, 1h30m or 500ms)");
    }
}

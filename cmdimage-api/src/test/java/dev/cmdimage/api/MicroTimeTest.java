package dev.cmdimage.api;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MicroTimeTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            2026-11-26T18:57:50Z                 | 2026-11-26T18:57:50.000000Z
            2026-11-26T18:57:50.123456Z          | 2026-11-26T18:57:50.123456Z
            2026-11-26T18:57:50.1Z               | 2026-11-26T18:57:50.100000Z
            2026-11-26T18:57:50.000001Z          | 2026-11-26T18:57:50.000001Z
            2026-11-26T18:57:50.1234567Z         | 2026-11-26T18:57:50.123456Z
            2026-11-26T18:57:50.999999999Z       | 2026-11-26T18:57:50.999999Z
            2026-11-26T18:57:50.123456789123Z    | 2026-11-26T18:57:50.123456Z
            2026-11-26T19:57:50.5+01:00          | 2026-11-26T18:57:50.500000Z
            2026-11-26T13:27:50-05:30            | 2026-11-26T18:57:50.000000Z
            2026-11-27T01:00:00+02:00            | 2026-11-26T23:00:00.000000Z
            2026-11-26T18:57:50-00:00            | 2026-11-26T18:57:50.000000Z
            2026-11-26t18:57:50z                 | 2026-11-26T18:57:50.000000Z
            2026-11-26 18:57:50Z                 | 2026-11-26T18:57:50.000000Z
            2024-02-29T00:00:00Z                 | 2024-02-29T00:00:00.000000Z
            1970-01-01T00:00:00Z                 | 1970-01-01T00:00:00.000000Z
            """)
    void parsesAnyRfc3339AndFormatsUtcWithSixDigits(String input, String wire) {
        MicroTime t = MicroTime.parse(input);
        assertThat(t.format()).isEqualTo(wire);
        assertThat(t.toString()).isEqualTo(wire);
        assertThat(MicroTime.parse(wire)).isEqualTo(t);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @ValueSource(strings = {"", "2026-11-26", "2026-11-26T18:57Z", "2026-11-26T18:57:50", "2026-11-26T18:57:50.Z",
            "2026-11-26T18:57:50+0100", "2026-11-26T18:57:50+01", "2026-11-26T18:57:50+01:00:30",
            "2026-13-01T00:00:00Z", "2026-11-26T25:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z",
            "2026-11-26T18:60:00Z", "2026-11-26T18:57:50+25:00", " 2026-11-26T18:57:50Z", "26-11-26T18:57:50Z",
            "yesterday", "1764183470"})
    void rejectsWhatIsNotRfc3339(String input) {
        assertThatThrownBy(() -> MicroTime.parse(input))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not an RFC 3339 time")
                .hasMessageContaining("\"" + input + "\"");
    }

    @Test
    void rejectsNull() {
        assertThatThrownBy(() -> MicroTime.parse(null)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncatesToMicroseconds() {
        MicroTime t = MicroTime.of(Instant.parse("2026-11-26T18:57:50.123456789Z"));
        assertThat(t.instant()).isEqualTo(Instant.parse("2026-11-26T18:57:50.123456Z"));
        assertThat(t.format()).isEqualTo("2026-11-26T18:57:50.123456Z");
        assertThat(t).isEqualTo(MicroTime.of(Instant.parse("2026-11-26T18:57:50.123456001Z")));
    }

    @Test
    void ordersByInstant() {
        MicroTime a = MicroTime.parse("2026-11-26T18:57:50.000001Z");
        MicroTime b = MicroTime.parse("2026-11-26T19:57:50.000002+01:00");
        assertThat(a.compareTo(b)).isNegative();
        assertThat(b.compareTo(a)).isPositive();
        assertThat(a.compareTo(MicroTime.parse("2026-11-26T18:57:50.000001Z"))).isZero();
    }
}

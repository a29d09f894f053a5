package dev.cmdimage.maven;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way other container tools write them ({@code 90s}, {@code 5m}, {@code 1h30m},
 * {@code 500ms}, {@code 1.5h}): one or more numbers, each followed by a unit {@code h}, {@code m}, {@code s},
 * {@code ms}, {@code us} or {@code ns}. The same syntax as the command line's {@code --timeout}.
 */
final class GoDuration {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");

    private GoDuration() {}

    /**
     * @throws IllegalArgumentException with a sentence saying what is wrong and what is accepted
     */
    static Duration parse(String text) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("empty duration" + EXPECTED);
        }
        Matcher m = PART.matcher(text);
        long nanos = 0;
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                throw new IllegalArgumentException("\"" + text + "\" is not a duration" + EXPECTED);
            }
            BigDecimal unitNanos = switch (m.group(2)) {
                case "ns" -> BigDecimal.ONE;
                case "us", "µs" -> BigDecimal.valueOf(1_000L);
                case "ms" -> BigDecimal.valueOf(1_000_000L);
                case "s" -> BigDecimal.valueOf(1_000_000_000L);
                case "m" -> BigDecimal.valueOf(60_000_000_000L);
                default -> BigDecimal.valueOf(3_600_000_000_000L);
            };
            try {
                nanos = Math.addExact(nanos, new BigDecimal(m.group(1)).multiply(unitNanos).longValueExact());
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("\"" + text + "\" is too long or too precise a duration"
                        + EXPECTED);
            }
            at = m.end();
        }
        if (nanos <= 0) {
            throw new IllegalArgumentException("\"" + text + "\" is not a positive duration" + EXPECTED);
        }
        return Duration.ofNanos(nanos);
    }

    private static final String EXPECTED = " (expected e.g. 90s, 5m, 1h30m or 500ms)";
}

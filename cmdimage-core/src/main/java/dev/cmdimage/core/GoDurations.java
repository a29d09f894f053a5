package dev.cmdimage.core;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses durations the way Go, and so Tilt, Kubernetes objects and other container tools, write them
 * ({@code 90s}, {@code 5m}, {@code 1h30m}, {@code 500ms}, {@code 1.5h}): one or more numbers, each followed by a
 * unit {@code h}, {@code m}, {@code s}, {@code ms}, {@code us} (or {@code µs}) or {@code ns}, without spaces or a
 * sign. Only positive durations are accepted. The command line's {@code --timeout} and the Maven plugin's
 * {@code <timeout>} are read with it.
 */
public final class GoDurations {
    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d+)?|\\.\\d+)(ns|us|µs|ms|s|m|h)");
    private static final String EXPECTED = " (expected e.g. 90s, 5m, 1h30m or 500ms)";

    private GoDurations() {}

    /**
     * The duration {@code text} writes.
     *
     * @param text a Go duration such as {@code 1h30m}
     * @return the duration, positive, to the nanosecond
     * @throws IllegalArgumentException with a sentence quoting {@code text}, saying what is wrong and what is
     *                                  accepted, when it is empty, not a Go duration, zero, or too long or too
     *                                  precise for a {@link Duration} of whole nanoseconds held in a {@code long}
     */
    public static Duration parse(String text) {
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
}

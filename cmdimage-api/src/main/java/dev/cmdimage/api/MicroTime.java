package dev.cmdimage.api;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time with microsecond precision, written as RFC 3339 in UTC with exactly six fractional digits
 * ({@code 2026-11-26T18:57:50.123456Z}), like Kubernetes' {@code metav1.MicroTime}.
 *
 * @param instant the time, truncated to microseconds
 */
public record MicroTime(Instant instant) implements Comparable<MicroTime> {
    private static final Pattern RFC3339 = Pattern.compile(
            "(\\d{4})-(\\d{2})-(\\d{2})[Tt ](\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d+))?([Zz]|([+-])(\\d{2}):(\\d{2}))");
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

    /** Truncates {@code instant} (required) to microseconds. */
    public MicroTime {
        Objects.requireNonNull(instant, "instant");
        instant = instant.truncatedTo(ChronoUnit.MICROS);
    }

    /** The given instant, truncated to microseconds. */
    public static MicroTime of(Instant instant) {
        return new MicroTime(instant);
    }

    /**
     * Parses any RFC 3339 time ({@code 2026-11-26T18:57:50Z}, {@code 2026-11-26T19:57:50.1234567+01:00}, ...),
     * keeping microsecond precision (further digits are truncated, as Kubernetes does). Accepts any number of
     * fractional digits, {@code t}/{@code z} in lower case and a space instead of {@code T}, as RFC 3339 allows;
     * rejects times without seconds or without an offset.
     *
     * @throws IllegalArgumentException naming the text when it is not an RFC 3339 time
     */
    public static MicroTime parse(String text) {
        Matcher m = text == null ? null : RFC3339.matcher(text);
        if (m == null || !m.matches()) {
            throw new IllegalArgumentException("not an RFC 3339 time: \"" + text + "\"");
        }
        try {
            String fraction = m.group(7) == null ? "" : m.group(7);
            int nanos = fraction.isEmpty() ? 0
                    : Integer.parseInt((fraction + "000000000").substring(0, 9));
            ZoneOffset offset = m.group(8).equalsIgnoreCase("Z") ? ZoneOffset.UTC
                    : ZoneOffset.ofHoursMinutes(
                            Integer.parseInt(m.group(10)) * (m.group(9).equals("-") ? -1 : 1),
                            Integer.parseInt(m.group(11)) * (m.group(9).equals("-") ? -1 : 1));
            OffsetDateTime t = OffsetDateTime.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)), Integer.parseInt(m.group(5)),
                    Integer.parseInt(m.group(6)), nanos, offset);
            return new MicroTime(t.toInstant());
        } catch (DateTimeException e) {
            throw new IllegalArgumentException("not an RFC 3339 time: \"" + text + "\": " + e.getMessage());
        }
    }

    /** The wire form: UTC, six fractional digits. */
    public String format() {
        return FORMAT.format(instant);
    }

    @Override
    public int compareTo(MicroTime o) {
        return instant.compareTo(o.instant);
    }

    @Override
    public String toString() {
        return format();
    }
}

package dev.cmdimage.api;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A point in time with microsecond precision, written as RFC 3339 in UTC with exactly six fractional digits
 * ({@code 2026-11-26T18:57:50.123456Z}), like Kubernetes' {@code metav1.MicroTime}.
 *
 * @param instant the time, truncated to microseconds
 */
public record MicroTime(Instant instant) implements Comparable<MicroTime> {
    private static final DateTimeFormatter FORMAT =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(ZoneOffset.UTC);

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
     * keeping microsecond precision.
     *
     * @throws IllegalArgumentException naming the text when it is not an RFC 3339 time
     */
    public static MicroTime parse(String text) {
        try {
            return new MicroTime(OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant());
        } catch (DateTimeParseException | NullPointerException e) {
            throw new IllegalArgumentException("not an RFC 3339 time: \"" + text + "\"");
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

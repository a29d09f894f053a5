package dev.cmdimage.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Objects;

/**
 * A {@link Clock} for tests: fixed until moved with {@link #advance(Duration)} or {@link #set(Instant)}, or
 * stepping by itself on every read when made with {@link #stepping(Instant, Duration)} (so that every timestamp a
 * build takes is distinct and predictable). Thread-safe. Always UTC.
 */
public final class TestClock extends Clock {
    /** 2026-11-26T18:57:50Z, a convenient start: unix seconds 1795719470. */
    public static final Instant DEFAULT_START = Instant.parse("2026-11-26T18:57:50Z");

    private Instant now;
    private final Duration step;

    private TestClock(Instant start, Duration step) {
        this.now = Objects.requireNonNull(start, "start");
        this.step = Objects.requireNonNull(step, "step");
    }

    /** A clock standing still at {@code start}. */
    public static TestClock fixedAt(Instant start) {
        return new TestClock(start, Duration.ZERO);
    }

    /** A clock standing still at {@link #DEFAULT_START}. */
    public static TestClock fixed() {
        return fixedAt(DEFAULT_START);
    }

    /**
     * A clock whose first read returns {@code start} and every later read {@code step} more than the one before.
     */
    public static TestClock stepping(Instant start, Duration step) {
        return new TestClock(start, step);
    }

    /** Moves the clock forward (or back, with a negative duration). */
    public synchronized TestClock advance(Duration by) {
        now = now.plus(by);
        return this;
    }

    /** Sets the clock. */
    public synchronized TestClock set(Instant instant) {
        now = Objects.requireNonNull(instant, "instant");
        return this;
    }

    /** What the next read returns, without reading (and so without stepping). */
    public synchronized Instant peek() {
        return now;
    }

    @Override
    public synchronized Instant instant() {
        Instant result = now;
        now = now.plus(step);
        return result;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("TestClock is always UTC");
    }
}

package dev.cmdimage.core.internal.registryhttp;

import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/** Bearer tokens per realm, service, scope and user, until shortly before they expire. Never printed. */
public final class TokenCache {
    private final ConcurrentHashMap<String, Entry> tokens = new ConcurrentHashMap<>();
    private final Clock clock;

    public TokenCache(Clock clock) {
        this.clock = clock;
    }

    /** A cached token, or {@code null}. */
    public String get(String key) {
        Entry e = tokens.get(key);
        if (e == null || !clock.instant().isBefore(e.expires)) {
            tokens.remove(key, e);
            return null;
        }
        return e.token;
    }

    /** Caches a token for its lifetime minus a margin. */
    public void put(String key, String token, long expiresInSeconds) {
        long life = Math.max(expiresInSeconds, 60) - 10;
        tokens.put(key, new Entry(token, clock.instant().plusSeconds(life)));
    }

    /** Forgets a token the registry refused. */
    public void remove(String key) {
        tokens.remove(key);
    }

    private static final class Entry {
        final String token;
        final Instant expires;

        Entry(String token, Instant expires) {
            this.token = token;
            this.expires = expires;
        }

        @Override
        public String toString() {
            return "Entry[token=<redacted>, expires=" + expires + "]";
        }
    }
}

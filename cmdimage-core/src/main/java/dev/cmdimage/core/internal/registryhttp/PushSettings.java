package dev.cmdimage.core.internal.registryhttp;

import java.time.Duration;
import java.util.Set;

/**
 * How a push talks to registries.
 *
 * @param plainHttpHosts         hosts ({@code host} or {@code host:port}) allowed plain HTTP besides loopback
 * @param requestTimeout         the longest wait for a response to a small request
 * @param minimumUploadRate      bytes per second a blob upload must reach; its timeout is
 *                               {@code requestTimeout + size / minimumUploadRate}
 * @param maxAttempts            attempts per request on 5xx answers and broken connections (at least 1)
 * @param initialBackoff         the wait before the second attempt; doubled for each further one
 */
public record PushSettings(Set<String> plainHttpHosts, Duration requestTimeout, long minimumUploadRate,
        int maxAttempts, Duration initialBackoff) {
    public PushSettings {
        plainHttpHosts = Set.copyOf(plainHttpHosts);
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("maxAttempts must be at least 1");
        }
        if (minimumUploadRate < 1) {
            throw new IllegalArgumentException("minimumUploadRate must be positive");
        }
    }

    /** Whether plain HTTP may be used for {@code domain} ({@code host[:port]}): loopback or listed. */
    public boolean allowsPlainHttp(String domain) {
        if (plainHttpHosts.contains(domain)) {
            return true;
        }
        String host = hostOf(domain);
        return plainHttpHosts.contains(host) || isLoopback(host);
    }

    /** The host part of {@code host[:port]} ({@code [::1]} keeps its brackets). */
    public static String hostOf(String domain) {
        if (domain.startsWith("[")) {
            int close = domain.indexOf(']');
            return close > 0 ? domain.substring(0, close + 1) : domain;
        }
        int colon = domain.lastIndexOf(':');
        return colon > 0 ? domain.substring(0, colon) : domain;
    }

    /** {@code localhost}, {@code 127.0.0.0/8}, {@code [::1]}. */
    public static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost") || host.equals("[::1]") || host.equals("::1")) {
            return true;
        }
        String[] parts = host.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String p : parts) {
            if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(Character::isDigit) || Integer.parseInt(p) > 255) {
                return false;
            }
        }
        return true;
    }
}

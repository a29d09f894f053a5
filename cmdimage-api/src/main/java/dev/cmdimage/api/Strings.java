package dev.cmdimage.api;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Small helpers shared by the value types of this package. */
final class Strings {
    private Strings() {}

    /** Empty strings mean "absent" on the wire: normalize them to {@code null}. */
    static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    static <T> List<T> list(List<T> in) {
        return in == null ? List.of() : List.copyOf(in);
    }

    /** An immutable copy that keeps insertion order (Map.copyOf does not). */
    static <K, V> Map<K, V> map(Map<K, V> in) {
        if (in == null || in.isEmpty()) {
            return Map.of();
        }
        return java.util.Collections.unmodifiableMap(new LinkedHashMap<>(in));
    }
}

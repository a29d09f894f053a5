package dev.cmdimage.api;

import java.util.ArrayList;
import java.util.Collections;
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

    /**
     * A deep immutable copy of a map of JSON values (maps, lists, strings, numbers, booleans, {@code null}) that keeps
     * insertion order: nested maps and lists are copied too, so a caller's later change to them cannot reach a value.
     */
    static Map<String, Object> jsonMap(Map<String, Object> in) {
        if (in == null || in.isEmpty()) {
            return Map.of();
        }
        Map<String, Object> out = new LinkedHashMap<>();
        in.forEach((k, v) -> out.put(k, jsonValue(v)));
        return Collections.unmodifiableMap(out);
    }

    private static Object jsonValue(Object v) {
        if (v instanceof Map<?, ?> m) {
            Map<Object, Object> out = new LinkedHashMap<>();
            m.forEach((k, e) -> out.put(k, jsonValue(e)));
            return Collections.unmodifiableMap(out);
        }
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            l.forEach(e -> out.add(jsonValue(e)));
            return Collections.unmodifiableList(out);
        }
        return v;
    }

    /** An immutable copy that keeps insertion order (Map.copyOf does not). */
    static <K, V> Map<K, V> map(Map<K, V> in) {
        if (in == null || in.isEmpty()) {
            return Map.of();
        }
        return Collections.unmodifiableMap(new LinkedHashMap<>(in));
    }
}

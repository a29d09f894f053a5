package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.Problem;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Typed access to the fields of one JSON object, reporting every wrong type as a {@link Problem} with its field
 * path instead of throwing. Absent fields and JSON {@code null} both read as "not set", as in Go.
 */
final class Fields {
    private final ObjectNode node;
    private final String path;
    private final List<Problem> problems;

    Fields(ObjectNode node, String path, List<Problem> problems) {
        this.node = node;
        this.path = path;
        this.problems = problems;
    }

    /** Wraps {@code value} when it is an object; otherwise reports it and returns {@code null}. */
    static Fields of(JsonNode value, String path, List<Problem> problems, String what) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        if (!value.isObject()) {
            problems.add(typeProblem(path, value, "must be " + what));
            return null;
        }
        return new Fields((ObjectNode) value, path, problems);
    }

    String path() {
        return path;
    }

    List<Problem> problems() {
        return problems;
    }

    String child(String field) {
        return Paths.child(path, field);
    }

    private JsonNode get(String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v;
    }

    /** The raw value, if set. */
    JsonNode raw(String field) {
        return get(field);
    }

    String string(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            problems.add(typeProblem(child(field), v, "must be a string"));
            return null;
        }
        return v.textValue();
    }

    boolean bool(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return false;
        }
        if (!v.isBoolean()) {
            problems.add(typeProblem(child(field), v, "must be a boolean (true or false)"));
            return false;
        }
        return v.booleanValue();
    }

    /** A list of strings; {@code secret} hides the values of wrong-typed entries (environment entries). */
    List<String> strings(String field, boolean secret) {
        JsonNode v = get(field);
        if (v == null) {
            return List.of();
        }
        String p = child(field);
        if (!v.isArray()) {
            problems.add(secret ? Problem.invalid(p, null, "must be a list of strings, not " + describeType(v))
                    : typeProblem(p, v, "must be a list of strings"));
            return List.of();
        }
        List<String> out = new ArrayList<>(v.size());
        for (int i = 0; i < v.size(); i++) {
            JsonNode e = v.get(i);
            if (e.isTextual()) {
                out.add(e.textValue());
            } else {
                String ep = Paths.index(p, i);
                problems.add(secret ? Problem.invalid(ep, null, "must be a string, not " + describeType(e))
                        : typeProblem(ep, e, "must be a string"));
            }
        }
        return out;
    }

    /** A map of strings (labels, annotations). */
    Map<String, String> stringMap(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return Map.of();
        }
        String p = child(field);
        if (!v.isObject()) {
            problems.add(typeProblem(p, v, "must be a map of strings"));
            return Map.of();
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = v.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isTextual()) {
                out.put(e.getKey(), e.getValue().textValue());
            } else if (!e.getValue().isNull()) {
                problems.add(typeProblem(Paths.key(p, e.getKey()), e.getValue(), "must be a string"));
            }
        }
        return out;
    }

    MicroTime time(String field) {
        JsonNode v = get(field);
        if (v == null) {
            return null;
        }
        if (!v.isTextual()) {
            problems.add(typeProblem(child(field), v, "must be an RFC 3339 time string"));
            return null;
        }
        try {
            return MicroTime.parse(v.textValue());
        } catch (IllegalArgumentException e) {
            problems.add(Problem.invalid(child(field), v.textValue(),
                    "must be an RFC 3339 time, e.g. 2026-11-26T18:57:50.123456Z"));
            return null;
        }
    }

    /** A nested object, or {@code null} when absent or of a wrong type (reported). */
    Fields object(String field, String what) {
        return of(get(field), child(field), problems, what);
    }

    /** A list field, or {@code null} when absent or not a list (reported). */
    ArrayNode array(String field, String what) {
        JsonNode v = get(field);
        if (v == null) {
            return null;
        }
        if (!v.isArray()) {
            problems.add(typeProblem(child(field), v, "must be " + what));
            return null;
        }
        return (ArrayNode) v;
    }

    boolean has(String field) {
        return get(field) != null;
    }

    /** Every field not in {@code known}, as plain Java values, in the order read. */
    Map<String, Object> extras(Set<String> known) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!known.contains(e.getKey())) {
                out.put(e.getKey(), JsonValues.toJava(e.getValue()));
            }
        }
        return out;
    }

    static Problem typeProblem(String path, JsonNode value, String must) {
        return Problem.invalid(path, describeValue(value), must + ", not " + describeType(value));
    }

    /** A short printable form of a value: scalars as text (shortened), containers as {@code {...}} / {@code [...]}. */
    static String describeValue(JsonNode v) {
        if (v.isObject()) {
            return "{...}";
        }
        if (v.isArray()) {
            return "[...]";
        }
        String text = v.asText();
        return text.length() > 60 ? text.substring(0, 57) + "..." : text;
    }

    static String describeType(JsonNode v) {
        if (v.isObject()) {
            return "an object";
        }
        if (v.isArray()) {
            return "a list";
        }
        if (v.isNumber()) {
            return "a number";
        }
        if (v.isBoolean()) {
            return "a boolean";
        }
        if (v.isTextual()) {
            return "a string";
        }
        if (v.isNull()) {
            return "null";
        }
        return v.getNodeType().name().toLowerCase(java.util.Locale.ROOT);
    }
}

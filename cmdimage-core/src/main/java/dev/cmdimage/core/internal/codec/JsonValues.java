package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Converts between Jackson trees and the plain Java values kept in the {@code extra} maps of the API records
 * ({@link Map}, {@link List}, {@link String}, {@link Number}, {@link Boolean}, {@code null}), losslessly.
 */
final class JsonValues {
    private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

    private JsonValues() {}

    static Object toJava(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return null;
        }
        if (n.isObject()) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                m.put(e.getKey(), toJava(e.getValue()));
            }
            return Collections.unmodifiableMap(m);
        }
        if (n.isArray()) {
            List<Object> l = new ArrayList<>(n.size());
            for (JsonNode e : n) {
                l.add(toJava(e));
            }
            return Collections.unmodifiableList(l);
        }
        if (n.isTextual()) {
            return n.textValue();
        }
        if (n.isBoolean()) {
            return n.booleanValue();
        }
        if (n.isIntegralNumber()) {
            return n.canConvertToLong() ? (Object) n.longValue() : n.bigIntegerValue();
        }
        if (n.isNumber()) {
            return n.decimalValue();
        }
        return n.asText();
    }

    static JsonNode toNode(Object v) {
        if (v == null) {
            return NODES.nullNode();
        }
        if (v instanceof JsonNode j) {
            return j;
        }
        if (v instanceof String s) {
            return NODES.textNode(s);
        }
        if (v instanceof Boolean b) {
            return NODES.booleanNode(b);
        }
        if (v instanceof Integer || v instanceof Long || v instanceof Short || v instanceof Byte) {
            return NODES.numberNode(((Number) v).longValue());
        }
        if (v instanceof BigInteger bi) {
            return NODES.numberNode(bi);
        }
        if (v instanceof BigDecimal bd) {
            return NODES.numberNode(bd);
        }
        if (v instanceof Double || v instanceof Float) {
            return NODES.numberNode(((Number) v).doubleValue());
        }
        if (v instanceof Map<?, ?> m) {
            ObjectNode o = NODES.objectNode();
            m.forEach((k, val) -> o.set(String.valueOf(k), toNode(val)));
            return o;
        }
        if (v instanceof Iterable<?> it) {
            ArrayNode a = NODES.arrayNode();
            it.forEach(e -> a.add(toNode(e)));
            return a;
        }
        return NODES.textNode(v.toString());
    }

    static JsonNodeFactory nodes() {
        return NODES;
    }
}

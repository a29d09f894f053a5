package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Writes a Jackson tree byte-for-byte as Go's {@code encoding/json} does: {@code json.MarshalIndent(v, "", "    ")}
 * for the pretty form (what {@code tilt get -o json} prints), {@code json.Marshal} for the compact one. That
 * means four-space indents, {@code "key": value}, {@code []} and {@code {}} for empty containers, and Go's string
 * escaping ({@code <}, {@code >}, {@code &}, U+2028 and U+2029 as Unicode escapes; other non-ASCII as is).
 */
public final class GoJson {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {}

    /** Indented with four spaces, no trailing newline. */
    public static String pretty(JsonNode node) {
        StringBuilder sb = new StringBuilder(512);
        write(sb, node, 0, true);
        return sb.toString();
    }

    /** One line, no spaces. */
    public static String compact(JsonNode node) {
        StringBuilder sb = new StringBuilder(256);
        write(sb, node, 0, false);
        return sb.toString();
    }

    private static void write(StringBuilder sb, JsonNode n, int depth, boolean pretty) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            sb.append("null");
        } else if (n.isObject()) {
            if (n.isEmpty()) {
                sb.append("{}");
                return;
            }
            sb.append('{');
            boolean first = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!first) {
                    sb.append(',');
                }
                first = false;
                newline(sb, depth + 1, pretty);
                string(sb, e.getKey());
                sb.append(pretty ? ": " : ":");
                write(sb, e.getValue(), depth + 1, pretty);
            }
            newline(sb, depth, pretty);
            sb.append('}');
        } else if (n.isArray()) {
            if (n.isEmpty()) {
                sb.append("[]");
                return;
            }
            sb.append('[');
            for (int i = 0; i < n.size(); i++) {
                if (i > 0) {
                    sb.append(',');
                }
                newline(sb, depth + 1, pretty);
                write(sb, n.get(i), depth + 1, pretty);
            }
            newline(sb, depth, pretty);
            sb.append(']');
        } else if (n.isTextual()) {
            string(sb, n.textValue());
        } else if (n.isBoolean()) {
            sb.append(n.booleanValue());
        } else if (n.isBigDecimal()) {
            sb.append(n.decimalValue().toString());
        } else if (n.isNumber()) {
            sb.append(n.asText());
        } else {
            string(sb, n.asText());
        }
    }

    private static void newline(StringBuilder sb, int depth, boolean pretty) {
        if (pretty) {
            sb.append('\n');
            sb.append("    ".repeat(depth));
        }
    }

    static void string(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                case '\b' -> sb.append("\\b");
                case '\f' -> sb.append("\\f");
                default -> {
                    if (c < 0x20 || c == '<' || c == '>' || c == '&' || c == '\u2028' || c == '\u2029') {
                        sb.append("\\u").append(HEX[c >> 12 & 0xf]).append(HEX[c >> 8 & 0xf])
                                .append(HEX[c >> 4 & 0xf]).append(HEX[c & 0xf]);
                    } else if (Character.isSurrogate(c)) {
                        if (Character.isHighSurrogate(c) && i + 1 < s.length()
                                && Character.isLowSurrogate(s.charAt(i + 1))) {
                            sb.append(c).append(s.charAt(++i));
                        } else {
                            sb.append('\ufffd'); // Go replaces invalid UTF-8 with U+FFFD
                        }
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}

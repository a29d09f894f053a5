package dev.cmdimage.core.internal.registryhttp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One {@code WWW-Authenticate} challenge (RFC 7235): a scheme and its parameters, e.g.
 * {@code Bearer realm="https://auth.example/token",service="registry.example",scope="repository:a/b:pull"}.
 *
 * @param scheme the scheme, lower case ({@code basic}, {@code bearer})
 * @param params the parameters, names in lower case
 */
public record Challenge(String scheme, Map<String, String> params) {
    /** A parameter, or {@code null}. */
    public String param(String name) {
        return params.get(name);
    }

    /** Parses every challenge of a header value; what cannot be parsed is skipped. */
    public static List<Challenge> parse(String header) {
        List<Challenge> out = new ArrayList<>();
        if (header == null) {
            return out;
        }
        Lexer lx = new Lexer(header);
        String scheme = null;
        Map<String, String> params = new LinkedHashMap<>();
        while (true) {
            lx.skipSpacesAndCommas();
            if (lx.atEnd()) {
                break;
            }
            String token = lx.token();
            if (token.isEmpty()) {
                lx.pos++; // junk: skip a character
                continue;
            }
            lx.skipSpaces();
            if (lx.peek() == '=' && scheme != null) {
                lx.pos++;
                lx.skipSpaces();
                String value = lx.peek() == '"' ? lx.quoted() : lx.token();
                params.put(token.toLowerCase(Locale.ROOT), value);
            } else {
                if (scheme != null) {
                    out.add(new Challenge(scheme, Collections.unmodifiableMap(params)));
                }
                scheme = token.toLowerCase(Locale.ROOT);
                params = new LinkedHashMap<>();
            }
        }
        if (scheme != null) {
            out.add(new Challenge(scheme, Collections.unmodifiableMap(params)));
        }
        return out;
    }

    private static final class Lexer {
        final String s;
        int pos;

        Lexer(String s) {
            this.s = s;
        }

        boolean atEnd() {
            return pos >= s.length();
        }

        char peek() {
            return atEnd() ? 0 : s.charAt(pos);
        }

        void skipSpaces() {
            while (!atEnd() && Character.isWhitespace(peek())) {
                pos++;
            }
        }

        void skipSpacesAndCommas() {
            while (!atEnd() && (Character.isWhitespace(peek()) || peek() == ',')) {
                pos++;
            }
        }

        String token() {
            int start = pos;
            while (!atEnd()) {
                char c = peek();
                if (Character.isWhitespace(c) || c == ',' || c == '=' || c == '"') {
                    break;
                }
                pos++;
            }
            // token68 values may end in '='
            return s.substring(start, pos);
        }

        String quoted() {
            StringBuilder sb = new StringBuilder();
            pos++; // opening quote
            while (!atEnd()) {
                char c = s.charAt(pos++);
                if (c == '\\' && !atEnd()) {
                    sb.append(s.charAt(pos++));
                } else if (c == '"') {
                    break;
                } else {
                    sb.append(c);
                }
            }
            return sb.toString();
        }
    }
}

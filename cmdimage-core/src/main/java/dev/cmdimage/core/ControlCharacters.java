package dev.cmdimage.core;

import java.util.Locale;

/**
 * Writes the control characters of text that came from elsewhere (a file, a build command's output, a registry's
 * answer) as visible escapes ({@code \x1b}, {@code \u009b}), so that printing it to a terminal or a build log cannot
 * move the cursor, recolour or retitle the terminal, or hide a line. The command line and the Maven plugin print
 * everything through it. Control characters are U+0000 to U+001F and U+007F to U+009F; tab is kept.
 */
public final class ControlCharacters {
    private ControlCharacters() {}

    /**
     * {@code text} with every control character except tab and newline written as an escape: for text printed as
     * lines of its own.
     *
     * @param text any text
     * @return {@code text} itself when it holds no other control character, else a copy with escapes
     */
    public static String escape(String text) {
        return escape(text, true);
    }

    /**
     * {@code text} with every control character except tab written as an escape, newlines too: for text that must
     * stay on one line.
     *
     * @param text any text
     * @return {@code text} itself when it holds no control character but tab, else a copy with escapes
     */
    public static String escapeLine(String text) {
        return escape(text, false);
    }

    private static String escape(String text, boolean keepNewlines) {
        StringBuilder sb = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean control = (c < 0x20 && c != '\t' && !(keepNewlines && c == '\n')) || (c >= 0x7f && c <= 0x9f);
            if (control && sb == null) {
                sb = new StringBuilder(text.length() + 16).append(text, 0, i);
            }
            if (sb != null) {
                if (!control) {
                    sb.append(c);
                } else if (c <= 0x7f) {
                    sb.append(String.format(Locale.ROOT, "\\x%02x", (int) c));
                } else {
                    sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                }
            }
        }
        return sb == null ? text : sb.toString();
    }
}

package dev.cmdimage.core.internal.codec;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Decides which strings the YAML writer may leave unquoted: only those that every YAML 1.1 and 1.2 reader (SnakeYAML,
 * Jackson, Go's yaml.v2 behind sigs.k8s.io/yaml, yaml.v3) reads back as the same string. Everything else is quoted.
 *
 * <p>The decision is ours, not Jackson's (its YAML writer's rules changed between versions and left {@code 0x1F},
 * {@code 1E+3} and {@code 0o17} plain), so every supported Jackson and SnakeYAML write the same text. A plain
 * string is made of letters, digits, spaces and ASCII punctuation; it does not start with a YAML indicator
 * ({@code - ? : , [ ] { } # & * ! | > ' " % @ `}, except {@code -} before a non-space, as in {@code -c}), does not
 * start or end with a space, holds no {@code ": "} or {@code " #"}, does not end with {@code :}, and is not a
 * word or number any of those readers resolves to something else: {@code null}, {@code ~}, {@code yes},
 * {@code n}, {@code on}, {@code <<}, {@code =} (any case), integers and floats in every base and form
 * ({@code 0o17}, {@code 0x1F}, {@code 1_000}, {@code 1:20}, {@code .5}, {@code +.inf}), and dates and times
 * ({@code 2001-12-14}, {@code 2001-12-14t21:59:43.10-05:00}).
 */
final class PlainScalars {
    /** Words some YAML reader takes for null, a boolean, a merge key or the YAML 1.1 "value" key (any case). */
    private static final Set<String> WORDS = Set.of("~", "null", "y", "n", "yes", "no", "on", "off", "true", "false",
            "<<", "=");
    /** A superset of every number form of YAML 1.1, YAML 1.2 and Go's strconv (which yaml.v2 uses). */
    private static final Pattern NUMBER = Pattern.compile("[-+]?(?:\\.?(?:inf|infinity|nan)"
            + "|0b[0-1_]+|0o[0-7_]+|0x[0-9a-f_.]*(?:p[-+]?[0-9_]+)?"
            + "|[0-9][0-9_]*(?::[0-9_]+)*(?:\\.[0-9_]*)?(?:e[-+]?[0-9_]+)?"
            + "|\\.[0-9_]*(?:e[-+]?[0-9_]+)?)", Pattern.CASE_INSENSITIVE);
    /** A superset of YAML 1.1's timestamp. */
    private static final Pattern TIMESTAMP = Pattern.compile("[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \\t].*)?",
            Pattern.DOTALL);
    private static final String INDICATORS = "-?:,[]{}#&*!|>'\"%@`";

    private PlainScalars() {}

    /** Whether {@code s} reads back as the same string when written without quotes. */
    static boolean isPlainSafe(String s) {
        if (s.isEmpty() || s.charAt(0) == ' ' || s.charAt(s.length() - 1) == ' ' || s.endsWith(":")
                || s.contains(": ") || s.contains(" #") || s.startsWith("---") || s.startsWith("...")) {
            return false;
        }
        char first = s.charAt(0);
        if (INDICATORS.indexOf(first) >= 0 && !(first == '-' && s.length() > 1 && s.charAt(1) != ' ')) {
            return false;
        }
        for (int i = 0; i < s.length(); ) {
            int c = s.codePointAt(i);
            boolean ok = c < 0x80 ? c >= 0x20 && c < 0x7f : Character.isLetterOrDigit(c);
            if (!ok) {
                return false;
            }
            i += Character.charCount(c);
        }
        return !WORDS.contains(s.toLowerCase(Locale.ROOT)) && !NUMBER.matcher(s).matches()
                && !TIMESTAMP.matcher(s).matches();
    }
}

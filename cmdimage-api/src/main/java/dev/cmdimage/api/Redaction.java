package dev.cmdimage.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Decides which values are secrets and hides them. Used by every {@code toString()}, status, log line and
 * exception message that could otherwise show an environment value or a credential.
 */
public final class Redaction {
    /** What a hidden value is replaced with. */
    public static final String MASK = "<redacted>";

    private static final Pattern SECRET_KEY = Pattern.compile(
            ".*(TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|APIKEY|API_KEY|PRIVATE_KEY|AUTH).*");

    private Redaction() {}

    /** Whether an environment variable of this name holds a secret ({@code *_TOKEN}, {@code *_PASSWORD}, ...). */
    public static boolean isSecretKey(@Nullable String key) {
        return key != null && SECRET_KEY.matcher(key.toUpperCase(Locale.ROOT)).matches();
    }

    /** {@code KEY=VALUE} with the value masked when the key names a secret. */
    public static @Nullable String envEntry(@Nullable String entry) {
        if (entry == null) {
            return null;
        }
        int eq = entry.indexOf('=');
        if (eq < 0) {
            return entry;
        }
        String key = entry.substring(0, eq);
        return isSecretKey(key) ? key + "=" + MASK : entry;
    }

    /** Every entry through {@link #envEntry(String)}. */
    public static List<String> envEntries(List<String> entries) {
        List<String> out = new ArrayList<>(entries.size());
        for (String e : entries) {
            out.add(envEntry(e));
        }
        return out;
    }

    /** A printable form of an environment map, secret values masked. */
    public static String envMap(Map<String, String> env) {
        StringBuilder sb = new StringBuilder("{");
        env.forEach((k, v) -> {
            if (sb.length() > 1) {
                sb.append(", ");
            }
            sb.append(k).append('=').append(isSecretKey(k) ? MASK : v);
        });
        return sb.append('}').toString();
    }
}

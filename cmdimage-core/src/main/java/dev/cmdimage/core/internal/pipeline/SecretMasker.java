package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.Redaction;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Hides the values of secret environment variables ({@link Redaction#isSecretKey}) wherever the build repeats
 * text it did not write itself: the command's output lines, plug-in error messages. A script that echoes
 * {@code $NPM_TOKEN} therefore shows {@code <redacted>} in the UI and in the final status.
 */
final class SecretMasker {
    /** Values shorter than this are not masked: masking "1" or "on" everywhere would garble every line. */
    static final int MIN_SECRET_LENGTH = 4;

    static final SecretMasker NONE = new SecretMasker(List.of());

    private final List<String> secrets;

    private SecretMasker(List<String> secrets) {
        this.secrets = secrets;
    }

    /** A masker for the secret values of {@code environment}. */
    static SecretMasker of(Map<String, String> environment) {
        List<String> values = new ArrayList<>();
        environment.forEach((k, v) -> {
            if (Redaction.isSecretKey(k) && v != null && v.length() >= MIN_SECRET_LENGTH && !values.contains(v)) {
                values.add(v);
            }
        });
        values.sort(Comparator.comparingInt(String::length).reversed());
        return new SecretMasker(List.copyOf(values));
    }

    String mask(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        String out = text;
        for (String s : secrets) {
            out = out.replace(s, Redaction.MASK);
        }
        return out;
    }

    List<String> mask(List<String> lines) {
        if (secrets.isEmpty()) {
            return lines;
        }
        return lines.stream().map(this::mask).toList();
    }
}

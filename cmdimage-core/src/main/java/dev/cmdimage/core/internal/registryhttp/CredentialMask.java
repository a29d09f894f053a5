package dev.cmdimage.core.internal.registryhttp;

import dev.cmdimage.api.Redaction;
import dev.cmdimage.spi.RegistryCredentials;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The credential values one push knows, hidden as {@code <redacted>} in every text the push passes on: the
 * password or identity token (also URL-encoded, as sent in a token request's form), the base64 {@code user:password}
 * of the Basic header (with and without its padding), and every bearer token received. A registry may echo a
 * request's {@code Authorization} header in its error body; that body ends up in statuses and on terminals.
 * Every value is masked, however short: a garbled message is better than a leaked password.
 */
public final class CredentialMask {
    private final Set<String> secrets = ConcurrentHashMap.newKeySet();

    /** @param credentials the push's credentials, or {@code null} for anonymous */
    public CredentialMask(RegistryCredentials credentials) {
        if (credentials != null) {
            add(credentials.secret());
            add(URLEncoder.encode(credentials.secret(), StandardCharsets.UTF_8));
            String basic = RegistryAuthenticator.basicValue(credentials);
            add(basic);
            add(basic.replaceAll("=+$", ""));
        }
    }

    /** Masks {@code secret} from now on (a bearer token just received). */
    public void add(String secret) {
        if (secret != null && !secret.isEmpty()) {
            secrets.add(secret);
        }
    }

    /** {@code text} with every known credential value replaced by {@code <redacted>}; {@code null} stays. */
    public String mask(String text) {
        if (text == null || secrets.isEmpty()) {
            return text;
        }
        // the longest first, so that a value containing another is replaced whole
        List<String> longestFirst = secrets.stream().sorted(Comparator.comparingInt(String::length).reversed()).toList();
        String out = text;
        for (String s : longestFirst) {
            out = out.replace(s, Redaction.MASK);
        }
        return out;
    }

    @Override
    public String toString() {
        return "CredentialMask[" + secrets.size() + " values]";
    }
}

package dev.cmdimage.maven;

import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.spi.CredentialsProvider;
import dev.cmdimage.spi.RegistryCredentials;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Registry credentials from the {@code <servers>} of Maven's {@code settings.xml}: the server whose {@code <id>} is
 * the registry's host (as in the ref: {@code registry.example.com}, {@code localhost:5000}; case-insensitive) gives
 * {@code <username>} and {@code <password>}, already decrypted. A registry no server names is asked of the
 * fallback (Docker's config). Thread-safe and immutable; never prints a password.
 */
final class SettingsCredentials implements CredentialsProvider {
    private final Map<String, RegistryCredentials> byHost;
    private final CredentialsProvider fallback;

    /**
     * @param byHost   the credentials per server id
     * @param fallback asked for every other registry
     */
    SettingsCredentials(Map<String, RegistryCredentials> byHost, CredentialsProvider fallback) {
        Map<String, RegistryCredentials> m = new LinkedHashMap<>();
        byHost.forEach((id, c) -> m.put(id.toLowerCase(Locale.ROOT), c));
        this.byHost = Map.copyOf(m);
        this.fallback = fallback;
    }

    @Override
    public Optional<RegistryCredentials> find(String registry) throws CredentialsException {
        RegistryCredentials c = byHost.get(registry.toLowerCase(Locale.ROOT));
        return c != null ? Optional.of(c) : fallback.find(registry);
    }

    /** Names the servers, never their secrets. */
    @Override
    public String toString() {
        return "SettingsCredentials[servers " + byHost.keySet().stream().sorted().toList() + ", then " + fallback
                + "]";
    }
}

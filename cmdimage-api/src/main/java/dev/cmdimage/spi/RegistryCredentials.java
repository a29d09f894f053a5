package dev.cmdimage.spi;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Credentials for one registry. {@link #toString()} never shows the secret.
 *
 * @param username      the user name (for an identity token, whatever the helper returned, often
 *                      {@code <token>})
 * @param secret        the password or token
 * @param identityToken whether {@code secret} is an OAuth2 identity (refresh) token rather than a password
 */
public record RegistryCredentials(@Nullable String username, String secret, boolean identityToken) {
    /** {@code secret} is required; {@code username} may be {@code null}. */
    public RegistryCredentials {
        Objects.requireNonNull(secret, "secret");
    }

    /** A user name and password. */
    public static RegistryCredentials basic(@Nullable String username, String password) {
        return new RegistryCredentials(username, password, false);
    }

    @Override
    public String toString() {
        return "RegistryCredentials[username=" + username + ", secret=<redacted>, identityToken=" + identityToken
                + "]";
    }
}

package dev.cmdimage.api;

import org.jspecify.annotations.Nullable;

/**
 * Registry credentials could not be found or read: a credential helper named in the Docker config that is not
 * on the PATH, a helper that failed, an unreadable config. Never carries the secret itself.
 */
public class CredentialsException extends CmdImageException {
    /** @param message the sentence for a person, naming the config file or helper (never the secret) */
    public CredentialsException(String message) {
        super(message);
    }

    /**
     * @param message the sentence for a person, naming the config file or helper (never the secret)
     * @param cause   the underlying failure, or {@code null}
     */
    public CredentialsException(String message, @Nullable Throwable cause) {
        super(message, cause);
    }
}

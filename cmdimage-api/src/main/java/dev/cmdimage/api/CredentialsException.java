package dev.cmdimage.api;

/**
 * Registry credentials could not be found or read: a credential helper named in the Docker config that is not
 * on the PATH, a helper that failed, an unreadable config. Never carries the secret itself.
 */
public class CredentialsException extends CmdImageException {
    public CredentialsException(String message) {
        super(message);
    }

    public CredentialsException(String message, Throwable cause) {
        super(message, cause);
    }
}

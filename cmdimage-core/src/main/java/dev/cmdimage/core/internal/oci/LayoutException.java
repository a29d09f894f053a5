package dev.cmdimage.core.internal.oci;

/** Something in an OCI layout is wrong or hostile; the message says what, the caller adds the layout and ref. */
public final class LayoutException extends Exception {
    public LayoutException(String message) {
        super(message);
    }

    public LayoutException(String message, Throwable cause) {
        super(message, cause);
    }
}

package dev.cmdimage.api;

/** Which output stream of the user's command a line came from. */
public enum StdStream {
    /** Standard output. */
    STDOUT,
    /** Standard error. */
    STDERR
}

package dev.cmdimage.api;

/**
 * The steps of one build, in the order they run. A {@link BuildListener} sees a paired
 * start and finish (or failure) for each step that runs.
 */
public enum BuildStep {
    /** Check the spec; nothing runs when it is invalid. */
    VALIDATE("validate"),
    /** Resolve the cluster (registry, architecture) and the ImageMaps the build depends on. */
    RESOLVE("resolve"),
    /** Decide the expected ref (or ref file) and the command's environment. */
    PREPARE("prepare"),
    /** Run the user's command. */
    RUN("run"),
    /** Read the ref the command wrote to {@code outputsImageRefTo}. */
    READ_REF_FILE("read ref file"),
    /** Check that the image exists in the image store. */
    VERIFY("verify"),
    /** Tag the image with its immutable content tag. */
    RETAG("retag"),
    /** Push the image to the cluster's registry (or log why not). */
    PUSH("push");

    private final String label;

    BuildStep(String label) {
        this.label = label;
    }

    /** A short lower-case label for logs, e.g. {@code read ref file}. */
    public String label() {
        return label;
    }
}

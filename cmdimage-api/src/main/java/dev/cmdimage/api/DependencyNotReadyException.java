package dev.cmdimage.api;

/** Something the build depends on is missing or not ready: an ImageMap without an image, a cluster with an error. */
public class DependencyNotReadyException extends CmdImageException {
    private final String dependency;

    /**
     * @param message    the sentence, e.g. {@code missing image map base}
     * @param dependency what is not ready, e.g. {@code ImageMap/base} or {@code Cluster/default}
     */
    public DependencyNotReadyException(String message, String dependency) {
        super(message);
        this.dependency = dependency;
    }

    /** What is not ready, as {@code Kind/name}. */
    public String dependency() {
        return dependency;
    }
}

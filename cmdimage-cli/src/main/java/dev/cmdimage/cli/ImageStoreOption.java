package dev.cmdimage.cli;

import java.nio.file.Path;

/**
 * The value of {@code --image-store}: {@code auto}, {@code docker} or {@code oci:DIR}.
 *
 * @param kind which store
 * @param dir  for {@link Kind#OCI}, the layout directory as given (relative to the working directory)
 */
record ImageStoreOption(Kind kind, String dir) {
    /** The default. */
    static final ImageStoreOption AUTO = new ImageStoreOption(Kind.AUTO, null);

    /** Which image store. */
    enum Kind {
        /** The Docker engine when one answers, else an OCI layout in {@code .cmdimage/oci}. */
        AUTO,
        /** The Docker engine. */
        DOCKER,
        /** An OCI image layout directory. */
        OCI
    }

    /**
     * @throws IllegalArgumentException with a sentence saying what is accepted
     */
    static ImageStoreOption parse(String text) {
        if ("auto".equals(text)) {
            return AUTO;
        }
        if ("docker".equals(text)) {
            return new ImageStoreOption(Kind.DOCKER, null);
        }
        if (text != null && text.startsWith("oci:")) {
            String dir = text.substring("oci:".length());
            if (dir.isBlank()) {
                throw new IllegalArgumentException("\"oci:\" needs a directory, e.g. oci:.cmdimage/oci");
            }
            try {
                Path.of(dir);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("\"" + dir + "\" is not a usable directory name");
            }
            return new ImageStoreOption(Kind.OCI, dir);
        }
        throw new IllegalArgumentException("\"" + text + "\" is not an image store (expected auto, docker or oci:DIR)");
    }

    @Override
    public String toString() {
        return kind == Kind.OCI ? "oci:" + dir : kind.name().toLowerCase(java.util.Locale.ROOT);
    }
}

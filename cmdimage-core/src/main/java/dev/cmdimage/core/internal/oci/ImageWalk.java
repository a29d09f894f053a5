package dev.cmdimage.core.internal.oci;

import java.util.HashSet;
import java.util.Set;

/**
 * The bounds of one walk over an image's graph of indexes and manifests: each manifest and index digest is visited
 * once (an index may list one child a thousand times, and nested indexes multiply that), indexes nest at most
 * {@value #MAX_DEPTH} levels, and the walk reads at most {@value #MAX_DESCRIPTORS} descriptors (index entries,
 * configs and layers). A graph beyond a bound fails with a sentence naming the index or manifest, long before
 * time or memory run out.
 */
final class ImageWalk {
    /** The deepest nesting of image indexes followed. */
    static final int MAX_DEPTH = 4;
    /** The most descriptors one walk reads. */
    static final int MAX_DESCRIPTORS = 10_000;

    private final Set<String> visited;
    private int descriptors;

    /** A walk of its own. */
    ImageWalk() {
        this(new HashSet<>());
    }

    private ImageWalk(Set<String> visited) {
        this.visited = visited;
    }

    /** A walk with a fresh descriptor budget that skips what this one visited already. */
    ImageWalk next() {
        return new ImageWalk(visited);
    }

    /** Whether {@code d} is seen for the first time in this walk (then it is to be read). */
    boolean firstVisit(Descriptor d) {
        return visited.add(d.digest());
    }

    /** Entering the image index {@code index} at {@code depth} (0 for the top). */
    void enter(Descriptor index, int depth) throws LayoutException {
        if (depth >= MAX_DEPTH) {
            throw new LayoutException("image index " + index.digest() + " is nested deeper than " + MAX_DEPTH
                    + " levels of image indexes");
        }
    }

    /** Counts {@code n} descriptors read from {@code what} ({@code image index <digest>}, {@code manifest ...}). */
    void count(String what, int n) throws LayoutException {
        descriptors += n;
        if (descriptors > MAX_DESCRIPTORS) {
            throw new LayoutException(what + " brings the image to more than " + MAX_DESCRIPTORS
                    + " descriptors (manifests, indexes, configs and layers); refusing to follow more");
        }
    }
}

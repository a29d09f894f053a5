package dev.cmdimage.core.internal.codec;

/** Kubernetes-style field paths: {@code spec.args[0]}, {@code metadata.labels[app]}. */
public final class Paths {
    private Paths() {}

    /** {@code parent.field}, or {@code field} at the root. */
    public static String child(String parent, String field) {
        return parent == null || parent.isEmpty() ? field : parent + "." + field;
    }

    /** {@code parent[i]}. */
    public static String index(String parent, int i) {
        return parent + "[" + i + "]";
    }

    /** {@code parent[key]}, the form Kubernetes uses for map entries. */
    public static String key(String parent, String key) {
        return parent + "[" + key + "]";
    }
}

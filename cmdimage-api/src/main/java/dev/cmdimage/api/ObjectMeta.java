package dev.cmdimage.api;

import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Kubernetes-style object metadata. Fields this type does not model are kept in {@link #extra()} so that a
 * read-then-write round trip loses nothing.
 *
 * @param name              the object's name, unique per kind
 * @param namespace         the namespace, or {@code null}
 * @param labels            labels (never {@code null})
 * @param annotations       annotations (never {@code null})
 * @param uid               the server-assigned UID, or {@code null}
 * @param resourceVersion   the resource version, or {@code null}
 * @param creationTimestamp the creation time as written on the wire (RFC 3339), or {@code null}
 * @param extra             any other metadata fields, as read (JSON values: maps, lists, strings, numbers, booleans)
 */
public record ObjectMeta(
        @Nullable String name,
        @Nullable String namespace,
        Map<String, String> labels,
        Map<String, String> annotations,
        @Nullable String uid,
        @Nullable String resourceVersion,
        @Nullable String creationTimestamp,
        Map<String, Object> extra) {

    /**
     * Empty strings become {@code null}; {@code null} maps become empty; the maps are copied ({@code extra} deeply,
     * nested maps and lists too).
     */
    public ObjectMeta {
        name = Strings.emptyToNull(name);
        namespace = Strings.emptyToNull(namespace);
        labels = Strings.map(labels);
        annotations = Strings.map(annotations);
        uid = Strings.emptyToNull(uid);
        resourceVersion = Strings.emptyToNull(resourceVersion);
        creationTimestamp = Strings.emptyToNull(creationTimestamp);
        extra = Strings.jsonMap(extra);
    }

    /** Metadata with just a name. */
    public static ObjectMeta named(String name) {
        return new ObjectMeta(Objects.requireNonNull(name, "name"), null, null, null, null, null, null, null);
    }

    /** A copy with another name. */
    public ObjectMeta withName(@Nullable String newName) {
        return new ObjectMeta(newName, namespace, labels, annotations, uid, resourceVersion, creationTimestamp, extra);
    }
}

package dev.cmdimage.api;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Metadata of a list object.
 *
 * @param resourceVersion the list's resource version, or {@code null}
 * @param extra           any other fields, as read
 */
public record ListMeta(@Nullable String resourceVersion, Map<String, Object> extra) {
    /** Empty list metadata. */
    public static final ListMeta EMPTY = new ListMeta(null, null);

    /**
     * An empty resource version becomes {@code null}; a {@code null} {@code extra} becomes empty; it is copied deeply
     * (nested maps and lists too).
     */
    public ListMeta {
        resourceVersion = Strings.emptyToNull(resourceVersion);
        extra = Strings.jsonMap(extra);
    }
}

package dev.cmdimage.api;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A list of CmdImages ({@code CmdImageList}).
 *
 * @param metadata list metadata
 * @param items    the CmdImages
 */
public record CmdImageList(ListMeta metadata, List<CmdImage> items) implements ApiObject {
    /** The wire kind. */
    public static final String KIND = "CmdImageList";

    /** A {@code null} metadata or item list becomes empty; the items are copied. */
    public CmdImageList {
        metadata = metadata == null ? ListMeta.EMPTY : metadata;
        items = Strings.list(items);
    }

    /** A list of the given items. */
    public static CmdImageList of(List<CmdImage> items) {
        return new CmdImageList(ListMeta.EMPTY, items);
    }

    @Override
    public String kind() {
        return KIND;
    }

    /** Lists have no name: always {@code null}. */
    @Override
    public @Nullable String name() {
        return null;
    }
}

package dev.cmdimage.core.internal.registry;

import dev.cmdimage.api.ImageRef;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The names of one image as seen from two places, before a tag is chosen: from the local network
 * ({@link #local()}) and from the cluster's container runtime ({@link #cluster()}). Both are bare repositories
 * (no tag, no digest). Made by {@link RefRewriter#refSet}.
 *
 * @param configured the ref as the user configured it ({@code spec.ref})
 * @param local      the repository as seen from the local network (registry applied)
 * @param cluster    the repository as seen from the cluster's container runtime
 * @param singleName whether the registry allows only one image name: then every tag is prefixed with the escaped
 *                   configured name ({@link #tagFor(String)})
 */
public record RefSet(ImageRef configured, ImageRef local, ImageRef cluster, boolean singleName) {
    private static final Pattern ESCAPED = Pattern.compile("[/:@]");

    public RefSet {
        Objects.requireNonNull(configured, "configured");
        Objects.requireNonNull(local, "local");
        Objects.requireNonNull(cluster, "cluster");
    }

    /** The same name everywhere: the configured ref without its tag (no registry). */
    public static RefSet withoutRegistry(ImageRef configured) {
        ImageRef bare = configured.withoutTag();
        return new RefSet(configured, bare, bare, false);
    }

    /**
     * The tag to use for {@code tag}: {@code tag} itself, or for a single-name registry
     * {@code <escaped configured name>-<tag>} (so images sharing the one name stay apart).
     */
    public String tagFor(String tag) {
        return singleName ? escape(configured.familiarName()) + "-" + tag : tag;
    }

    /**
     * Both names with {@code tag} applied (by {@link #tagFor(String)}).
     *
     * @throws IllegalArgumentException naming the tag when the result is not a valid tag (e.g. too long)
     */
    public TaggedRefs tagged(String tag) {
        String applied = tagFor(tag);
        if (!ImageRef.isValidTag(applied)) {
            throw new IllegalArgumentException("cannot tag " + local.familiarName() + " as \"" + applied
                    + "\": a tag is at most 128 characters of letters, digits, '_', '.' and '-'");
        }
        return new TaggedRefs(local.withTag(applied), cluster.withTag(applied));
    }

    /** Replaces each of {@code / : @} with {@code _}, as Tilt does to fit a whole ref into one path component. */
    static String escape(String name) {
        return ESCAPED.matcher(name).replaceAll("_");
    }
}

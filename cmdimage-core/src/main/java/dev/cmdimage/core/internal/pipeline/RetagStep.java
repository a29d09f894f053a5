package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.internal.registry.RefSet;
import dev.cmdimage.core.internal.registry.TaggedRefs;
import dev.cmdimage.spi.ImageStore;

/**
 * Step 11: tags the image with its immutable content tag, {@code tilt-} + the first 16 hex characters of its
 * image ID, applied to the local ref (single-name rule included). Two builds producing identical images produce
 * the same ref.
 */
final class RetagStep {
    static final String PREFIX = "tilt-";
    static final int HEX_CHARS = 16;

    private final ImageStore store;

    RetagStep(ImageStore store) {
        this.store = store;
    }

    TaggedRefs retag(String imageId, RefSet refs, SecretMasker masker) throws CmdImageException {
        TaggedRefs content;
        try {
            content = refs.tagged(contentTag(imageId));
        } catch (IllegalArgumentException e) {
            throw new ImageStoreException(e.getMessage(), e);
        }
        try {
            store.tag(imageId, content.local());
        } catch (ImageStoreException e) {
            throw new ImageStoreException("Could not tag image " + imageId + " as " + content.local().familiarString()
                    + ": " + masker.mask(e.getMessage()), e);
        } catch (RuntimeException e) {
            throw new ImageStoreException(masker.mask(Messages.unexpected("the image store ("
                    + StoreNames.description(store) + ")", "tagging " + imageId + " as "
                    + content.local().familiarString(), e)), e);
        }
        return content;
    }

    /** {@code tilt-} + the first 16 hex characters of the ID (after its {@code sha256:} algorithm prefix). */
    static String contentTag(String imageId) {
        String hex = imageId.substring(imageId.indexOf(':') + 1);
        if (hex.length() < HEX_CHARS || !hex.substring(0, HEX_CHARS).matches("[0-9a-f]+")) {
            throw new IllegalArgumentException("The image store returned the image ID \"" + imageId
                    + "\", which has fewer than " + HEX_CHARS + " hex digits: cannot derive a content tag");
        }
        return PREFIX + hex.substring(0, HEX_CHARS);
    }
}

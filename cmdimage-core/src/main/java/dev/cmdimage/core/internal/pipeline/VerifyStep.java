package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.ImageNotFoundException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.spi.ImageStore;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Step 9: the image exists in the image store, looked up by its exact ref (never by listing and filtering).
 * Returns its image ID.
 */
final class VerifyStep {
    private final ImageStore store;

    VerifyStep(ImageStore store) {
        this.store = store;
    }

    String verify(ImageRef ref, String arch, Path refFile, SecretMasker masker) throws CmdImageException {
        String description = StoreNames.description(store);
        String name = StoreNames.displayName(store);
        Optional<String> id;
        try {
            id = store.inspect(ref, arch);
        } catch (ImageStoreException e) {
            throw new ImageNotFoundException(masker.mask(Messages.imageNotFound(ref, refFile != null, refFile,
                    name, description, e.getMessage())), ref.familiarString(), e);
        } catch (RuntimeException e) {
            throw new ImageStoreException(masker.mask(Messages.unexpected("the image store (" + description + ")",
                    "looking up " + ref.familiarString(), e)), e);
        }
        if (id == null || id.isEmpty()) {
            throw new ImageNotFoundException(Messages.imageNotFound(ref, refFile != null, refFile, name,
                    description, "no such image"), ref.familiarString(), null);
        }
        return id.get();
    }
}

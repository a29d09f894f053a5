package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.core.internal.registry.RefSet;
import dev.cmdimage.core.internal.registry.TaggedRefs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Step 3: decides what the command must produce.
 * <ul>
 *   <li>{@code outputsImageRefTo}: that file, resolved against the base directory, is deleted first so a stale
 *       file is never mistaken for output; no expected ref;</li>
 *   <li>{@code outputTag}: the configured ref (no registry applied) with that tag;</li>
 *   <li>otherwise: the local ref (registry applied) with a fresh {@code tilt-build-<unix seconds>} tag.</li>
 * </ul>
 */
final class ExpectStep {
    private final BuildTags buildTags;

    ExpectStep(BuildTags buildTags) {
        this.buildTags = buildTags;
    }

    Expectation expect(CmdImageSpec spec, RefSet refs, Path baseDirectory) throws CmdImageException {
        if (spec.outputsImageRefTo() != null) {
            Path refFile = baseDirectory.resolve(spec.outputsImageRefTo()).normalize();
            try {
                Files.deleteIfExists(refFile);
            } catch (IOException e) {
                throw new CmdImageException("Could not delete the stale ref file " + refFile
                        + " (spec.outputsImageRefTo) before the build: " + IoErrors.describe(e), e);
            }
            return new Expectation(null, refFile);
        }
        try {
            if (spec.outputTag() != null) {
                return new Expectation(TaggedRefs.same(refs.configured().withoutTag().withTag(spec.outputTag())), null);
            }
            return new Expectation(refs.tagged(buildTags.next(refs.local().name())), null);
        } catch (IllegalArgumentException e) {
            throw new CmdImageException(e.getMessage(), e);
        }
    }
}

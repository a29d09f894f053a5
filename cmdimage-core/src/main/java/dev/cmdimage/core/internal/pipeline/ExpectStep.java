package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.core.internal.registry.RefSet;
import dev.cmdimage.core.internal.registry.TaggedRefs;
import java.nio.file.Path;

/**
 * Step 3: decides what the command must produce.
 * <ul>
 *   <li>{@code outputsImageRefTo}: that file, resolved against the base directory (a relative path must stay
 *       inside it); no expected ref. The file is never deleted or truncated: its state is remembered
 *       ({@link RefFileSnapshot}) so that step 7 accepts only a file the command wrote;</li>
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
            Path named = Path.of(spec.outputsImageRefTo()); // validated: a valid path, a relative one stays inside
            Path refFile = baseDirectory.resolve(named).normalize();
            Path tree = named.isAbsolute() ? null : baseDirectory;
            return new Expectation(null, refFile, RefFileSnapshot.take(refFile, tree));
        }
        try {
            if (spec.outputTag() != null) {
                return new Expectation(TaggedRefs.same(refs.configured().withoutTag().withTag(spec.outputTag())), null,
                        null);
            }
            return new Expectation(refs.tagged(buildTags.next(refs.local().name())), null, null);
        } catch (IllegalArgumentException e) {
            throw new CmdImageException(e.getMessage(), e);
        }
    }
}

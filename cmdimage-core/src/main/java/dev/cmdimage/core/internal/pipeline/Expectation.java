package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.core.internal.registry.TaggedRefs;
import java.nio.file.Path;

/**
 * What the command is expected to produce: exactly one of an expected ref or a ref file.
 *
 * @param expected the ref the command must build ({@code EXPECTED_REF}), or {@code null} in ref-file mode
 * @param refFile  the file the command writes its ref into ({@code outputsImageRefTo}, absolute), or {@code null}
 * @param before   the ref file as it was before the command ran, or {@code null} when there is no ref file
 */
record Expectation(TaggedRefs expected, Path refFile, RefFileSnapshot before) {
    boolean refFileMode() {
        return refFile != null;
    }
}

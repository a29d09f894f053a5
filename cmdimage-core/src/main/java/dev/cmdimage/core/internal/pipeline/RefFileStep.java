package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.RefFileException;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.internal.files.FileRefusedException;
import dev.cmdimage.core.internal.files.FileState;
import dev.cmdimage.core.internal.files.RegularFiles;
import dev.cmdimage.core.internal.registry.RefRewriter;
import dev.cmdimage.core.internal.registry.TaggedRefs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Step 7: reads the ref the command wrote to {@code outputsImageRefTo}. The file must be a regular file (a FIFO,
 * device, directory or socket is refused without opening it) of at most {@value #MAX_BYTES} bytes, reached from a
 * relative path without a symlink leading out of the base directory, and written by the command: a file unchanged
 * since before the command ran ({@link RefFileSnapshot}) is stale and reported like a missing one. The trimmed
 * content must be a ref with a tag or a digest. The local ref is that ref; the cluster ref is the same with
 * {@code host} replaced by {@code hostFromContainerRuntime}.
 */
final class RefFileStep {
    /** More than this is not a ref; read no further. */
    static final int MAX_BYTES = 4096;
    private static final int SHOWN_CHARS = 200;

    TaggedRefs read(Expectation expectation, RegistryHosting registry) throws CmdImageException {
        Path refFile = expectation.refFile();
        RefFileSnapshot before = expectation.before();
        RegularFiles.Content read;
        try {
            Path target = RefFileSnapshot.target(refFile, before.tree());
            FileState state = RegularFiles.requireRegular(target);
            if (state.size() > MAX_BYTES) {
                throw new RefFileException(Messages.refFileInvalid(refFile, "it has " + state.size()
                        + " bytes, more than the " + MAX_BYTES + " an image ref may have"), refFile, null);
            }
            read = RegularFiles.read(target, MAX_BYTES);
        } catch (FileRefusedException e) {
            throw new RefFileException(Messages.refFileMissing(refFile, "it " + e.getReason()), refFile, e);
        } catch (IOException e) {
            throw new RefFileException(Messages.refFileMissing(refFile, IoErrors.describe(e)), refFile, e);
        }
        if (before.unchangedIn(read.state(), read.bytes())) {
            throw new RefFileException(Messages.refFileMissing(refFile, "the file is stale: it is unchanged since"
                    + " before the command started (last modified " + read.state().modified()
                    + "), so the command did not write it"), refFile, null);
        }
        String text = new String(read.bytes(), StandardCharsets.UTF_8).trim();
        if (text.isEmpty()) {
            throw new RefFileException(Messages.refFileInvalid(refFile, "the file is empty"), refFile, null);
        }
        ImageRef ref;
        try {
            ref = ImageRef.parse(text);
        } catch (IllegalArgumentException e) {
            throw new RefFileException(Messages.refFileInvalid(refFile, quoted(text) + ": " + e.getMessage()),
                    refFile, e);
        }
        if (!ref.isTaggedOrDigested()) {
            throw new RefFileException(Messages.refFileInvalid(refFile,
                    quoted(text) + ": expected a ref with a tag or a digest"), refFile, null);
        }
        try {
            return new TaggedRefs(ref, RefRewriter.clusterRefOf(ref, registry));
        } catch (IllegalArgumentException e) {
            throw new RefFileException(Messages.refFileInvalid(refFile, e.getMessage()), refFile, e);
        }
    }

    private static String quoted(String text) {
        String shown = text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS) + "…" : text;
        return "\"" + shown + "\"";
    }
}

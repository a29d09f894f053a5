package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.RefFileException;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.core.internal.registry.RefRewriter;
import dev.cmdimage.core.internal.registry.TaggedRefs;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Step 7: reads the ref the command wrote to {@code outputsImageRefTo}. The trimmed content must be a ref with a
 * tag or a digest. The local ref is that ref; the cluster ref is the same with {@code host} replaced by
 * {@code hostFromContainerRuntime}.
 */
final class RefFileStep {
    /** More than this is not a ref; read no further. */
    static final int MAX_BYTES = 4096;
    private static final int SHOWN_CHARS = 200;

    TaggedRefs read(Path refFile, RegistryHosting registry) throws CmdImageException {
        String content;
        try {
            content = readBounded(refFile);
        } catch (IOException e) {
            throw new RefFileException(Messages.refFileMissing(refFile, IoErrors.describe(e)), refFile, e);
        }
        String text = content.trim();
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

    private static String readBounded(Path file) throws IOException {
        try (var in = Files.newInputStream(file)) {
            byte[] bytes = in.readNBytes(MAX_BYTES + 1);
            return new String(bytes, 0, Math.min(bytes.length, MAX_BYTES), StandardCharsets.UTF_8);
        }
    }

    private static String quoted(String text) {
        String shown = text.length() > SHOWN_CHARS ? text.substring(0, SHOWN_CHARS) + "…" : text;
        return "\"" + shown + "\"";
    }
}

package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.core.internal.files.FileRefusedException;
import dev.cmdimage.core.internal.files.FileState;
import dev.cmdimage.core.internal.files.RegularFiles;
import dev.cmdimage.core.internal.oci.Digests;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Objects;

/**
 * The ref file as it was before the command ran (BEHAVIOUR.md section 4 step 3), so step 7 can tell the command's
 * output from a stale file without deleting anything: the file's state ({@link FileState}: kind, device and inode,
 * size, modification and change time) and the digest of its content. A file counts as written by the command when
 * it did not exist before, or when any of these differs afterwards.
 *
 * <p>On a file system with coarse timestamps (FAT: 2 s, HFS+ and ext3: 1 s) a rewrite by the command with the very
 * same bytes within the same tick as the previous write is indistinguishable from no write and counts as stale;
 * any different content is noticed.
 *
 * @param tree          the directory a relative {@code outputsImageRefTo} must stay inside, symlinks followed
 *                      (the base directory), or {@code null} for an absolute path
 * @param state         the state of the file the path led to, {@link FileState#MISSING} when it led nowhere
 * @param contentDigest the digest of its content when it was a readable regular file, else {@code null}
 */
record RefFileSnapshot(Path tree, FileState state, String contentDigest) {
    /** Takes the snapshot; never fails (what cannot be read counts as missing, step 7 says why). */
    static RefFileSnapshot take(Path refFile, Path tree) {
        try {
            Path target = target(refFile, tree);
            FileState state = FileState.of(target);
            String digest = null;
            if (state.kind() == FileState.Kind.REGULAR && state.size() <= RefFileStep.MAX_BYTES) {
                RegularFiles.Content content = RegularFiles.read(target, RefFileStep.MAX_BYTES);
                state = content.state();
                digest = Digests.of(content.bytes());
            }
            return new RefFileSnapshot(tree, state, digest);
        } catch (IOException e) {
            return new RefFileSnapshot(tree, FileState.MISSING, null);
        }
    }

    /**
     * The file {@code refFile} leads to, symlinks followed; for a relative path ({@code tree} not null) that file
     * must be inside {@code tree}.
     *
     * @throws java.nio.file.NoSuchFileException when there is no file (or a dangling symlink)
     * @throws FileRefusedException              when a symlink leads out of {@code tree}
     */
    static Path target(Path refFile, Path tree) throws IOException {
        Path real = refFile.toRealPath();
        if (tree != null && !real.startsWith(tree.toRealPath())) {
            throw new FileRefusedException(refFile, "leads through a symlink to " + real + ", outside the base"
                    + " directory " + tree + "; a relative spec.outputsImageRefTo must stay inside it (give an"
                    + " absolute path to use a file elsewhere)");
        }
        return real;
    }

    /** Whether {@code now} (with {@code bytes}) is the same file, unchanged since the snapshot. */
    boolean unchangedIn(FileState now, byte[] bytes) {
        return state.kind() != FileState.Kind.MISSING && state.unchanged(now)
                && Objects.equals(contentDigest, Digests.of(bytes));
    }
}

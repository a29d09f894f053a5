package dev.cmdimage.core.internal.oci;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.core.internal.files.FileRefusedException;
import dev.cmdimage.core.internal.files.FileState;
import dev.cmdimage.core.internal.files.RegularFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One OCI image layout directory on disk: safe blob access (no symlinks, nothing outside the layout, digests and
 * sizes checked while streaming) and serialized, atomic updates of {@code index.json}.
 *
 * <p>Every file the build command may have written ({@code oci-layout}, {@code index.json},
 * {@code index.json.lock}, blobs) is checked without following a link before it is opened: a symlink, FIFO,
 * device or directory is refused with a sentence instead of followed or blocking ({@link RegularFiles}). The layout
 * directory itself must not be a symlink and must hold an {@code oci-layout} file ({@link #check}).
 *
 * <p>Updates of {@code index.json} hold a lock (a JVM-wide lock per layout plus an OS file lock on
 * {@code index.json.lock}, so other processes using this library wait too), write a temporary file and rename it
 * over {@code index.json}. Build commands write {@code index.json} themselves without that lock; to avoid losing
 * their entries an update re-reads the file just before the rename and starts over when it changed, and a read
 * that finds half-written JSON is retried.
 */
public final class OciLayout {
    /** The largest manifest or index read into memory (the distribution spec's limit for manifests). */
    public static final long MAX_MANIFEST_BYTES = 4L * 1024 * 1024;
    /** The largest index.json read. */
    public static final long MAX_INDEX_BYTES = 64L * 1024 * 1024;
    /** The largest oci-layout file read (it holds one short JSON object). */
    public static final int MAX_MARKER_BYTES = 4096;

    private static final Logger LOG = LoggerFactory.getLogger(OciLayout.class);
    /** This JVM's lock per layout, while a thread holds or waits for it (then removed: nothing piles up). */
    private static final Map<Path, JvmLock> JVM_LOCKS = new HashMap<>();
    private static final int BUFFER = 64 * 1024;
    private static final int READ_ATTEMPTS = 6;
    private static final Duration LOCK_WAIT = Duration.ofSeconds(60);

    private final Path root;

    /** @param root the layout directory (made absolute and normalized) */
    public OciLayout(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /** The layout directory. */
    public Path root() {
        return root;
    }

    /** The JSON mapper, built on first use: reading a layout needs none ({@link JsonTree}). */
    private static final class Mapper {
        static final ObjectMapper JSON = new ObjectMapper();

        private Mapper() {}
    }

    /** Shared JSON mapper (thread-safe), built on first use. */
    public static ObjectMapper json() {
        return Mapper.JSON;
    }

    /** Whether the directory holds an {@code index.json} (of any file type: reading it checks that). */
    public boolean exists() {
        return Files.exists(root.resolve("index.json"), LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * Creates the directory, {@code oci-layout}, {@code blobs/sha256} and an empty {@code index.json} if absent.
     *
     * @throws LayoutException when the directory is a symlink or not a directory
     */
    public void create() throws IOException, LayoutException {
        if (FileState.of(root).kind() != FileState.Kind.MISSING) {
            checkDirectory();
        }
        Files.createDirectories(root);
        withLock(() -> {
            Files.createDirectories(root.resolve("blobs").resolve("sha256"));
            Path marker = root.resolve("oci-layout");
            if (!Files.exists(marker, LinkOption.NOFOLLOW_LINKS)) {
                writeAtomically(marker, "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            Path index = root.resolve("index.json");
            if (!Files.exists(index, LinkOption.NOFOLLOW_LINKS)) {
                writeAtomically(index, "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return null;
        });
    }

    /**
     * Checks that the directory is still an OCI image layout: not a symlink (a command that replaced it by one would
     * lead every read elsewhere), a directory, and holding an {@code oci-layout} regular file with an
     * {@code imageLayoutVersion}.
     *
     * @throws NoSuchFileException when the directory does not exist
     * @throws LayoutException     when any of that is not so
     */
    public void check() throws IOException, LayoutException {
        checkDirectory();
        byte[] marker;
        try {
            marker = RegularFiles.read(root.resolve("oci-layout"), MAX_MARKER_BYTES).bytes();
        } catch (NoSuchFileException e) {
            throw new LayoutException("the file oci-layout is missing, so " + root + " is not an OCI image layout"
                    + " (the file holds {\"imageLayoutVersion\":\"1.0.0\"})");
        } catch (FileRefusedException e) {
            throw new LayoutException("the file oci-layout " + e.getReason() + "; refusing to use " + root);
        }
        JsonNode node;
        try {
            node = JsonTree.read(marker);
        } catch (IOException e) {
            node = null;
        }
        if (node == null || !node.path("imageLayoutVersion").isTextual()) {
            throw new LayoutException("the file oci-layout does not hold {\"imageLayoutVersion\":\"<version>\"}, so "
                    + root + " is not an OCI image layout");
        }
    }

    private void checkDirectory() throws IOException, LayoutException {
        FileState dir = FileState.of(root);
        if (dir.kind() == FileState.Kind.MISSING) {
            throw new NoSuchFileException(root.toString());
        }
        if (dir.kind() == FileState.Kind.SYMLINK) {
            throw new LayoutException("the layout directory " + root + " is a symlink; refusing to follow it"
                    + " (configure the directory it points to)");
        }
        if (dir.kind() != FileState.Kind.DIRECTORY) {
            throw new LayoutException("the layout directory " + root + " is " + dir.kind().description()
                    + ", not a directory");
        }
    }

    /**
     * Reads {@code index.json} and its {@code manifests}, after {@link #check}. Half-written JSON (a command writing
     * it right now) is retried a few times before it counts as corrupt.
     *
     * @throws NoSuchFileException when there is no index.json (or no layout directory)
     */
    public Index readIndex() throws IOException, LayoutException {
        check();
        LayoutException last = null;
        for (int attempt = 1; attempt <= READ_ATTEMPTS; attempt++) {
            byte[] bytes = readIndexBytes();
            try {
                return parseIndex(bytes);
            } catch (LayoutException e) {
                last = e;
                pause(attempt);
            }
        }
        throw last;
    }

    private static Index parseIndex(byte[] bytes) throws LayoutException {
        JsonNode node;
        try {
            node = JsonTree.read(bytes);
        } catch (JsonProcessingException e) {
            throw new LayoutException("index.json is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new LayoutException("index.json is not valid JSON: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw new LayoutException("index.json is not a JSON object");
        }
        JsonNode manifests = node.get("manifests");
        List<Descriptor> entries = new ArrayList<>();
        if (manifests != null && !manifests.isNull()) {
            if (!manifests.isArray()) {
                throw new LayoutException("index.json manifests is not an array");
            }
            for (int i = 0; i < manifests.size(); i++) {
                entries.add(Descriptor.parse(manifests.get(i), "index.json manifests[" + i + "]"));
            }
        }
        return new Index((ObjectNode) node, List.copyOf(entries), bytes);
    }

    private byte[] readIndexBytes() throws IOException, LayoutException {
        try {
            return RegularFiles.read(root.resolve("index.json"), (int) MAX_INDEX_BYTES).bytes();
        } catch (FileRefusedException e) {
            throw new LayoutException("index.json " + e.getReason() + "; refusing to use it");
        }
    }

    /**
     * Changes {@code index.json} under the layout's lock: {@code change} gets a copy of the current index (an empty
     * one when there is none) and returns the new one, which replaces the file atomically. The layout is
     * {@linkplain #check checked} first.
     */
    public void updateIndex(UnaryOperator<ObjectNode> change) throws IOException, LayoutException {
        check();
        withLock(() -> {
            for (int attempt = 1; ; attempt++) {
                byte[] before;
                ObjectNode current;
                if (Files.exists(root.resolve("index.json"), LinkOption.NOFOLLOW_LINKS)) {
                    before = readIndexBytes();
                    try {
                        current = parseIndex(before).json();
                    } catch (LayoutException e) {
                        if (attempt >= READ_ATTEMPTS) {
                            throw e;
                        }
                        pause(attempt);
                        continue;
                    }
                } else {
                    before = null;
                    current = json().createObjectNode().put("schemaVersion", 2);
                    current.putArray("manifests");
                }
                ObjectNode updated = change.apply(current.deepCopy());
                byte[] out = json().writeValueAsBytes(updated);
                Files.createDirectories(root.resolve("blobs").resolve("sha256"));
                Path tmp = Files.createTempFile(root, ".index.json.", ".tmp");
                try {
                    writeFully(tmp, out);
                    byte[] now = Files.exists(root.resolve("index.json"), LinkOption.NOFOLLOW_LINKS)
                            ? readIndexBytes() : null;
                    if (!Arrays.equals(before, now)) {
                        if (attempt >= READ_ATTEMPTS * 4) {
                            throw new LayoutException("index.json kept changing while updating it (another"
                                    + " program is writing it); gave up after " + attempt + " attempts");
                        }
                        LOG.debug("index.json of {} changed while updating it; starting over", root);
                        continue;
                    }
                    move(tmp, root.resolve("index.json"));
                    return null;
                } finally {
                    Files.deleteIfExists(tmp);
                }
            }
        });
    }

    /** Adds (or replaces, by ref name) an entry; a convenience over {@link #updateIndex}. */
    public void putEntry(ObjectNode descriptorJson, String refName) throws IOException, LayoutException {
        updateIndex(index -> {
            ArrayNode kept = json().createArrayNode();
            JsonNode manifests = index.get("manifests");
            if (manifests != null && manifests.isArray()) {
                for (JsonNode m : manifests) {
                    if (!refName.equals(m.path("annotations").path(Descriptor.REF_NAME).asText(null))) {
                        kept.add(m);
                    }
                }
            }
            ObjectNode entry = descriptorJson.deepCopy();
            JsonNode oldAnnotations = entry.get("annotations");
            ObjectNode annotations = oldAnnotations != null && oldAnnotations.isObject()
                    ? (ObjectNode) oldAnnotations : entry.putObject("annotations");
            annotations.put(Descriptor.REF_NAME, refName);
            entry.set("annotations", annotations);
            kept.add(entry);
            if (!index.has("schemaVersion")) {
                index.put("schemaVersion", 2);
            }
            index.set("manifests", kept);
            return index;
        });
    }

    /**
     * The path of a blob, refused when the digest is not {@code sha256:<64 hex>}, when the blob or a directory on
     * the way is a symlink, or when it is not a regular file.
     *
     * @throws NoSuchFileException when the blob is absent
     */
    public Path blobPath(String digest) throws IOException, LayoutException {
        if (!Digests.isValid(digest)) {
            throw new LayoutException("digest " + Descriptor.quoteShort(String.valueOf(digest))
                    + " is not sha256:<64 lowercase hex>; refusing to use it as a path");
        }
        Path blobs = root.resolve("blobs");
        Path dir = blobs.resolve("sha256");
        Path blob = dir.resolve(Digests.hex(digest));
        refuseSymlink(blobs, "blobs");
        refuseSymlink(dir, "blobs/sha256");
        BasicFileAttributes attrs = Files.readAttributes(blob, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (attrs.isSymbolicLink()) {
            throw new LayoutException("blob " + digest + " is a symlink; refusing to follow it");
        }
        if (!attrs.isRegularFile()) {
            throw new LayoutException("blob " + digest + " is not a regular file");
        }
        if (!blob.toRealPath().startsWith(root.toRealPath())) {
            throw new LayoutException("blob " + digest + " resolves outside the layout");
        }
        return blob;
    }

    /** Whether a blob is present (same checks as {@link #blobPath}, absence is {@code false}). */
    public boolean hasBlob(String digest) throws IOException, LayoutException {
        try {
            blobPath(digest);
            return true;
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    /**
     * Opens a blob for reading without following a symlink; the blob is checked before ({@link #blobPath}) and, so
     * that a blob replaced in between is noticed, its identity again after the open.
     */
    public InputStream openBlob(String digest) throws IOException, LayoutException {
        Path blob = blobPath(digest);
        FileState before = FileState.of(blob);
        InputStream in = Files.newInputStream(blob, LinkOption.NOFOLLOW_LINKS, StandardOpenOption.READ);
        if (!FileState.of(blob).sameFile(before)) {
            in.close();
            throw new LayoutException("blob " + digest + " was replaced while opening it");
        }
        return in;
    }

    /**
     * Reads a small blob (a manifest, an index, a config) into memory and checks it against its descriptor.
     *
     * @throws LayoutException when absent, too large, of the wrong size or digest
     */
    public byte[] readSmallBlob(Descriptor d, long limit, String what) throws IOException, LayoutException {
        if (d.size() > limit) {
            throw new LayoutException(what + " " + d.digest() + " claims " + d.size() + " bytes, more than the "
                    + limit + " allowed");
        }
        byte[] bytes;
        try (InputStream in = openBlob(d.digest())) {
            bytes = in.readNBytes((int) limit + 1);
        } catch (NoSuchFileException e) {
            throw new LayoutException(what + " blob " + d.digest() + " is missing from blobs/sha256");
        }
        if (bytes.length != d.size()) {
            throw new LayoutException(what + " blob " + d.digest() + " has " + bytes.length
                    + " bytes but its descriptor says " + d.size() + " (truncated or a size that lies)");
        }
        String actual = Digests.of(bytes);
        if (!actual.equals(d.digest())) {
            throw new LayoutException(what + " blob " + d.digest() + " is corrupt: its content hashes to " + actual);
        }
        return bytes;
    }

    /**
     * Checks a blob against its descriptor by streaming it (constant memory): present, a regular file, the size
     * and the digest the descriptor claims.
     */
    public void verifyBlob(Descriptor d, String what) throws IOException, LayoutException {
        Path path;
        try {
            path = blobPath(d.digest());
        } catch (NoSuchFileException e) {
            throw new LayoutException(what + " blob " + d.digest() + " is missing from blobs/sha256");
        }
        long onDisk = Files.size(path);
        if (onDisk != d.size()) {
            throw new LayoutException(what + " blob " + d.digest() + " has " + onDisk
                    + " bytes but its descriptor says " + d.size() + " (truncated or a size that lies)");
        }
        Digests.Measured m;
        try (InputStream in = openBlob(d.digest())) {
            m = Digests.measure(in);
        }
        if (m.size() != d.size()) {
            throw new LayoutException(what + " blob " + d.digest() + " changed while reading it");
        }
        if (!m.digest().equals(d.digest())) {
            throw new LayoutException(what + " blob " + d.digest() + " is corrupt: its content hashes to "
                    + m.digest());
        }
    }

    private void refuseSymlink(Path p, String name) throws LayoutException {
        if (Files.isSymbolicLink(p)) {
            throw new LayoutException(name + " is a symlink; refusing to follow it out of the layout");
        }
    }

    private interface LockedAction<T> {
        T run() throws IOException, LayoutException;
    }

    private <T> T withLock(LockedAction<T> action) throws IOException, LayoutException {
        JvmLock jvmLock = JvmLock.enter(root);
        try {
            try {
                if (!jvmLock.lock.tryLock(LOCK_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new LayoutException("timed out after " + LOCK_WAIT.toSeconds()
                            + "s waiting for the lock on " + root.resolve("index.json.lock"));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted waiting for the lock on " + root);
            }
            try {
                Path lockFile = root.resolve("index.json.lock");
                FileState lockState = FileState.of(lockFile);
                if (lockState.kind() != FileState.Kind.MISSING && lockState.kind() != FileState.Kind.REGULAR) {
                    throw new LayoutException("index.json.lock is " + lockState.kind().description()
                            + ", not a regular file; refusing to open it");
                }
                return underFileLock(lockFile, action);
            } finally {
                jvmLock.lock.unlock();
            }
        } finally {
            jvmLock.leave(root);
        }
    }

    /** How many layouts have a JVM lock entry now (for tests: none once no thread writes). */
    static int jvmLockEntries() {
        synchronized (JVM_LOCKS) {
            return JVM_LOCKS.size();
        }
    }

    /** One layout's lock in this JVM and how many threads hold or wait for it. */
    private static final class JvmLock {
        final ReentrantLock lock = new ReentrantLock();
        private int users;

        static JvmLock enter(Path root) {
            synchronized (JVM_LOCKS) {
                JvmLock l = JVM_LOCKS.computeIfAbsent(root, k -> new JvmLock());
                l.users++;
                return l;
            }
        }

        void leave(Path root) {
            synchronized (JVM_LOCKS) {
                if (--users == 0) {
                    JVM_LOCKS.remove(root, this);
                }
            }
        }
    }

    private static <T> T underFileLock(Path lockFile, LockedAction<T> action) throws IOException, LayoutException {
        try (FileChannel ch = FileChannel.open(lockFile,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, LinkOption.NOFOLLOW_LINKS)) {
            long deadline = System.nanoTime() + LOCK_WAIT.toNanos();
            FileLock lock;
            while ((lock = ch.tryLock()) == null) {
                if (System.nanoTime() > deadline) {
                    throw new LayoutException("timed out after " + LOCK_WAIT.toSeconds()
                            + "s waiting for another process's lock on " + lockFile);
                }
                sleep(20);
            }
            try {
                return action.run();
            } finally {
                lock.release();
            }
        }
    }

    private void writeAtomically(Path target, byte[] bytes) throws IOException {
        Path tmp = Files.createTempFile(root, "." + target.getFileName() + ".", ".tmp");
        try {
            writeFully(tmp, bytes);
            move(tmp, target);
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void writeFully(Path file, byte[] bytes) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer buf = ByteBuffer.wrap(bytes);
            while (buf.hasRemaining()) {
                ch.write(buf);
            }
            ch.force(true);
        }
        // createTempFile makes it 0600; layouts are read by other tools and users
        try {
            Files.setPosixFilePermissions(file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
        } catch (UnsupportedOperationException ignored) {
            // not a POSIX file system
        }
    }

    private static void move(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void pause(int attempt) throws InterruptedIOException {
        sleep(10L * attempt * attempt);
    }

    private static void sleep(long millis) throws InterruptedIOException {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted");
        }
    }

    /**
     * A parsed {@code index.json}.
     *
     * @param json    the whole document
     * @param entries its {@code manifests}, checked
     * @param bytes   the bytes read
     */
    public record Index(ObjectNode json, List<Descriptor> entries, byte[] bytes) {}
}

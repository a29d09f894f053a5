package dev.cmdimage.core.internal.registryhttp;

import dev.cmdimage.core.internal.oci.Digests;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;

/**
 * Passes a blob through while hashing and counting it; at its end (or when it runs past the expected size) it
 * fails when the bytes are not the ones the descriptor names, so a blob changed or corrupted on disk is never
 * uploaded as good. The failure is also kept in {@link #failure()} (an HTTP client may wrap it).
 */
public final class VerifyingInputStream extends FilterInputStream {
    private final String digest;
    private final long size;
    private final MessageDigest md = Digests.newSha256();
    private long count;
    private volatile IOException failure;
    private boolean checked;

    public VerifyingInputStream(InputStream in, String digest, long size) {
        super(in);
        this.digest = digest;
        this.size = size;
    }

    /** What went wrong, or {@code null}. */
    public IOException failure() {
        return failure;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        int n = super.read(b, off, len);
        if (n > 0) {
            md.update(b, off, n);
            count += n;
            if (count > size) {
                throw fail("blob " + digest + " on disk is larger than the " + size + " bytes its descriptor says");
            }
        } else if (n < 0) {
            check();
        }
        return n;
    }

    private void check() throws IOException {
        if (checked) {
            return;
        }
        checked = true;
        if (count != size) {
            throw fail("blob " + digest + " on disk has " + count + " bytes, not the " + size
                    + " its descriptor says (truncated?)");
        }
        String actual = Digests.format(md);
        if (!actual.equals(digest)) {
            throw fail("blob " + digest + " on disk is corrupt: its content hashes to " + actual);
        }
    }

    private IOException fail(String message) {
        IOException e = new IOException(message);
        failure = e;
        return e;
    }

    @Override
    public long skip(long n) throws IOException {
        throw new IOException("skip not supported");
    }

    @Override
    public boolean markSupported() {
        return false;
    }
}

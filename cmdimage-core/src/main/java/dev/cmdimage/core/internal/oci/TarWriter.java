package dev.cmdimage.core.internal.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;

/**
 * Writes a plain ustar archive of regular files (names up to 100 bytes, sizes below 8 GiB): what an OCI archive
 * needs, and nothing more. Times are zero and owners root, so the same content makes the same bytes.
 */
public final class TarWriter {
    private static final int BLOCK = 512;
    /** The largest size an 11-digit octal field holds. */
    static final long MAX_SIZE = 077777777777L;

    private final OutputStream out;

    /** Writes to {@code out}, which the caller closes. */
    public TarWriter(OutputStream out) {
        this.out = out;
    }

    /** One regular file holding {@code bytes}. */
    public void file(String name, byte[] bytes) throws IOException {
        header(name, bytes.length);
        out.write(bytes);
        pad(bytes.length);
    }

    /**
     * One regular file of {@code size} bytes read from {@code in}.
     *
     * @throws IOException when {@code in} holds fewer or more bytes than {@code size}
     */
    public void file(String name, long size, InputStream in) throws IOException {
        header(name, size);
        byte[] buffer = new byte[64 * 1024];
        long left = size;
        while (left > 0) {
            int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
            if (n < 0) {
                throw new IOException(name + " ended after " + (size - left) + " of " + size + " bytes");
            }
            out.write(buffer, 0, n);
            left -= n;
        }
        if (in.read() >= 0) {
            throw new IOException(name + " holds more than its " + size + " bytes");
        }
        pad(size);
    }

    /** The end-of-archive marker: two zero blocks. */
    public void finish() throws IOException {
        out.write(new byte[2 * BLOCK]);
        out.flush();
    }

    private void header(String name, long size) throws IOException {
        byte[] nameBytes = name.getBytes(StandardCharsets.UTF_8);
        if (nameBytes.length > 100) {
            throw new IOException("tar entry name longer than 100 bytes: " + name);
        }
        if (size < 0 || size > MAX_SIZE) {
            throw new IOException("tar entry " + name + " is too large for ustar: " + size + " bytes");
        }
        byte[] h = new byte[BLOCK];
        System.arraycopy(nameBytes, 0, h, 0, nameBytes.length);
        octal(h, 100, 8, 0644);
        octal(h, 108, 8, 0);
        octal(h, 116, 8, 0);
        octal(h, 124, 12, size);
        octal(h, 136, 12, 0);
        for (int i = 148; i < 156; i++) {
            h[i] = ' ';
        }
        h[156] = '0';
        byte[] magic = "ustar\u000000".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(magic, 0, h, 257, magic.length);
        long sum = 0;
        for (byte b : h) {
            sum += b & 0xff;
        }
        octal(h, 148, 7, sum);
        h[155] = ' ';
        out.write(h);
    }

    /** {@code width - 1} octal digits, zero-padded, then NUL. */
    private static void octal(byte[] h, int offset, int width, long value) {
        String digits = Long.toOctalString(value);
        String padded = "0".repeat(width - 1 - digits.length()) + digits;
        byte[] bytes = padded.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(bytes, 0, h, offset, bytes.length);
        h[offset + width - 1] = 0;
    }

    private void pad(long size) throws IOException {
        int rest = (int) (size % BLOCK);
        if (rest != 0) {
            out.write(new byte[BLOCK - rest]);
        }
    }
}

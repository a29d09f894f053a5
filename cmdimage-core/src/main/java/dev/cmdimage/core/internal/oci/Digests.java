package dev.cmdimage.core.internal.oci;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/** sha256 digests: validation and streaming computation. */
public final class Digests {
    private static final Pattern SHA256 = Pattern.compile("sha256:[0-9a-f]{64}");
    private static final int BUFFER = 64 * 1024;

    private Digests() {}

    /** Whether {@code digest} is exactly {@code sha256:<64 lowercase hex>}. */
    public static boolean isValid(String digest) {
        return digest != null && SHA256.matcher(digest).matches();
    }

    /** The 64 hex characters of a valid digest. */
    public static String hex(String digest) {
        if (!isValid(digest)) {
            throw new IllegalArgumentException("not a sha256 digest: " + digest);
        }
        return digest.substring("sha256:".length());
    }

    /** A fresh SHA-256 {@link MessageDigest}. */
    public static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK has no SHA-256", e);
        }
    }

    /** {@code sha256:<hex>} of what {@code md} has consumed. */
    public static String format(MessageDigest md) {
        return "sha256:" + HexFormat.of().formatHex(md.digest());
    }

    /** {@code sha256:<hex>} of {@code bytes}. */
    public static String of(byte[] bytes) {
        MessageDigest md = newSha256();
        md.update(bytes);
        return format(md);
    }

    /** Digest and length of a stream, read to its end in constant memory. */
    public static Measured measure(InputStream in) throws IOException {
        MessageDigest md = newSha256();
        byte[] buf = new byte[BUFFER];
        long total = 0;
        int n;
        while ((n = in.read(buf)) > 0) {
            md.update(buf, 0, n);
            total += n;
        }
        return new Measured(format(md), total);
    }

    /** A stream's digest and length. */
    public record Measured(String digest, long size) {}
}

package dev.cmdimage.core.internal.process;

import dev.cmdimage.api.StdStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.util.function.BiConsumer;

/**
 * Reads one output stream of a command and hands each line, without its terminator ({@code \n} or
 * {@code \r\n}), to a sink as soon as it is complete. Memory is bounded whatever the command prints: a line longer
 * than the limit is handed over cut (at a character boundary, ending with {@value #CUT_MARK}) as soon as the limit
 * is reached, and the rest of it is skipped up to its end.
 */
public final class LineReader implements Runnable {
    /** Appended to a line that was cut. */
    public static final String CUT_MARK = "\u2026";

    private static final int CHUNK = 64 * 1024; // what a Linux pipe holds

    private final InputStream in;
    private final StdStream stream;
    private final BiConsumer<StdStream, String> sink;
    private final int maxLineBytes;
    private final Charset charset;
    private volatile IOException failure;

    /**
     * @param in           the stream (closed when the end is reached)
     * @param stream       which stream it is
     * @param sink         receives the lines
     * @param maxLineBytes the longest line kept, in bytes of the encoded output
     * @param charset      the output's encoding (malformed input is replaced, never an error)
     */
    public LineReader(InputStream in, StdStream stream, BiConsumer<StdStream, String> sink, int maxLineBytes,
            Charset charset) {
        if (maxLineBytes < 1) {
            throw new IllegalArgumentException("maxLineBytes must be at least 1: " + maxLineBytes);
        }
        this.in = in;
        this.stream = stream;
        this.sink = sink;
        this.maxLineBytes = maxLineBytes;
        this.charset = charset;
    }

    /** The read error that ended reading early, if any. */
    public IOException failure() {
        return failure;
    }

    @Override
    public void run() {
        byte[] chunk = new byte[CHUNK];
        byte[] line = new byte[Math.min(maxLineBytes, 1024)];
        int length = 0;
        boolean skipping = false; // the current line was cut and handed over; drop bytes up to its end
        try (InputStream input = in) {
            int n;
            while ((n = input.read(chunk)) >= 0) {
                int pos = 0;
                while (pos < n) {
                    int newline = indexOf(chunk, pos, n, (byte) '\n');
                    int end = newline < 0 ? n : newline;
                    if (newline >= 0 && length == 0 && !skipping && end - pos <= maxLineBytes) {
                        emit(chunk, pos, end); // the whole line is in this chunk: no copy
                        pos = newline + 1;
                        continue;
                    }
                    if (!skipping) {
                        int count = end - pos;
                        if (length + count > maxLineBytes) {
                            int fits = maxLineBytes - length;
                            line = ensure(line, maxLineBytes, maxLineBytes);
                            System.arraycopy(chunk, pos, line, length, fits);
                            length = maxLineBytes;
                            emitCut(line, length, chunk[pos + fits]);
                            skipping = true;
                        } else {
                            line = ensure(line, maxLineBytes, length + count);
                            System.arraycopy(chunk, pos, line, length, count);
                            length += count;
                        }
                    }
                    if (newline < 0) {
                        break;
                    }
                    if (!skipping) {
                        emit(line, length);
                    }
                    length = 0;
                    skipping = false;
                    pos = newline + 1;
                }
            }
            if (length > 0 && !skipping) {
                emit(line, length);
            }
        } catch (IOException e) {
            failure = e;
            if (length > 0 && !skipping) {
                emit(line, length);
            }
        }
    }

    private void emit(byte[] line, int length) {
        emit(line, 0, length);
    }

    private void emit(byte[] bytes, int from, int to) {
        int end = to;
        if (end > from && bytes[end - 1] == '\r') {
            end--;
        }
        sink.accept(stream, new String(bytes, from, end - from, charset));
    }

    /** Hands over a cut line, backing off so that no multi-byte UTF-8 sequence is split. */
    private void emitCut(byte[] line, int length, byte next) {
        int end = length;
        if (isContinuation(next)) {
            int back = end;
            while (back > 0 && length - back < 3 && isContinuation(line[back - 1])) {
                back--;
            }
            if (back > 0 && (line[back - 1] & 0xC0) == 0xC0) {
                end = back - 1;
            }
        }
        sink.accept(stream, new String(line, 0, end, charset) + CUT_MARK);
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xC0) == 0x80;
    }

    /** Grows {@code buffer} to hold {@code size} bytes, never beyond {@code cap}. */
    private static byte[] ensure(byte[] buffer, int cap, int size) {
        if (size <= buffer.length) {
            return buffer;
        }
        int grown = buffer.length;
        while (grown < size) {
            grown = grown * 2;
        }
        grown = Math.min(grown, cap);
        byte[] bigger = new byte[grown];
        System.arraycopy(buffer, 0, bigger, 0, buffer.length);
        return bigger;
    }

    private static int indexOf(byte[] bytes, int from, int to, byte b) {
        for (int i = from; i < to; i++) {
            if (bytes[i] == b) {
                return i;
            }
        }
        return -1;
    }
}

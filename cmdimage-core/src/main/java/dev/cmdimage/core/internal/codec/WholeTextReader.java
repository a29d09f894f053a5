package dev.cmdimage.core.internal.codec;

import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;
import org.yaml.snakeyaml.scanner.Constant;

import java.io.StringReader;

/**
 * SnakeYAML's {@link StreamReader} over a text that is already in memory, in time linear in its length.
 *
 * <p>SnakeYAML's own reader keeps a window of the text and copies all of it each time the scanner looks 1024
 * characters further, so one long token (a comment line, a long word or number) took time growing with the square of
 * its length: 29 s for a 10 MB comment. This one converts the text to code points once and looks anywhere in
 * constant time; otherwise it behaves as SnakeYAML's (the same marks, line and column counting, and the same error
 * for a character YAML does not allow). Every public method of {@link StreamReader} (SnakeYAML 2.0 to 2.5) is
 * replaced; the parent's state stays empty.
 */
final class WholeTextReader extends StreamReader {
    private static final String NAME = "'reader'";
    /** How far ahead of the scanner characters are checked, as SnakeYAML's reader checks each chunk it reads. */
    private static final int CHECK_AHEAD = 1024;

    private final int[] codePoints;
    private int pointer;
    private int checked;
    private int line;
    private int column;
    private int documentIndex;

    WholeTextReader(String text) {
        super(new StringReader(""));
        this.codePoints = text.codePoints().toArray();
    }

    @Override
    public Mark getMark() {
        return new Mark(NAME, pointer, line, column, codePoints, pointer);
    }

    @Override
    public void forward() {
        forward(1);
    }

    @Override
    public void forward(int length) {
        for (int i = 0; i < length && available(0); i++) {
            int c = codePoints[pointer++];
            documentIndex++;
            if (Constant.LINEBR.has(c) || (c == '\r' && available(0) && codePoints[pointer] != '\n')) {
                line++;
                column = 0;
            } else if (c != 0xFEFF) {
                column++;
            }
        }
    }

    @Override
    public int peek() {
        return peek(0);
    }

    @Override
    public int peek(int index) {
        return available(index) ? codePoints[pointer + index] : '\0';
    }

    @Override
    public String prefix(int length) {
        if (length <= 0) {
            return "";
        }
        int n = Math.min(length, codePoints.length - pointer);
        if (n <= 0) {
            return "";
        }
        available(n - 1);
        return new String(codePoints, pointer, n);
    }

    @Override
    public String prefixForward(int length) {
        String prefix = prefix(length);
        pointer += length;
        documentIndex += length;
        column += length; // as SnakeYAML: a prefix never holds a line break
        return prefix;
    }

    @Override
    public int getColumn() {
        return column;
    }

    @Override
    public int getIndex() {
        return pointer;
    }

    @Override
    public int getLine() {
        return line;
    }

    /** Newer SnakeYAML counts its code point limit per document; not an override in SnakeYAML 2.0. */
    public int getDocumentIndex() {
        return documentIndex;
    }

    /** See {@link #getDocumentIndex()}. */
    public void resetDocumentIndex() {
        documentIndex = 0;
    }

    /** Whether there is a character at {@code pointer + index}, checked to be one YAML allows. */
    private boolean available(int index) {
        int at = pointer + index;
        if (at >= codePoints.length) {
            return false;
        }
        if (at >= checked) {
            int end = Math.min(codePoints.length, at + CHECK_AHEAD);
            for (int i = checked; i < end; i++) {
                if (!isPrintable(codePoints[i])) {
                    throw new ReaderException(NAME, i, codePoints[i], "special characters are not allowed");
                }
            }
            checked = end;
        }
        return true;
    }
}

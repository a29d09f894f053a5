package dev.cmdimage.core;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.InputStream;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * The codec's limits on hostile input: each refused with one problem, in time linear in the input, before
 * anything is built. The timeouts are hang bounds, many times what the reads take.
 */
class CodecLimitsTest {
    @org.junit.jupiter.api.io.TempDir
    java.nio.file.Path tmp;

    /** A FIFO nobody writes to would block open() forever: readText(Path) refuses it before opening it. */
    @Test
    @Timeout(30)
    void readingAPathRefusesAFifoBeforeOpeningIt() throws Exception {
        java.nio.file.Path fifo = tmp.resolve("objects.yaml");
        dev.cmdimage.core.testing.Fifos.make(fifo);

        java.nio.file.FileSystemException e = catchThrowableOfType(java.nio.file.FileSystemException.class,
                () -> CmdImageCodec.create().readText(fifo, "objects.yaml"));

        assertThat(e.getFile()).isEqualTo("objects.yaml");
        assertThat(e.getReason()).isEqualTo("is a FIFO (named pipe), not a regular file");
        assertThatThrownBy(() -> CmdImageSet.builder().file(fifo))
                .isInstanceOf(java.nio.file.FileSystemException.class).hasMessageContaining("not a regular file");
    }

    @Test
    void readingAPathIsBoundedLikeAStream() throws Exception {
        java.nio.file.Path big = tmp.resolve("big.yaml");
        java.nio.file.Files.writeString(big, "#" + "x".repeat(100));

        ValidationException e = catchThrowableOfType(ValidationException.class,
                () -> CmdImageCodec.builder().maxInputSize(64).build().readText(big, "big.yaml"));

        assertThat(e.problems()).singleElement().extracting(Problem::field).isEqualTo("big.yaml");
    }

    private static final String ONE = "apiVersion: tilt.dev/v1alpha1\nkind: CmdImage\nmetadata: {name: a}\n"
            + "spec: {ref: a, args: [x]}\n";
    private static final int MIB = 1024 * 1024;

    private final CmdImageCodec codec = CmdImageCodec.create();

    @Test
    @Timeout(30)
    void refusesTextLargerThanTheLimitBeforeParsingIt() {
        String text = ONE + "#" + "x".repeat(10 * MIB) + "\n";

        ValidationException e = catchThrowableOfType(ValidationException.class, () -> codec.read(text, "big.yaml"));

        assertThat(e.problems()).extracting(Problem::toString).containsExactly("big.yaml: Invalid value: larger than"
                + " 8388608 characters (8 MiB), the most the codec reads; nothing was parsed");
    }

    @Test
    void theLimitIsSetOnTheBuilder() throws ValidationException {
        CmdImageCodec small = CmdImageCodec.builder().maxInputSize(ONE.length()).build();

        assertThat(small.read(ONE, "f")).hasSize(1);
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> small.read(ONE + "\n", "f"));
        assertThat(e.problems()).extracting(Problem::toString).containsExactly("f: Invalid value: larger than "
                + ONE.length() + " characters (" + ONE.length() + " B), the most the codec reads; nothing was parsed");
        assertThat(CmdImageCodec.builder().build()).isSameAs(CmdImageCodec.create());
        assertThatThrownBy(() -> CmdImageCodec.builder().maxInputSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    @Timeout(30)
    void readTextStopsReadingAnEndlessStreamAtTheLimit() {
        Zeros zeros = new Zeros();

        ValidationException e = catchThrowableOfType(ValidationException.class, () -> codec.readText(zeros, "stdin"));

        assertThat(e.problems()).extracting(Problem::toString).containsExactly("stdin: Invalid value: larger than"
                + " 8388608 bytes (8 MiB), the most the codec reads; nothing was parsed");
        assertThat(zeros.served).isEqualTo(8L * MIB + 1);
    }

    @Test
    void readTextCountsBytesAndDecodesUtf8() throws Exception {
        byte[] bytes = "é€".getBytes(StandardCharsets.UTF_8); // 5 bytes, 2 characters

        assertThat(CmdImageCodec.builder().maxInputSize(5).build().readText(new ByteArrayInputStream(bytes), "f"))
                .isEqualTo("é€");
        assertThatThrownBy(() -> CmdImageCodec.builder().maxInputSize(4).build()
                .readText(new ByteArrayInputStream(bytes), "f")).isInstanceOf(ValidationException.class)
                .hasMessage("f: Invalid value: larger than 4 bytes (4 B), the most the codec reads; nothing was parsed");
        assertThatThrownBy(() -> codec.readText(new ByteArrayInputStream(new byte[] {(byte) 0xC3}), "f"))
                .isInstanceOf(java.nio.charset.CharacterCodingException.class);
    }

    /** A 10 MB comment took 29 s (quadratic scanning); just under the limit it is read in well under a second. */
    @Test
    @Timeout(20)
    void readsLongCommentsAndTokensInLinearTime() throws ValidationException {
        String comment = ONE + "#" + "x".repeat(8 * MIB - ONE.length() - 100) + "\n";
        assertThat(codec.read(comment, "c")).hasSize(1);

        String longWords = ONE.replace("args: [x]", "args: [" + "a".repeat(3 * MIB) + ", \"" + "b".repeat(3 * MIB)
                + "\"]");
        CmdImage image = (CmdImage) codec.read(longWords, "w").get(0);
        assertThat(image.spec().args()).extracting(String::length).containsExactly(3 * MIB, 3 * MIB);
    }

    @Test
    @Timeout(20)
    void aNumberOfAMillionDigitsIsAProblemNotAWait() {
        String digits = "1".repeat(1_000_000);

        ValidationException yaml = catchThrowableOfType(ValidationException.class,
                () -> codec.read(ONE + "extra: " + digits + "\n", "n.yaml"));
        ValidationException json = catchThrowableOfType(ValidationException.class,
                () -> codec.read("{\"kind\": \"CmdImage\", \"extra\": " + digits + "}", "n.json"));

        assertThat(yaml.problems()).extracting(Problem::toString).containsExactly("n.yaml: line 5, column 8: Invalid"
                + " value: YAML syntax error: a number of 1000000 characters (at most 1000)");
        // Jackson's words (2.15: "Number length (1000000) exceeds the maximum length (1000)")
        assertThat(json.problems()).singleElement().asString().startsWith("n.json: Invalid value: JSON syntax error:"
                + " Number").contains("(1000000)").contains("(1000)");
    }

    /** 3000 aliases of a 1 MB scalar are 3 GB of text once expanded (printing them ran out of memory). */
    @Test
    @Timeout(30)
    void aliasesOfALongScalarCountItsCharacters() throws ValidationException {
        String bomb = "apiVersion: tilt.dev/v1alpha1\nkind: CmdImage\nmetadata:\n  name: a\n"
                + "  annotations: {b: &b " + "a".repeat(1_000_000) + "}\nspec:\n  ref: a\n  args: ["
                + "*b, ".repeat(3000) + "*b]\n";

        ValidationException e = catchThrowableOfType(ValidationException.class, () -> codec.readValid(bomb, "b"));

        assertThat(e.problems()).singleElement().asString().startsWith("b: line 8, column ").endsWith(
                ": Invalid value: YAML syntax error: more than 16777216 characters in one document once its aliases"
                        + " are expanded");
        // aliases of scalars that stay under the budget are fine
        List<ApiObject> ok = codec.read(bomb.replace("a".repeat(1_000_000), "a".repeat(1000)), "ok");
        assertThat(((CmdImage) ok.get(0)).spec().args()).hasSize(3001);
    }

    @Test
    void nestingDeeperThanAThousandLevelsIsAProblem() {
        ValidationException yaml = catchThrowableOfType(ValidationException.class,
                () -> codec.read("kind: CmdImage\nextra: " + "[".repeat(100_000) + "\n", "deep.yaml"));
        ValidationException json = catchThrowableOfType(ValidationException.class,
                () -> codec.read("{\"kind\": \"CmdImage\", \"extra\": " + "[".repeat(100_000), "deep.json"));

        assertThat(yaml.problems()).singleElement().asString()
                .contains("YAML syntax error: nested more than 1000 levels deep");
        assertThat(json.problems()).singleElement().asString().contains("JSON syntax error:").contains("1000");
    }

    /** An endless stream of zero bytes, counting what it served. */
    private static final class Zeros extends InputStream {
        long served;

        @Override
        public int read() {
            served++;
            return 0;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            served += len;
            java.util.Arrays.fill(b, off, off + len, (byte) 0);
            return len;
        }
    }
}

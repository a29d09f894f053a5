package dev.cmdimage.core.internal.codec;

import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.reader.ReaderException;
import org.yaml.snakeyaml.reader.StreamReader;

import java.io.StringReader;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/** {@link WholeTextReader} behaves as SnakeYAML's own reader, under every SnakeYAML the codec supports. */
class YamlWholeTextReaderTest {
    /** A SnakeYAML that adds a public method to its reader would find the parent's empty state behind it. */
    @Test
    void replacesEveryPublicMethodOfSnakeYamlsReader() {
        List<String> missing = new ArrayList<>();
        for (Method m : StreamReader.class.getDeclaredMethods()) {
            if (Modifier.isPublic(m.getModifiers()) && !Modifier.isStatic(m.getModifiers())) {
                try {
                    WholeTextReader.class.getDeclaredMethod(m.getName(), m.getParameterTypes());
                } catch (NoSuchMethodException e) {
                    missing.add(m.toString());
                }
            }
        }
        assertThat(missing).isEmpty();
    }

    @Test
    void answersAsSnakeYamlsReaderDoes() {
        String text = "a: b\r\nc:\r  - d\u0085e\u2028f\n\ufeffg # comment \u00e9\ud83d\ude00\n\n" + "x".repeat(3000)
                + "\nlast";
        Random random = new Random(7);
        StreamReader theirs = new StreamReader(new StringReader(text));
        WholeTextReader ours = new WholeTextReader(text);
        for (int step = 0; step < 2000; step++) {
            int n = random.nextInt(40);
            switch (random.nextInt(4)) {
                case 0 -> assertThat(ours.peek(n)).as("peek(%d) at step %d", n, step).isEqualTo(theirs.peek(n));
                case 1 -> assertThat(ours.prefix(n)).as("prefix(%d) at step %d", n, step).isEqualTo(theirs.prefix(n));
                case 2 -> {
                    ours.forward(n);
                    theirs.forward(n);
                }
                default -> {
                    ours.forward();
                    theirs.forward();
                }
            }
            assertThat(position(ours)).as("step %d", step).isEqualTo(position(theirs));
        }
        assertThat(ours.peek()).isEqualTo(theirs.peek()).isEqualTo('\0');
    }

    @Test
    void refusesTheCharactersSnakeYamlRefuses() {
        String text = "a: b\nc: d\u0007e\n";
        ReaderException theirs = catchThrowableOfType(ReaderException.class, () -> drain(new StreamReader(
                new StringReader(text))));
        ReaderException ours = catchThrowableOfType(ReaderException.class, () -> drain(new WholeTextReader(text)));

        assertThat(ours).hasMessage(theirs.getMessage());
        assertThat(ours.getCodePoint()).isEqualTo(7);
    }

    private static void drain(StreamReader reader) {
        while (reader.peek() != '\0') {
            reader.forward();
        }
    }

    private static List<Integer> position(StreamReader r) {
        Mark mark = r.getMark();
        return Arrays.asList(r.getIndex(), r.getLine(), r.getColumn(), mark.getIndex(), mark.getLine(),
                mark.getColumn());
    }
}

package dev.cmdimage.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.core.internal.process.OutputTail;
import org.junit.jupiter.api.Test;

/** The one bounded tail of a command's output, used by the process runner and by the pipeline's errors. */
class OutputTailTest {
    @Test
    void keepsTheLastLinesOldestFirst() {
        OutputTail tail = new OutputTail(2);
        tail.add("a");
        tail.add("b");
        tail.add("c");

        assertThat(tail.snapshot()).containsExactly("b", "c");
    }

    @Test
    void cutsLongLinesWhenALengthIsGivenAndKeepsThemWholeOtherwise() {
        OutputTail cut = new OutputTail(1, 3);
        OutputTail whole = new OutputTail(1);
        cut.add("abcdef");
        whole.add("abcdef");

        assertThat(cut.snapshot()).containsExactly("abc…");
        assertThat(whole.snapshot()).containsExactly("abcdef");
    }

    @Test
    void aCapacityOfZeroKeepsNothing() {
        OutputTail tail = new OutputTail(0);
        tail.add("a");

        assertThat(tail.snapshot()).isEmpty();
    }
}

package dev.cmdimage.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Control characters in text from elsewhere, written as escapes before it reaches a terminal or a build log. */
class ControlCharactersTest {
    @Test
    void escapesC0AndC1ControlsAndDeleteButKeepsTabsAndNewlines() {
        assertThat(ControlCharacters.escape("\u001b]0;owned\u0007 \u001b[2Jred\u0000\r\tnext\nline\u009b\u007f\u0085"))
                .isEqualTo("\\x1b]0;owned\\x07 \\x1b[2Jred\\x00\\x0d\tnext\nline\\u009b\\x7f\\u0085");
    }

    @Test
    void escapeLineEscapesNewlinesTooSoTheTextStaysOnOneLine() {
        assertThat(ControlCharacters.escapeLine("one\ntwo\r\n\tthree\u001b[8m"))
                .isEqualTo("one\\x0atwo\\x0d\\x0a\tthree\\x1b[8m");
    }

    @Test
    void leavesOtherTextAsItIs() {
        String text = "plain ünïcödé\t→ text\n";
        assertThat(ControlCharacters.escape(text)).isSameAs(text);
        assertThat(ControlCharacters.escapeLine("plain\ttext")).isEqualTo("plain\ttext");
        assertThat(ControlCharacters.escape("")).isEmpty();
    }
}

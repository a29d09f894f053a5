package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code cmdimage completion bash|zsh}, the script sourced into a real bash. */
class CompletionCommandTest {
    @TempDir
    Path tmp;

    @Test
    void theBashScriptCompletesCommandsOptionsAndTheirValues() throws Exception {
        CliRun run = CliRun.run(tmp, "completion", "bash");
        assertThat(run.exit).isEqualTo(0);
        Files.writeString(tmp.resolve("cmdimage.bash"), run.out);

        assertThat(complete("cmdimage bu")).containsExactly("build");
        assertThat(complete("cmdimage ")).contains("build", "validate", "watch", "help", "completion");
        assertThat(complete("cmdimage build --par")).containsExactly("--parallelism");
        assertThat(complete("cmdimage build --color ")).containsExactlyInAnyOrder("auto", "always", "never");
        assertThat(complete("cmdimage watch -")).contains("-f", "--file", "-v", "--quiet", "--timeout");
        assertThat(complete("cmdimage completion ")).containsExactlyInAnyOrder("bash", "zsh");
    }

    @Test
    void theZshScriptIsTheSameScriptWhichLoadsBashcompinitUnderZsh() {
        CliRun zsh = CliRun.run(tmp, "completion", "zsh");

        assertThat(zsh.exit).isEqualTo(0);
        assertThat(zsh.out).isEqualTo(CliRun.run(tmp, "completion", "bash").out)
                .contains("ZSH_VERSION").contains("bashcompinit").contains("complete -F _complete_cmdimage");
    }

    /** What bash offers for {@code line} (the cursor at its end), with the script sourced. */
    private java.util.List<String> complete(String line) throws Exception {
        String words = line.endsWith(" ") ? line + "''" : line;
        String script = "source ./cmdimage.bash\n"
                + "COMP_LINE=" + TestYaml.quote(line) + "; COMP_POINT=${#COMP_LINE}\n"
                + "COMP_WORDS=(" + words + "); COMP_CWORD=$(( ${#COMP_WORDS[@]} - 1 ))\n"
                + "_complete_cmdimage\n"
                + "printf '%s\\n' \"${COMPREPLY[@]}\"\n";
        Process bash = new ProcessBuilder("bash", "-c", script).directory(tmp.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD) // compopt: not in an interactive completion
                .start();
        String out = new String(bash.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(bash.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(bash.exitValue()).as(out).isEqualTo(0);
        return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }
}

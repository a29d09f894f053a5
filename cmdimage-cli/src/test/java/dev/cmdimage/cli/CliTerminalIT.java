package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real jar on a real terminal: a tmux session of its own (its own server, its socket in the temporary directory)
 * runs it with stderr on the pane's pty (stdout to a file, or on the pty too), and the test reads the screen as the
 * terminal renders it. And the same jar on a pipe, for contrast, and watch's exit status on SIGTERM.
 */
class CliTerminalIT {
    private static final String ESC = "\u001b";
    /** A status line: {@code [name] <spinner> <elapsed> <step>}. */
    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^\\[(\\w+)\\] [-\\\\|/] (\\d+)s (\\S.*)$");

    @TempDir
    Path tmp;


    @BeforeEach
    void file() throws IOException {
        Tools.require("tmux");
        // fast ends at once; slow1 and slow2 run until the test creates the file go (at most 60s)
        String wait = "echo started; i=0; while [ ! -e go ] && [ $i -lt 600 ]; do sleep 0.1; i=$((i+1)); done;"
                + " echo finishing";
        Files.writeString(tmp.resolve("builds.yaml"), TestYaml.remote("fast", "echo fast line")
                + TestYaml.remote("slow1", wait) + TestYaml.remote("slow2", wait));
    }

    @AfterEach
    void killTmuxServer() throws Exception {
        Files.writeString(tmp.resolve("go"), "");
        tmux("kill-server"); // this test's own server only
    }

    @Test
    void aTerminalGetsColorsAndOneLiveStatusLinePerBuildInFlight() throws Exception {
        start("", "build builds.yaml");

        // each shows the step it is in: running its command
        await().atMost(Duration.ofSeconds(60)).until(() -> running(screen()));
        List<String[]> first = statusLines(screen());
        assertThat(names(first)).isEqualTo(SLOW);
        // the elapsed time moves on while nothing else happens
        int elapsed = Integer.parseInt(first.get(0)[1]);
        await().atMost(Duration.ofSeconds(30)).until(() -> statusLines(screen()).stream()
                .anyMatch(l -> l[0].equals(first.get(0)[0]) && Integer.parseInt(l[1]) >= elapsed + 2));
        String colored = screenWithEscapes();
        assertThat(colored).contains(ESC + "[36m[fast]").contains(ESC + "[35m[slow1]").contains(ESC + "[34m[slow2]")
                .contains(ESC + "[32mcompleted: fast:tilt-build-");

        Files.writeString(tmp.resolve("go"), "");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(tmp.resolve("exit.txt")));

        assertThat(Files.readString(tmp.resolve("exit.txt")).strip()).isEqualTo("0");
        String end = screen();
        assertThat(statusLines(end)).as(end).isEmpty();
        assertThat(end).contains("[fast] fast line", "[slow1] started", "[slow2] finishing",
                "[slow1] completed: slow1:tilt-build-", "[slow2] completed: slow2:tilt-build-")
                // condensed: the steps were only shown in the status lines
                .doesNotContain("run: running", "done in");
        // stdout, a file, holds the List, plain
        String out = Files.readString(tmp.resolve("out.yaml"));
        assertThat(out).doesNotContain(ESC);
        assertThat(CliJarIT.objects(out)).filteredOn(o -> o instanceof CmdImage).extracting(ApiObject::name)
                .containsExactly("fast", "slow1", "slow2");
    }

    @Test
    void noColorKeepsTheStatusLinesWithoutColorsAndVerbosePrintsTheStepsToo() throws Exception {
        start("NO_COLOR=1", "build -v builds.yaml");

        await().atMost(Duration.ofSeconds(60)).until(() -> names(statusLines(screen())).equals(SLOW));
        assertThat(screenWithEscapes()).doesNotContainPattern(ESC + "\\[3\\dm").doesNotContain(ESC + "[1m");

        Files.writeString(tmp.resolve("go"), "");
        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(tmp.resolve("exit.txt")));
        String end = screen();
        assertThat(statusLines(end)).as(end).isEmpty();
        assertThat(end).contains("[fast] run: running [sh, -c, echo fast line]", "[slow1] run done in")
                .containsPattern("cmdimage: debug: JdkProcessRunner: started");
    }

    @Test
    void watchKeepsItsStatusLinesBelowWhatItPrintsOnTheSameTerminalAndCtrlCEndsItWith130() throws Exception {
        start("", "watch builds.yaml", false);

        await().atMost(Duration.ofSeconds(60)).until(() -> running(screen()));
        // stdout's YAML documents scroll above the status lines too: they stay the last lines, each once
        await().atMost(Duration.ofSeconds(30)).until(() -> screen().contains("ref: fast:tilt-build-"));
        String screen = screen();
        List<String> lines = screen.lines().filter(l -> !l.isBlank()).toList();
        assertThat(lines).as(screen).contains("kind: CmdImage");
        assertThat(statusLines(String.join("\n", lines.subList(lines.size() - 2, lines.size())))).as(screen).hasSize(2);
        assertThat(statusLines(screen)).as(screen).hasSize(2);

        tmux("send-keys", "-t", "0", "C-c");

        await().atMost(Duration.ofSeconds(60)).until(() -> Files.exists(tmp.resolve("exit.txt")));
        assertThat(Files.readString(tmp.resolve("exit.txt")).strip()).isEqualTo("130");
        String end = screen();
        assertThat(statusLines(end)).as(end).isEmpty();
        assertThat(end).contains("[slow1] completed with error: build cancelled");
    }

    @Test
    void aPipeGetsPlainLinesWithEveryStep() throws IOException {
        Files.writeString(tmp.resolve("go"), "");

        JarProcess run = JarProcess.run(tmp, "build", "builds.yaml");

        assertThat(run.exit()).as(run.toString()).isEqualTo(0);
        assertThat(run.err()).doesNotContain(ESC).contains("[fast] run: running [sh, -c, echo fast line]")
                .contains("[fast] run done in ");
        assertThat(STATUS_LINE.matcher(run.err()).find()).isFalse();
    }

    @Test
    void watchExitsWith143OnSigterm() {
        try (JarProcess run = JarProcess.start(tmp, java.util.Map.of(), null, "watch", "builds.yaml")) {
            await().atMost(Duration.ofSeconds(60)).until(() -> run.err().contains("[slow1] started"));

            run.terminate();

            assertThat(run.waitFor(Duration.ofSeconds(60))).as(run.toString()).isEqualTo(128 + 15);
        }
    }

    /** Starts the jar in a detached tmux session, stderr on its terminal, stdout to out.yaml, status to exit.txt. */
    private void start(String env, String args) throws Exception {
        start(env, args, true);
    }

    /** Starts the jar in a detached tmux session, stderr (and stdout unless {@code stdoutToFile}) on its terminal. */
    private void start(String env, String args, boolean stdoutToFile) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        String command = "cd '" + tmp + "' && env " + env + " '" + java + "' -jar '" + JarProcess.JAR + "' " + args
                + (stdoutToFile ? " > out.yaml" : "") + "; echo $? > exit.txt; sleep 600";
        tmux("new-session", "-d", "-x", "160", "-y", "50", command);
    }

    /** The pane as the terminal shows it now, text only. */
    private String screen() throws Exception {
        return tmux("capture-pane", "-p", "-t", "0");
    }

    /** The pane as the terminal shows it now, with its colors as escape sequences. */
    private String screenWithEscapes() throws Exception {
        return tmux("capture-pane", "-p", "-e", "-t", "0");
    }

    private static final java.util.Set<String> SLOW = java.util.Set.of("slow1", "slow2");

    /** Whether the screen shows the status lines of slow1 and slow2 running their commands, and no other. */
    private static boolean running(String screen) {
        List<String[]> lines = statusLines(screen);
        return names(lines).equals(SLOW) && lines.size() == 2
                && lines.stream().allMatch(l -> l[2].startsWith("run: running [sh, -c, echo started;"));
    }

    private static java.util.Set<String> names(List<String[]> statusLines) {
        return statusLines.stream().map(l -> l[0]).collect(java.util.stream.Collectors.toSet());
    }

    /** The status lines of a screen: name, elapsed seconds, step. */
    private static List<String[]> statusLines(String screen) {
        List<String[]> lines = new ArrayList<>();
        Matcher m = STATUS_LINE.matcher(screen);
        while (m.find()) {
            lines.add(new String[] {m.group(1), m.group(2), m.group(3)});
        }
        return lines;
    }

    private String tmux(String... args) throws Exception {
        // a server of this test's own, its socket in the temporary directory (so nothing is left in /tmp/tmux-UID)
        List<String> command = new ArrayList<>(List.of("tmux", "-S", tmp.resolve("tmux.socket").toString()));
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError("tmux " + args[0] + " did not end");
        }
        return out;
    }
}

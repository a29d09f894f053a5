package dev.cmdimage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.process.BigOutputMain;
import dev.cmdimage.core.process.Processes;
import dev.cmdimage.core.process.Processes.GroupAndSession;
import dev.cmdimage.core.process.ShutdownHookMain;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessResult.Termination;
import dev.cmdimage.spi.ProcessRunner.LineConsumer;
import dev.cmdimage.spi.ProcessSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs real processes (Linux: /proc, sh, sleep, setsid) through {@link JdkProcessRunner}. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JdkProcessRunnerTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    /** The most processes a fork-loop test starts: a runner that cannot stop it must not exhaust the machine's pids. */
    private static final int FORKS = 5000;
    private static ExecutorService executor;

    @TempDir
    Path dir;

    private final JdkProcessRunner runner = new JdkProcessRunner();
    private final String marker = Processes.marker();
    private final Lines lines = new Lines();

    @BeforeAll
    static void startExecutor() {
        executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "test-run");
            t.setDaemon(true);
            return t;
        });
    }

    @AfterAll
    static void stopExecutor() {
        executor.shutdownNow();
    }

    @AfterEach
    void noMarkedProcessLeftBehind() {
        runner.close();
        List<String> left = Processes.withMarker(marker);
        Processes.killMarked(marker);
        assertThat(left).as("processes left behind by the test").isEmpty();
    }

    // ---- what the command gets ------------------------------------------------------------------------------

    @Test
    void theCommandGetsExactlyTheGivenEnvironment() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("CMDIMAGE_A", "one");
        env.put("EXPECTED_REF", "example.com/app:tilt-1");
        env.put("WITH_SPACES", "a b  c");

        ProcessResult result = run(spec(List.of("env"), env, null));

        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT)).containsExactlyInAnyOrder(
                "PATH=/usr/bin:/bin", "CMDIMAGE_A=one", "EXPECTED_REF=example.com/app:tilt-1", "WITH_SPACES=a b  c");
        assertThat(System.getenv()).as("the JVM has variables that must not leak").isNotEmpty();
    }

    @Test
    void theCommandRunsInTheGivenDirectory() throws Exception {
        Path sub = Files.createDirectories(dir.resolve("work dir"));

        run(spec(List.of("sh", "-c", "pwd -P; ls"), ENV, null, sub));
        Files.writeString(sub.resolve("marker-file"), "x");
        lines.clear();
        run(spec(List.of("sh", "-c", "pwd -P; ls"), ENV, null, sub));

        assertThat(lines.of(StdStream.STDOUT)).containsExactly(sub.toRealPath().toString(), "marker-file");
    }

    @Test
    void argumentsAreNotInterpretedByAShell() throws Exception {
        run(spec(List.of("printf", "%s|", "$HOME", "a b", "*", "`id`"), ENV, null));

        assertThat(lines.of(StdStream.STDOUT)).containsExactly("$HOME|a b|*|`id`|");
    }

    @Test
    void theCommandRunsInASessionOfItsOwn() throws Exception {
        assertThat(runner.newSession()).as("perl (perl-base) and setsid (util-linux) are essential on Debian").isTrue();
        assertThat(runner.toString()).contains("supervisor=/usr/bin/perl");

        // /proc/self/stat of the shell: "pid (comm) state ppid pgrp session ..."
        ProcessResult result = run(spec(List.of("sh", "-c", "cat /proc/$$/stat"), ENV, null));

        assertThat(result.exitCode()).isZero();
        String stat = lines.of(StdStream.STDOUT).get(0);
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
        GroupAndSession jvm = Processes.groupAndSession(ProcessHandle.current().pid());
        assertThat(Long.parseLong(fields[2])).as("process group").isEqualTo(pid);
        assertThat(Long.parseLong(fields[3])).as("session (the supervisor's)").isNotEqualTo(jvm.session());
        assertThat(pid).isNotEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void throughSetsidTheCommandLeadsItsOwnSession() throws Exception {
        JdkProcessRunner setsid = JdkProcessRunner.builder().supervised(false).build();
        assertThat(setsid.newSession()).isTrue();
        assertThat(setsid.toString()).contains("setsid=");

        ProcessResult result = setsid.run(spec(List.of("sh", "-c", "echo $$"), ENV, null), lines,
                Cancellation.never());

        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT)).hasSize(1);
    }

    @Test
    void perlsVariablesAndAMissingLocaleReachTheCommandAndNothingElse() throws Exception {
        // the supervisor is a perl script: a user's PERL5OPT must not load a module into it, and perl's warning
        // about a locale that is not installed must not end up in the command's output
        Map<String, String> env = new LinkedHashMap<>();
        env.put("PATH", "/usr/bin:/bin");
        env.put("PERL5OPT", "-Mno::such::module");
        env.put("PERL5LIB", dir.resolve("perl-lib").toString());
        env.put("LANG", "xx_XX.UTF-8");
        env.put("LC_ALL", "xx_XX.UTF-8");

        ProcessResult result = run(spec(List.of("env"), env, null));

        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDERR)).isEmpty();
        assertThat(lines.of(StdStream.STDOUT)).containsExactlyInAnyOrder("PATH=/usr/bin:/bin",
                "PERL5OPT=-Mno::such::module", "PERL5LIB=" + dir.resolve("perl-lib"), "LANG=xx_XX.UTF-8",
                "LC_ALL=xx_XX.UTF-8");
    }

    // ---- output ---------------------------------------------------------------------------------------------

    @Test
    void stdoutAndStderrLinesArriveInOrderPerStream() throws Exception {
        String script = "i=1; while [ $i -le 2000 ]; do echo out$i; echo err$i >&2; i=$((i+1)); done";

        ProcessResult result = run(spec(List.of("sh", "-c", script), ENV, null));

        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2000).mapToObj(i -> "out" + i).toList());
        assertThat(lines.of(StdStream.STDERR))
                .containsExactlyElementsOf(IntStream.rangeClosed(1, 2000).mapToObj(i -> "err" + i).toList());
    }

    @Test
    void aLineIsHandedOverBeforeTheCommandEnds() throws Exception {
        // the command waits for a file that the consumer creates when it sees "ready": if lines were handed over
        // only at the end, the command would wait until its timeout
        Path go = dir.resolve("go");
        String script = "echo ready; while [ ! -e go ]; do sleep 0.02; done; echo done";
        LineConsumer consumer = (stream, line) -> {
            lines.line(stream, line);
            if (line.equals("ready")) {
                createFile(go);
            }
        };

        ProcessResult result = runner.run(
                spec(List.of("sh", "-c", script), ENV, Duration.ofSeconds(20)), consumer, Cancellation.never());

        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("ready", "done");
    }

    @Test
    void theResultKeepsTheLastLinesAndTheTimeTaken() throws Exception {
        JdkProcessRunner small = JdkProcessRunner.builder().outputTailLines(3).build();
        // stderr is written only once "100" has been read from stdout, so the order of the tail is certain
        String script = "seq 1 100; while [ ! -e go ]; do sleep 0.02; done; echo oops >&2; sleep 0.3; exit 4";
        LineConsumer consumer = (stream, line) -> {
            lines.line(stream, line);
            if (line.equals("100")) {
                createFile(dir.resolve("go"));
            }
        };

        ProcessResult result = small.run(spec(List.of("sh", "-c", script), ENV, null), consumer, Cancellation.never());

        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(result.outputTail()).containsExactly("99", "100", "oops");
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        assertThat(lines.of(StdStream.STDOUT)).hasSize(100);
    }

    @Test
    void theDefaultTailIsTwentyLines() throws Exception {
        ProcessResult result = run(spec(List.of("seq", "1", "1000"), ENV, null));

        assertThat(result.outputTail())
                .containsExactlyElementsOf(IntStream.rangeClosed(981, 1000).mapToObj(Integer::toString).toList());
    }

    @Test
    void exitCodesAreReported() throws Exception {
        assertThat(run(spec(List.of("true"), ENV, null)).exitCode()).isZero();
        assertThat(run(spec(List.of("false"), ENV, null)).exitCode()).isEqualTo(1);
        ProcessResult result = run(spec(List.of("sh", "-c", "exit 42"), ENV, null));
        assertThat(result.exitCode()).isEqualTo(42);
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
    }

    @Test
    void crLfEndingsAndAMissingLastNewlineAreHandled() throws Exception {
        run(spec(List.of("printf", "a\\r\\nb\\n\\nc"), ENV, null));

        assertThat(lines.of(StdStream.STDOUT)).containsExactly("a", "b", "", "c");
    }

    @Test
    void longLinesAreCutAndMarked() throws Exception {
        JdkProcessRunner cutting = JdkProcessRunner.builder().maxLineLength(10).build();

        // "é" (UTF-8 \303\251, written by printf whatever the JVM's locale) is bytes 10 and 11 of the third line:
        // the cut must not split it
        cutting.run(spec(List.of("printf", "abcdefghijklmnop\\nshort\\naaaaaaaaa\\303\\251bc\\n0123456789\\nd\\303\\251j\\303\\240\\n"),
                ENV, null), lines, Cancellation.never());

        assertThat(lines.of(StdStream.STDOUT))
                .containsExactly("abcdefghij\u2026", "short", "aaaaaaaaa\u2026", "0123456789", "d\u00e9j\u00e0");
    }

    @Test
    void theDefaultLineLimitIs64KiB() throws Exception {
        ProcessResult result = run(spec(List.of("sh", "-c", "head -c 100000 /dev/zero | tr '\\0' x; echo; echo end"),
                ENV, null));

        List<String> out = lines.of(StdStream.STDOUT);
        assertThat(out).hasSize(2);
        assertThat(out.get(0)).hasSize(64 * 1024 + 1).endsWith("x\u2026");
        assertThat(out.get(1)).isEqualTo("end");
        assertThat(result.outputTail()).hasSize(2);
    }

    @Test
    void aFailingConsumerDoesNotStopTheOutput() throws Exception {
        List<String> seen = Collections.synchronizedList(new ArrayList<>());
        LineConsumer failing = (stream, line) -> {
            seen.add(line);
            throw new IllegalStateException("consumer bug");
        };

        ProcessResult result = runner.run(spec(List.of("seq", "1", "5000"), ENV, Duration.ofSeconds(20)), failing,
                Cancellation.never());

        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(seen).hasSize(5000);
    }

    // ---- errors before start --------------------------------------------------------------------------------

    @Test
    void aMissingDirectoryIsAClearError() {
        Path missing = dir.resolve("no-such-dir");

        assertThatThrownBy(() -> run(spec(List.of("make"), ENV, null, missing)))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot run \"make\": directory " + missing + " does not exist");
    }

    @Test
    void aMissingCommandIsAClearError() {
        assertThatThrownBy(() -> run(spec(List.of("no-such-command-xyz", "arg"), ENV, null)))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot run \"no-such-command-xyz\": no such file or directory in PATH (/usr/bin:/bin)");
        assertThatThrownBy(() -> run(spec(List.of("./build.sh"), ENV, null)))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot run \"./build.sh\": " + dir.resolve("build.sh") + " does not exist");
    }

    @Test
    void aCommandThatIsNotExecutableIsAClearError() throws Exception {
        Files.writeString(dir.resolve("build.sh"), "#!/bin/sh\necho hi\n");

        assertThatThrownBy(() -> run(spec(List.of("./build.sh"), ENV, null)))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot run \"./build.sh\": " + dir.resolve("build.sh") + " is not executable "
                        + "(permission denied)");

        dir.resolve("build.sh").toFile().setExecutable(true);
        assertThat(run(spec(List.of("./build.sh"), ENV, null)).exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("hi");
    }

    @Test
    void theCommandIsLookedUpInItsOwnPath() throws Exception {
        Path bin = Files.createDirectories(dir.resolve("bin"));
        Path tool = bin.resolve("my-build-tool");
        Files.writeString(tool, "#!/bin/sh\necho built \"$@\"\n");
        tool.toFile().setExecutable(true);

        ProcessResult result = run(spec(List.of("my-build-tool", "x"), Map.of("PATH", bin + ":/usr/bin:/bin"), null));

        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("built x");
    }

    // ---- ending the process tree ----------------------------------------------------------------------------

    @Test
    void cancellationKillsTheWholeTree() throws Exception {
        Cancellation cancellation = new Cancellation();
        String script = "sleep " + marker + " & sh -c 'sleep " + marker + "; :' & echo started; wait";

        Future<ProcessResult> running = executor.submit(
                () -> runner.run(spec(List.of("sh", "-c", script), ENV, null), lines, cancellation));
        Processes.awaitSleeping(marker, 2, Duration.ofSeconds(10));
        cancellation.cancel();
        ProcessResult result = running.get(30, TimeUnit.SECONDS);

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.CANCELLED);
        assertThat(result.exitCode()).isEqualTo(128 + 15);
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("started");
    }

    @Test
    void aTimeoutKillsTheWholeTree() throws Exception {
        String script = "sleep " + marker + " & sleep " + marker + " & wait";

        ProcessResult result = runner.run(spec(List.of("sh", "-c", script), ENV, Duration.ofMillis(700)), lines,
                Cancellation.never());

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.TIMED_OUT);
        assertThat(result.exitCode()).isEqualTo(128 + 15);
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(700));
    }

    @Test
    void processesIgnoringSigtermAreKilledAfterTheGrace() throws Exception {
        // the trap makes SIGTERM ignored in the shell and, inherited, in its sleep
        String script = "trap '' TERM; sleep " + marker + " & sleep " + marker + "; :";
        ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", script), dir, ENV, Duration.ofMillis(500),
                Duration.ofMillis(700));
        Future<ProcessResult> running = executor.submit(() -> runner.run(spec, lines, Cancellation.never()));
        Processes.awaitSleeping(marker, 2, Duration.ofSeconds(10));
        ProcessResult result = running.get(30, TimeUnit.SECONDS);

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.TIMED_OUT);
        assertThat(result.exitCode()).as("killed by SIGKILL").isEqualTo(128 + 9);
        assertThat(result.elapsed()).isGreaterThanOrEqualTo(Duration.ofMillis(1200));
    }

    @Test
    void processesLeftBehindByAnExitedCommandAreKilled() throws Exception {
        // the background sleeps keep stdout and stderr open: without killing them, reading would never end
        String script = "sleep " + marker + " & (sleep " + marker + " >&2) & echo bye";

        ProcessResult result = runner.run(spec(List.of("sh", "-c", script), ENV, Duration.ofSeconds(30)), lines,
                Cancellation.never());

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("bye");
        assertThat(result.elapsed()).isLessThan(Duration.ofSeconds(30));
    }

    @Test
    void leftoversIgnoringSigtermAreKilledAfterTheGrace() throws Exception {
        String script = "(trap '' TERM; sleep " + marker + "; :) >/dev/null 2>&1 & echo bye";
        ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", script), dir, ENV, null, Duration.ofMillis(300));

        ProcessResult result = runner.run(spec, lines, Cancellation.never());

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(result.exitCode()).isZero();
    }

    @Test
    void throughSetsidLeftoversIgnoringSigtermAreKilledAfterTheGrace() throws Exception {
        JdkProcessRunner setsid = JdkProcessRunner.builder().supervised(false).build();
        String script = "(trap '' TERM; sleep " + marker + "; :) >/dev/null 2>&1 & "
                + "(set -m; sleep " + marker + " & wait) >/dev/null 2>&1 & echo bye";
        ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", script), dir, ENV, null, Duration.ofMillis(300));

        ProcessResult result = setsid.run(spec, lines, Cancellation.never());

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("bye");
    }

    @Test
    void aLeftoverInASessionOfItsOwnThatHoldsTheOutputIsKilled() throws Exception {
        // setsid takes the sleep out of the command's session; once sh exits it is re-parented to init, so only
        // the output pipe it holds ties it to the command. (The runner learns which pipes are the command's by
        // reading /proc/<pid>/fd right after the start: sh must live that long, hence the short sleep.)
        String script = "setsid sleep " + marker + " & sleep 0.2; echo bye";

        ProcessResult result = runner.run(spec(List.of("sh", "-c", script), ENV, Duration.ofSeconds(30)), lines,
                Cancellation.never());

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("bye");
    }

    @Test
    void aChildInASessionOfItsOwnIsKilledOnCancel() throws Exception {
        Cancellation cancellation = new Cancellation();
        String script = "setsid sleep " + marker + " >/dev/null 2>&1 & wait";

        Future<ProcessResult> running = executor.submit(
                () -> runner.run(spec(List.of("sh", "-c", script), ENV, null), lines, cancellation));
        Processes.awaitSleeping(marker, 1, Duration.ofSeconds(10));
        cancellation.cancel();
        ProcessResult result = running.get(30, TimeUnit.SECONDS);

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.CANCELLED);
    }

    @Test
    void aForkLoopEndsWithinTheTimeoutAndTheGrace() throws Exception {
        assertAForkLoopEnds(runner);
    }

    @Test
    void throughSetsidAForkLoopEndsWithinTheTimeoutAndTheGrace() throws Exception {
        assertAForkLoopEnds(JdkProcessRunner.builder().supervised(false).build());
    }

    /**
     * A shell that forks as fast as it can (at most {@link #FORKS} sleeps), with a timeout of 1 s and a grace of 1 s:
     * the run ends timed out within timeout + grace + 2 s, and nothing of its process group or session is left. The
     * tree must be signalled before it is listed: while new processes keep coming, a listing (the JDK's
     * {@link ProcessHandle#descendants()} starts over whenever it finds more processes than the time before) may not
     * end before the command does.
     */
    private void assertAForkLoopEnds(JdkProcessRunner forkLoopRunner) throws Exception {
        String script = "echo $$; i=0; while [ $i -lt " + FORKS + " ]; do sleep " + marker + " & i=$((i+1)); done; "
                + "wait";
        CompletableFuture<GroupAndSession> tree = new CompletableFuture<>();
        LineConsumer consumer = (stream, line) -> {
            if (!tree.isDone()) {
                try {
                    tree.complete(Processes.groupAndSession(Long.parseLong(line)));
                } catch (IOException | RuntimeException e) {
                    tree.completeExceptionally(e);
                }
            }
        };
        ProcessSpec spec = new ProcessSpec(List.of("sh", "-c", script), dir, ENV, Duration.ofSeconds(1),
                Duration.ofSeconds(1));
        try {
            long started = System.nanoTime();
            ProcessResult result = forkLoopRunner.run(spec, consumer, Cancellation.never());
            Duration took = Duration.ofNanos(System.nanoTime() - started);

            assertThat(result.termination()).isEqualTo(Termination.TIMED_OUT);
            assertThat(took).as("timeout + grace + 2 s").isLessThan(Duration.ofSeconds(1 + 1 + 2));
            assertThat(Processes.inGroupOrSession(tree.get(1, TimeUnit.SECONDS))).as("left of the tree").isEmpty();
        } finally {
            if (tree.isDone() && !tree.isCompletedExceptionally()) {
                Processes.killGroupAndSession(tree.get());
            }
            Processes.killMarked(marker);
        }
    }

    @Test
    void processesInOtherGroupsOfTheSessionEndOnTimeout() throws Exception {
        // with job control on, each background job gets a process group of its own: a signal to the command's
        // group misses them
        String script = "set -m; sleep " + marker + " & sleep " + marker + " & echo started; wait";

        ProcessResult result = runner.run(spec(List.of("sh", "-c", script), ENV, Duration.ofMillis(700)), lines,
                Cancellation.never());

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.TIMED_OUT);
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("started");
    }

    @Test
    void aDaemonThatLeftTheSessionEndsWithTheCommand() throws Exception {
        // the classic double fork: the daemon calls setsid and closes its output, and its parent exits at once, so
        // no session, group, parent or pipe ties it to the command any more
        String script = "(setsid sh -c 'sleep " + marker + "; :' >/dev/null 2>&1 </dev/null &); sleep 0.3; echo bye";

        ProcessResult result = run(spec(List.of("sh", "-c", script), ENV, Duration.ofSeconds(30)));

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.EXITED);
        assertThat(result.exitCode()).isZero();
        assertThat(lines.of(StdStream.STDOUT)).containsExactly("bye");
    }

    @Test
    void interruptingTheCallerCancelsAndKeepsTheInterrupt() throws Exception {
        String script = "sleep " + marker + " & sleep " + marker + " & wait";
        AtomicBoolean interruptedAfter = new AtomicBoolean();
        CompletableFuture<Thread> caller = new CompletableFuture<>();

        Future<ProcessResult> running = executor.submit(() -> {
            caller.complete(Thread.currentThread());
            try {
                return runner.run(spec(List.of("sh", "-c", script), ENV, null), lines, Cancellation.never());
            } finally {
                interruptedAfter.set(Thread.interrupted());
            }
        });
        Processes.awaitSleeping(marker, 2, Duration.ofSeconds(10));
        caller.get(5, TimeUnit.SECONDS).interrupt();
        ProcessResult result = running.get(30, TimeUnit.SECONDS);

        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.CANCELLED);
        assertThat(interruptedAfter).as("interrupt flag re-set").isTrue();
    }

    @Test
    void aCancelledSignalStartsNothing() throws Exception {
        Cancellation cancellation = new Cancellation();
        cancellation.cancel();

        ProcessResult result = runner.run(spec(List.of("sh", "-c", "sleep " + marker), ENV, null), lines,
                cancellation);

        assertThat(result.termination()).isEqualTo(Termination.CANCELLED);
        assertThat(Processes.withMarker(marker)).isEmpty();
    }

    @Test
    void withoutSetsidTheTreeIsStillKilledOnCancel() throws Exception {
        JdkProcessRunner plain = JdkProcessRunner.builder().newSession(false).build();
        Cancellation cancellation = new Cancellation();
        String script = "sleep " + marker + " & sh -c 'sleep " + marker + "; :' & wait";

        Future<ProcessResult> running = executor.submit(
                () -> plain.run(spec(List.of("sh", "-c", script), ENV, null), lines, cancellation));
        Processes.awaitSleeping(marker, 2, Duration.ofSeconds(10));
        cancellation.cancel();
        ProcessResult result = running.get(30, TimeUnit.SECONDS);

        assertThat(plain.newSession()).isFalse();
        assertThat(Processes.withMarker(marker)).isEmpty();
        assertThat(result.termination()).isEqualTo(Termination.CANCELLED);
    }

    @Test
    void noReaderThreadOutlivesARun() throws Exception {
        run(spec(List.of("sh", "-c", "echo a; echo b >&2; sleep " + marker + " &"), ENV, null));

        List<String> readers = Thread.getAllStackTraces().keySet().stream()
                .map(Thread::getName)
                .filter(n -> n.startsWith("cmdimage-process-"))
                .filter(n -> !n.equals("cmdimage-process-shutdown"))
                .filter(n -> !n.startsWith("cmdimage-process-reader-"))
                .collect(Collectors.toList());
        assertThat(readers).as("readers still reading").isEmpty();

        runner.close();
        assertThat(Thread.getAllStackTraces().keySet().stream().map(Thread::getName))
                .as("after close()").doesNotContain(runner.idleReaderName());
    }

    // ---- bounded memory and the shutdown hook, in JVMs of their own ------------------------------------------

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void oneGibibyteOfLinesRunsInA64MiBHeap() throws Exception {
        String line = "x".repeat(99); // 100 bytes with the newline: 10737418 lines and 24 bytes without a newline
        String output = runJvm(BigOutputMain.class, "-Xmx64m", "yes " + line + " | head -c 1073741824");

        assertThat(output).contains("RESULT exit=0 termination=EXITED lines=10737419 chars=" + (1073741824L - 10737418)
                + " longest=99 stderr=0 tail=20 ");
        assertThat(maxMemory(output)).isLessThanOrEqualTo(64L * 1024 * 1024);
    }

    @Test
    @Timeout(value = 180, unit = TimeUnit.SECONDS)
    void oneGibibyteWithoutANewlineRunsInA64MiBHeap() throws Exception {
        String output = runJvm(BigOutputMain.class, "-Xmx64m", "head -c 1073741824 /dev/zero | tr '\\0' x");

        assertThat(output).contains("RESULT exit=0 termination=EXITED lines=1 chars=65537 longest=65537 stderr=0 ");
        assertThat(maxMemory(output)).isLessThanOrEqualTo(64L * 1024 * 1024);
    }

    @Test
    void theShutdownHookEndsRunningCommands() throws Exception {
        String script = "sleep " + marker + " & sleep " + marker + " & echo started; wait";
        Process jvm = startJvm(ShutdownHookMain.class, "-Xmx64m", script);
        try {
            awaitOutput(jvm, "RUNNING started");
            Processes.awaitSleeping(marker, 2, Duration.ofSeconds(10));

            interrupt(jvm); // like Ctrl-C: the commands, in sessions of their own, do not get the SIGINT
            assertThat(jvm.waitFor(20, TimeUnit.SECONDS)).as("the JVM exits").isTrue();

            assertThat(Processes.withMarker(marker)).isEmpty();
        } finally {
            jvm.destroyForcibly();
        }
    }

    @Test
    void aCommandEndedByTheShutdownHookEndsCancelledNotFailed() throws Exception {
        // "exec sleep": SIGTERM ends the main process itself, which then exits with status 143
        String script = "echo started; exec sleep " + marker;
        Process jvm = startJvm(ShutdownHookMain.class, "-Xmx64m", script, "report");
        try {
            awaitOutput(jvm, "RUNNING started");
            Processes.awaitSleeping(marker, 1, Duration.ofSeconds(10));

            interrupt(jvm);
            assertThat(jvm.waitFor(30, TimeUnit.SECONDS)).as("the JVM exits").isTrue();

            String output = Files.readString(dir.resolve("jvm.out"));
            assertThat(output).contains("RESULT termination=CANCELLED exit=143");
            assertThat(Processes.withMarker(marker)).isEmpty();
        } finally {
            jvm.destroyForcibly();
            Processes.killMarked(marker);
        }
    }

    @Test
    void withoutTheShutdownHookCommandsStillEndWithTheJvm() throws Exception {
        // the supervisor, not the hook, ties each command to the JVM: its stdin from the JVM ends with the JVM
        String script = "sleep " + marker + " & sleep " + marker + " & echo started; wait";
        Process jvm = startJvm(ShutdownHookMain.class, "-Xmx64m", script, "nohook");
        try {
            awaitOutput(jvm, "RUNNING started");
            Processes.awaitSleeping(marker, 2, Duration.ofSeconds(10));

            interrupt(jvm);
            assertThat(jvm.waitFor(20, TimeUnit.SECONDS)).as("the JVM exits").isTrue();

            assertThat(awaitNoneWithMarker(Duration.ofSeconds(5))).as("left 5 s after the JVM exited").isEmpty();
        } finally {
            jvm.destroyForcibly();
            Processes.killMarked(marker);
        }
    }

    @Test
    void aKilledJvmLeavesNoProcessOfItsCommandsBehind() throws Exception {
        // SIGKILL (or the kernel's out-of-memory killer): no shutdown hook runs. One process ignores SIGTERM, one
        // left the session; the command's grace is 1 s
        String script = "echo $$; sleep " + marker + " & setsid sleep " + marker + " & "
                + "(trap '' TERM; sleep " + marker + "; :) & wait";
        Process jvm = startJvm(ShutdownHookMain.class, "-Xmx64m", script);
        try {
            awaitOutput(jvm, "RUNNING ");
            Processes.awaitSleeping(marker, 3, Duration.ofSeconds(10));
            String shell = Files.readString(dir.resolve("jvm.out")).lines()
                    .filter(l -> l.startsWith("RUNNING ")).findFirst().orElseThrow().substring("RUNNING ".length());
            GroupAndSession tree = Processes.groupAndSession(Long.parseLong(shell));

            jvm.destroyForcibly();
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).as("the JVM is gone").isTrue();

            assertThat(awaitNoneWithMarker(Duration.ofSeconds(5))).as("left 5 s after the JVM died").isEmpty();
            assertThat(Processes.inGroupOrSession(tree)).isEmpty();
        } finally {
            jvm.destroyForcibly();
            Processes.killMarked(marker);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------

    private String runJvm(Class<?> main, String heap, String... args) throws Exception {
        Process jvm = startJvm(main, heap, args);
        try {
            assertThat(jvm.waitFor(170, TimeUnit.SECONDS)).as("the JVM finishes").isTrue();
            String output = Files.readString(dir.resolve("jvm.out"));
            assertThat(jvm.exitValue()).as("JVM exit status; output:%n%s", output).isZero();
            System.out.println(main.getSimpleName() + " " + String.join(" ", args) + ": " + output.trim());
            return output;
        } finally {
            jvm.destroyForcibly();
        }
    }

    /**
     * The runner waited on Process.onExit(), which the JDK completes on the common pool: a host that had filled the
     * pool with blocking work saw "true" end TIMED_OUT after the whole timeout (or hang without one).
     */
    @Test
    void aCommandEndsWhenItExitsEvenWhileTheHostsCommonPoolIsBusy() throws Exception {
        Process jvm = startJvm(dev.cmdimage.core.process.CommonPoolMain.class,
                "-Djava.util.concurrent.ForkJoinPool.common.parallelism=4");
        try {
            assertThat(jvm.waitFor(60, TimeUnit.SECONDS)).as("the child JVM ended").isTrue();
            String out = Files.readString(dir.resolve("jvm.out"));
            String result = out.lines().filter(l -> l.startsWith("RESULT ")).findFirst()
                    .orElseThrow(() -> new AssertionError("no RESULT line: " + out));
            String[] parts = result.split(" ");
            assertThat(parts[1]).as(result).isEqualTo("EXITED");
            assertThat(parts[2]).as(result).isEqualTo("0");
            assertThat(Long.parseLong(parts[3])).as("ms until the runner saw the exit (timeout 10 s): " + result)
                    .isLessThan(8_000);
        } finally {
            jvm.destroyForcibly();
        }
    }

    private Process startJvm(Class<?> main, String heap, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), heap,
                "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .directory(dir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(dir.resolve("jvm.out").toFile())
                .start();
    }

    private void awaitOutput(Process jvm, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!Files.readString(dir.resolve("jvm.out")).contains(text)) {
            if (!jvm.isAlive() || System.nanoTime() - deadline > 0) {
                throw new AssertionError("no \"" + text + "\" from the JVM: " + Files.readString(dir.resolve("jvm.out")));
            }
            Thread.sleep(20);
        }
    }

    /** Waits up to {@code timeout} for the processes with this test's marker to be gone; those still there. */
    private List<String> awaitNoneWithMarker(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> left = Processes.withMarker(marker);
        while (!left.isEmpty() && System.nanoTime() - deadline < 0) {
            Thread.sleep(20);
            left = Processes.withMarker(marker);
        }
        return left;
    }

    private static void interrupt(Process jvm) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", "INT", Long.toString(jvm.pid())).inheritIO().start();
        assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(kill.exitValue()).isZero();
    }

    private static long maxMemory(String output) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("maxMemory=(\\d+)").matcher(output);
        assertThat(m.find()).as("maxMemory in %s", output).isTrue();
        return Long.parseLong(m.group(1));
    }


    private ProcessResult run(ProcessSpec spec) throws IOException {
        return runner.run(spec, lines, Cancellation.never());
    }

    private ProcessSpec spec(List<String> command, Map<String, String> env, Duration timeout) {
        return spec(command, env, timeout, dir);
    }

    private static ProcessSpec spec(List<String> command, Map<String, String> env, Duration timeout, Path directory) {
        return new ProcessSpec(command, directory, env, timeout == null ? Duration.ofSeconds(30) : timeout,
                Duration.ofSeconds(2));
    }

    private static void createFile(Path file) {
        try {
            Files.createFile(file);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Records lines per stream. */
    static final class Lines implements LineConsumer {
        private final Map<StdStream, List<String>> byStream = new java.util.EnumMap<>(StdStream.class);

        @Override
        public synchronized void line(StdStream stream, String line) {
            byStream.computeIfAbsent(stream, s -> new ArrayList<>()).add(line);
        }

        synchronized List<String> of(StdStream stream) {
            return List.copyOf(byStream.getOrDefault(stream, List.of()));
        }

        synchronized void clear() {
            byStream.clear();
        }
    }
}

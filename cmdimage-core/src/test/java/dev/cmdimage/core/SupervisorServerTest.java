package dev.cmdimage.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.StdStream;
import dev.cmdimage.core.process.Processes;
import dev.cmdimage.core.process.ShutdownHookMain;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ProcessResult;
import dev.cmdimage.spi.ProcessSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The supervisor server of {@link JdkProcessRunner}: one perl process per runner that forks the commands'
 * supervisors (with a spare always ready) instead of a perl started per command. What it must not change: the
 * command's process tree, environment and signal dispositions, and that nothing outlives the runner or the JVM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SupervisorServerTest {
    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin:/bin");
    private static final String SERVER = "cmdimage-supervisor-server";

    @TempDir
    Path dir;

    private final JdkProcessRunner runner = new JdkProcessRunner();
    private final String marker = Processes.marker();

    @AfterEach
    void closeAndCheck() {
        runner.close();
        List<String> left = Processes.withMarker(marker);
        Processes.killMarked(marker);
        assertThat(left).as("processes left behind by the test").isEmpty();
    }

    @Test
    void aCommandsSupervisorIsForkedByTheServerWhichIsAChildOfTheJvm() throws Exception {
        // the shell prints its parent (the supervisor), the supervisor's parent and that one's parent
        String script = "s=$PPID; sv=$(sed 's/.*) . \\([0-9]*\\).*/\\1/' /proc/$s/stat); "
                + "echo $s; cat /proc/$s/comm; echo $sv; tr '\\0' ' ' < /proc/$sv/cmdline; echo; "
                + "sed 's/.*) . \\([0-9]*\\).*/\\1/' /proc/$sv/stat";
        List<String> out = new ArrayList<>();

        ProcessResult result = runner.run(spec(script), (stream, line) -> out.add(line), Cancellation.never());

        assertThat(result.exitCode()).as("output %s", out).isZero();
        assertThat(out).hasSize(5);
        assertThat(out.get(1)).as("the supervisor's name").isEqualTo("cmdimage-superv");
        assertThat(out.get(3)).as("the supervisor's parent").startsWith(SERVER);
        assertThat(Long.parseLong(out.get(4))).as("the server's parent").isEqualTo(ProcessHandle.current().pid());
    }

    @Test
    void withoutTheServerEachSupervisorIsStartedByTheJvm() throws Exception {
        // the fallback when the server cannot be used: perl started per command, as before the server existed
        String script = "s=$PPID; cat /proc/$s/comm; sed 's/.*) . \\([0-9]*\\).*/\\1/' /proc/$s/stat";
        List<String> out = new ArrayList<>();
        try (JdkProcessRunner perCommand = JdkProcessRunner.builder().supervisorServer(false).build()) {
            ProcessResult result = perCommand.run(spec(script), (stream, line) -> out.add(line), Cancellation.never());

            assertThat(result.exitCode()).as("output %s", out).isZero();
            assertThat(perCommand.supervisorServerPid()).isEqualTo(-1);
        }
        assertThat(out).containsExactly("cmdimage-superv", Long.toString(ProcessHandle.current().pid()));
    }

    @Test
    void theCommandIgnoresNoSignalThatAProcessBuilderChildWouldNotIgnore() throws Exception {
        // the server ignores SIGPIPE for itself; a command inheriting that would print "Broken pipe" errors
        // instead of ending quietly (yes | head)
        String script = "grep -E '^Sig(Ign|Blk):' /proc/self/status";
        List<String> served = new ArrayList<>();
        runner.run(spec(script), (stream, line) -> served.add(line), Cancellation.never());
        Process plain = new ProcessBuilder("sh", "-c", script).start();
        List<String> direct = new String(plain.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines()
                .collect(Collectors.toList());
        plain.waitFor();

        assertThat(served).hasSize(2).isEqualTo(direct);
    }

    @Test
    void theCommandHasOnlyItsStdinStdoutAndStderrOpen() throws Exception {
        // nothing of the server's or of other supervisors' pipes leaks into a command (it would keep them open)
        String script = "cd /proc/$$/fd && ls";
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            out.clear();
            runner.run(spec(script), (stream, line) -> out.add(line), Cancellation.never());
        }
        assertThat(out).containsExactly("0", "1", "2");
    }

    @Test
    void aSpareKilledFromOutsideDoesNotFailTheNextCommand() throws Exception {
        assertThat(run("echo first").exitCode()).isZero();
        ProcessHandle server = server();
        List<ProcessHandle> spares = server.children().collect(Collectors.toList());
        assertThat(spares).as("the spare supervisor").hasSize(1);

        spares.get(0).destroyForcibly();
        spares.get(0).onExit().get(10, TimeUnit.SECONDS);
        List<String> out = new ArrayList<>();
        ProcessResult result = runner.run(spec("echo second"), (stream, line) -> out.add(line),
                Cancellation.never());

        assertThat(result.exitCode()).isZero();
        assertThat(out).containsExactly("second");
    }

    @Test
    void aServerKilledFromOutsideIsReplaced() throws Exception {
        assertThat(run("true").exitCode()).isZero();
        ProcessHandle server = server();
        List<ProcessHandle> spare = server.children().collect(Collectors.toList());

        server.destroyForcibly();
        server.onExit().get(10, TimeUnit.SECONDS);
        awaitGone(spare, Duration.ofSeconds(10)); // the JVM noticed and let the spare go
        List<String> out = new ArrayList<>();
        ProcessResult result = runner.run(spec("echo again; exit 3"), (stream, line) -> out.add(line),
                Cancellation.never());

        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(out).containsExactly("again");
        assertThat(server().pid()).isNotEqualTo(server.pid());
    }

    @Test
    void aServerKilledWhileACommandRunsLeavesTheRunToEndWithTheCommand() throws Exception {
        List<String> out = new java.util.concurrent.CopyOnWriteArrayList<>();
        java.util.concurrent.CompletableFuture<ProcessResult> run = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> {
                    try {
                        return runner.run(spec("echo started; sleep 1; echo done"), (stream, line) -> out.add(line),
                                Cancellation.never());
                    } catch (IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                }, r -> new Thread(r, "test-run").start());
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!out.contains("started") && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        ProcessHandle server = server();

        server.destroyForcibly();
        ProcessResult result = run.get(20, TimeUnit.SECONDS);

        assertThat(out).containsExactly("started", "done");
        assertThat(result.exitCode()).as("its exit status went with the server").isEqualTo(-1);
    }

    @Test
    void anIdleRunnerLeavesNoProcessOrThreadAfterFiveSecondsAndStartsAgainOnTheNextCommand() throws Exception {
        assertThat(run("true").exitCode()).isZero();
        ProcessHandle server = server();
        List<ProcessHandle> processes = new ArrayList<>(server.children().collect(Collectors.toList()));
        processes.add(server);

        awaitGone(processes, Duration.ofSeconds(15)); // the spare waits 5 s for a command, then both end
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!serverThreads(server).isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(serverThreads(server)).isEmpty();
        assertThat(runner.supervisorServerPid()).isEqualTo(-1);

        List<String> out = new ArrayList<>();
        ProcessResult again = runner.run(spec("echo again"), (stream, line) -> out.add(line), Cancellation.never());
        assertThat(again.exitCode()).isZero();
        assertThat(out).containsExactly("again");
        assertThat(server().pid()).isNotEqualTo(server.pid());
    }

    @Test
    void closeEndsTheServerItsSpareAndItsThread() throws Exception {
        assertThat(run("true").exitCode()).isZero();
        ProcessHandle server = server();
        List<ProcessHandle> processes = new ArrayList<>(server.children().collect(Collectors.toList()));
        processes.add(server);
        assertThat(serverThreads(server)).hasSize(1);

        runner.close();

        awaitGone(processes, Duration.ofSeconds(5));
        assertThat(serverThreads(server)).isEmpty();
        assertThat(runner.supervisorServerPid()).isEqualTo(-1);
    }

    @Test
    void aKilledJvmTakesItsServerAndSpareWithIt() throws Exception {
        Process jvm = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx64m", "-cp", System.getProperty("java.class.path"), ShutdownHookMain.class.getName(),
                "echo up; sleep " + marker, "nohook")
                .directory(dir.toFile()).redirectErrorStream(true).redirectOutput(dir.resolve("jvm.out").toFile())
                .start();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (!Files.readString(dir.resolve("jvm.out")).contains("RUNNING up")) {
                assertThat(jvm.isAlive() && System.nanoTime() < deadline).as("the JVM runs its command").isTrue();
                Thread.sleep(20);
            }
            List<ProcessHandle> descendants = jvm.descendants().collect(Collectors.toList());
            assertThat(descendants.stream().map(SupervisorServerTest::commandLine))
                    .as("the server and its spare").filteredOn(c -> c.startsWith(SERVER)).hasSize(2);

            jvm.destroyForcibly();
            assertThat(jvm.waitFor(10, TimeUnit.SECONDS)).isTrue();

            awaitGone(descendants, Duration.ofSeconds(5));
        } finally {
            jvm.destroyForcibly();
        }
    }

    private ProcessResult run(String script) throws IOException {
        return runner.run(spec(script), (stream, line) -> {}, Cancellation.never());
    }

    private ProcessSpec spec(String script) {
        return new ProcessSpec(List.of("sh", "-c", script), dir, ENV, null, Duration.ofSeconds(2));
    }

    /** The runner's supervisor server, a child of this JVM. */
    private ProcessHandle server() {
        long pid = runner.supervisorServerPid();
        assertThat(pid).as("the runner's supervisor server").isPositive();
        ProcessHandle server = ProcessHandle.of(pid).orElseThrow();
        assertThat(server.parent().map(ProcessHandle::pid)).contains(ProcessHandle.current().pid());
        assertThat(commandLine(server)).startsWith(SERVER);
        return server;
    }

    private static String commandLine(ProcessHandle h) {
        try {
            return Files.readString(Path.of("/proc/" + h.pid() + "/cmdline")).replace('\0', ' ').trim();
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> serverThreads(ProcessHandle server) {
        return Thread.getAllStackTraces().keySet().stream().map(Thread::getName)
                .filter(n -> n.equals(SERVER + "-" + server.pid())).collect(Collectors.toList());
    }

    private static void awaitGone(List<ProcessHandle> processes, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(processes.stream().filter(ProcessHandle::isAlive).map(h -> h.pid() + " " + commandLine(h)))
                .as("still running after %s", timeout).isEmpty();
    }
}

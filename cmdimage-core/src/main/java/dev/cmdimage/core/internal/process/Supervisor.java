package dev.cmdimage.core.internal.process;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The supervisor that runs each command ({@code supervisor.pl} next to this class, run by {@code perl}): the one
 * process between the JVM and the command, in place of a {@code setsid} exec. It makes itself a session leader and
 * the reaper of every orphan of the tree, forks the command into a process group of its own, and ends the whole
 * tree when the command exits (what it left behind), when the JVM asks ({@link ProcessTree}), and when its stdin
 * from the JVM ends because the JVM is gone, killed or out of memory. It exits with the command's status.
 *
 * <p>Perl is there on every Debian system ({@code perl-base} is essential); the script uses its builtins only, so it
 * starts in about the time a {@code setsid} exec takes. Not used where {@code /usr/bin/perl} or {@code /proc} is
 * missing, or on an architecture whose system call numbers for {@code setsid} and {@code prctl} are not known here.
 */
public final class Supervisor {
    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    private static final List<Path> PERL = List.of(Paths.get("/usr/bin/perl"), Paths.get("/bin/perl"));
    /** Requests on the supervisor's stdin. */
    static final int END = 't';
    static final int KILL = 'k';

    private final String perl;
    private final String script;
    private final SystemCalls calls;

    private Supervisor(String perl, String script, SystemCalls calls) {
        this.perl = perl;
        this.script = script;
        this.calls = calls;
    }

    /** The supervisor, or {@code null} (logged at DEBUG) when it cannot run here. */
    public static Supervisor find() {
        SystemCalls calls = SystemCalls.of(System.getProperty("os.arch", ""));
        if (calls == null || !ProcFs.available()) {
            LOG.debug("no process supervisor on {} {}: commands run through setsid and do not end with the JVM",
                    System.getProperty("os.name"), System.getProperty("os.arch"));
            return null;
        }
        for (Path candidate : PERL) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return new Supervisor(candidate.toString(), script(), calls);
            }
        }
        LOG.debug("no perl found at {}: commands run through setsid and do not end with the JVM", PERL);
        return null;
    }

    /**
     * The argv that runs {@code command} (its program already resolved) under the supervisor.
     *
     * @param environment the command's environment: the variables perl would read itself travel in the argv
     * @param grace       how long the tree has after SIGTERM before SIGKILL
     */
    public List<String> argv(List<String> command, Map<String, String> environment, Duration grace) {
        List<String> perlVariables = new ArrayList<>();
        environment.forEach((name, value) -> {
            if (name.startsWith("PERL")) {
                perlVariables.add(name + "=" + value);
            }
        });
        List<String> argv = new ArrayList<>(command.size() + perlVariables.size() + 8);
        argv.addAll(List.of(perl, "-e", script, "--", Integer.toString(calls.setsid), Integer.toString(calls.prctl),
                Integer.toString(calls.exitGroup), Long.toString(grace.toMillis()),
                Integer.toString(perlVariables.size())));
        argv.addAll(perlVariables);
        argv.addAll(command);
        return argv;
    }

    /** The argv of a {@link SupervisorServer}: the same script, forking one supervisor per command. */
    List<String> serverArgv() {
        return List.of(perl, "-e", script, "--", Integer.toString(calls.setsid), Integer.toString(calls.prctl),
                Integer.toString(calls.exitGroup), "-server");
    }

    /**
     * The supervisor's own environment: the command's without perl's variables (a user's {@code PERL5OPT} or
     * {@code PERL5LIB} must not change the supervisor; the command gets them back), and with {@code PERL_BADLANG=0}
     * so that a locale missing here adds no warning to the command's output.
     */
    public static Map<String, String> environment(Map<String, String> environment) {
        Map<String, String> own = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            if (!name.startsWith("PERL")) {
                own.put(name, value);
            }
        });
        own.put("PERL_BADLANG", "0");
        return own;
    }

    @Override
    public String toString() {
        return perl + " (supervisor)";
    }

    private static String script() {
        try (InputStream in = Supervisor.class.getResourceAsStream("supervisor.pl")) {
            if (in == null) {
                throw new IllegalStateException("supervisor.pl is missing from cmdimage-core");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read supervisor.pl from cmdimage-core", e);
        }
    }

    /** The numbers of the {@code setsid}, {@code prctl} and {@code exit_group} system calls on one architecture. */
    private record SystemCalls(int setsid, int prctl, int exitGroup) {
        static SystemCalls of(String arch) {
            return switch (arch) {
                case "amd64", "x86_64" -> new SystemCalls(112, 157, 231);
                // the generic table of asm-generic/unistd.h
                case "aarch64", "riscv64", "loongarch64" -> new SystemCalls(157, 167, 94);
                default -> null;
            };
        }
    }
}

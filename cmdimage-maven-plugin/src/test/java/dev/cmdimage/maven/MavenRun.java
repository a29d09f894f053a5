package dev.cmdimage.maven;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs the real Maven ({@code mvn} on the PATH) on a copy of a fixture project of {@code src/it}, against a
 * private local repository: the user's (jars hard-linked, everything else copied, so that nothing Maven writes
 * reaches it) plus this build's artifacts (invoker:install put them into {@code target/it-staging}).
 */
final class MavenRun {
    /** The longest one Maven run may take. */
    private static final long TIMEOUT_MINUTES = 5;

    static final Path FIXTURES = Path.of("src/it").toAbsolutePath();
    static final Path WORK = Path.of(property("it.work", "target/it")).toAbsolutePath();
    static final Path REPO = WORK.resolve("repo");
    static final String VERSION = property("it.projectVersion", null);
    static final boolean OFFLINE = property("it.offline", "offline=false").equals("offline=true");

    private static boolean repoReady;

    /**
     * How a run ended.
     *
     * @param exitCode Maven's exit status
     * @param log      everything it printed
     * @param dir      the project's directory
     */
    record Result(int exitCode, String log, Path dir) {}

    private MavenRun() {}

    private static String property(String name, String dflt) {
        String v = System.getProperty(name);
        if (v == null && dflt == null) {
            throw new IllegalStateException("system property " + name + " is not set: run the ITs with Maven"
                    + " (failsafe sets it)");
        }
        return v == null ? dflt : v;
    }

    /** A fresh copy of fixture {@code name} under target/it, its pom's {@code @project.version@} filled in. */
    static Path copyFixture(String name) throws IOException {
        Path to = copy(FIXTURES.resolve(name), name);
        Path pom = to.resolve("pom.xml");
        Files.writeString(pom, Files.readString(pom).replace("@project.version@", VERSION));
        return to;
    }

    /** A fresh copy of directory {@code from} (without its {@code target}) as target/it/{@code name}. */
    static Path copy(Path from, String name) throws IOException {
        Path to = WORK.resolve(name);
        deleteTree(to);
        try (Stream<Path> files = Files.walk(from).filter(f -> !from.relativize(f).startsWith("target"))) {
            for (Path f : files.toList()) {
                Path target = to.resolve(from.relativize(f).toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(f, target);
                }
            }
        }
        return to;
    }

    /** Copies examples/hello-oci's build.sh and hello.txt to {@code dir}. */
    static void copyHelloOci(Path dir) throws IOException {
        Path example = Path.of("..", "examples", "hello-oci").toAbsolutePath().normalize();
        Files.createDirectories(dir);
        for (String f : List.of("build.sh", "hello.txt")) {
            Files.copy(example.resolve(f), dir.resolve(f), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    /**
     * Runs {@code mvn -B <args>} in {@code dir} with the private local repository ({@code -o} when this build is
     * offline), and {@code env} added to the environment ({@code null} values removed).
     */
    static Result run(Path dir, Map<String, String> env, String... args) throws IOException, InterruptedException {
        prepareRepository();
        List<String> command = new ArrayList<>(List.of("mvn", "-B", "-Dmaven.repo.local=" + REPO));
        if (OFFLINE) {
            command.add("-o");
        }
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true);
        Path log = dir.resolve("build.log"); // build.log, build-2.log, ...: one per run
        for (int n = 2; Files.exists(log); n++) {
            log = dir.resolve("build-" + n + ".log");
        }
        pb.redirectOutput(log.toFile());
        env.forEach((k, v) -> {
            if (v == null) {
                pb.environment().remove(k);
            } else {
                pb.environment().put(k, v);
            }
        });
        Process p = pb.start();
        if (!p.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly().waitFor();
            throw new AssertionError("mvn " + command + " did not end within " + TIMEOUT_MINUTES + " minutes; log:\n"
                    + Files.readString(log, StandardCharsets.UTF_8));
        }
        return new Result(p.exitValue(), Files.readString(log, StandardCharsets.UTF_8), dir);
    }

    /**
     * Makes target/it/repo once per test JVM: the user's local repository with its jars hard-linked (fast; Maven
     * never rewrites a jar, it writes new ones under a temporary name) and every other file copied (the tracking
     * and metadata files Maven rewrites in place), without dev/cmdimage; then this build's staging repository over
     * it, each file copied after the old link is removed.
     */
    static synchronized void prepareRepository() throws IOException {
        if (repoReady) {
            return;
        }
        deleteTree(REPO);
        Path user = Path.of(property("it.userRepository", null));
        Path staging = Path.of(property("it.staging", null));
        if (!Files.isDirectory(staging.resolve("dev/cmdimage/cmdimage-maven-plugin"))) {
            throw new IllegalStateException(staging + " holds no cmdimage-maven-plugin: invoker:install did not run"
                    + " (run the ITs with mvn verify -DskipITs=false)");
        }
        mirror(user, REPO, true);
        mirror(staging, REPO, false);
        repoReady = true;
    }

    private static void mirror(Path from, Path to, boolean linkJars) throws IOException {
        if (!Files.isDirectory(from)) {
            return;
        }
        try (Stream<Path> files = Files.walk(from)) {
            for (Path f : files.toList()) {
                Path rel = from.relativize(f);
                if (linkJars && rel.startsWith(Path.of("dev", "cmdimage"))) {
                    continue;
                }
                Path target = to.resolve(rel.toString());
                if (Files.isDirectory(f)) {
                    Files.createDirectories(target);
                } else if (Files.isRegularFile(f)) {
                    Files.deleteIfExists(target); // never write through a link into the user's repository
                    if (linkJars && f.getFileName().toString().endsWith(".jar")) {
                        link(target, f);
                    } else {
                        Files.copy(f, target);
                    }
                }
            }
        }
    }

    /** A hard link, or a symbolic one where the two are on different file systems. */
    private static void link(Path link, Path existing) throws IOException {
        try {
            Files.createLink(link, existing);
        } catch (IOException | UnsupportedOperationException e) {
            Files.createSymbolicLink(link, existing);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}

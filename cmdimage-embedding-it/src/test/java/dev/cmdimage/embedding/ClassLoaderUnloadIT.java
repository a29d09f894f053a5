package dev.cmdimage.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.testing.TestServices;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * An IDE plug-in is loaded and unloaded: after {@code close()}, nothing of cmdimage may keep its class loader alive.
 * For JDK 17 and JDK 25, a JVM of its own runs {@link UnloadChecker}: cmdimage in a throwaway {@code URLClassLoader}
 * (parent: the platform loader), a daemonless OCI build with a 10-minute timeout and a controller build, both
 * closed; then the loader must be collected, with no {@code cmdimage-*} thread and no shutdown hook of it left.
 * Soft references count as collectable (the JVM clears them before it runs out of memory): the child runs with
 * {@code -XX:SoftRefLRUPolicyMSPerMB=0}. When the loader is not collected, the heap is dumped next to the checker's
 * log ({@code target/embedding/unload-jdk*}) for a look at what holds it.
 *
 * <p>JDK 25 is looked for at {@value #JDK25}; when it is missing the test is skipped, except under CI
 * ({@code CI=true}), where it fails.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class ClassLoaderUnloadIT {
    /** The examples' daemonless build script (sh, tar, gzip, sha256sum), relative to this module's directory. */
    private static final Path HELLO_OCI = Path.of("..", "examples", "hello-oci").toAbsolutePath().normalize();

    static final String JDK25 = "/usr/lib/jvm/temurin-25-jdk-amd64/bin/java";
    private static final String JDK17_FALLBACK = "/usr/lib/jvm/java-17-openjdk-amd64/bin/java";
    private static final int WAIT_SECONDS = 30;

    @Test
    void theLoaderIsCollectedAfterCloseOnJdk17() throws Exception {
        Path java = Paths.get(System.getProperty("java.home"), "bin", "java");
        if (Runtime.version().feature() != 17) {
            java = Paths.get(JDK17_FALLBACK);
        }
        check(java, "jdk17");
    }

    @Test
    void theLoaderIsCollectedAfterCloseOnJdk25() throws Exception {
        Path java = Paths.get(JDK25);
        if (!Files.isExecutable(java)) {
            TestServices.unavailable("JDK 25 is not installed at " + JDK25, "install a JDK 25 there");
        }
        check(java, "jdk25");
    }

    private static void check(Path java, String label) throws Exception {
        assertThat(java).as("the java launcher").isExecutable();
        Path work = Paths.get(System.getProperty("embedding.workdir")).resolve("unload-" + label);
        Path project = work.resolve("hello-oci");
        Files.createDirectories(project);
        for (String file : List.of("build.sh", "hello.txt")) {
            Files.copy(HELLO_OCI.resolve(file), project.resolve(file), StandardCopyOption.REPLACE_EXISTING);
        }
        Path heapDump = work.resolve("not-collected.hprof");
        String checkerClasses = Paths.get(UnloadChecker.class.getProtectionDomain().getCodeSource().getLocation()
                .toURI()).toString();

        // SoftRefLRUPolicyMSPerMB=0: System.gc() clears soft references as the JVM does under memory pressure
        // (JDK 25 keeps the last record types linked by java.lang.runtime.ObjectMethods softly), so what is checked
        // is that nothing holds the loader strongly
        List<String> command = List.of(java.toString(), "-Xmx256m", "-XX:SoftRefLRUPolicyMSPerMB=0",
                "--add-opens", "java.base/java.lang=ALL-UNNAMED", "-cp", checkerClasses, UnloadChecker.class.getName(), embeddingClassPath(), work.toString(),
                String.valueOf(WAIT_SECONDS), heapDump.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(work.resolve("checker.log").toFile()).start();
        boolean exited = process.waitFor(4, TimeUnit.MINUTES);
        if (!exited) {
            process.destroyForcibly();
        }
        List<String> lines = Files.readAllLines(work.resolve("checker.log"), StandardCharsets.UTF_8);
        String log = label + " checker output:\n  " + String.join("\n  ", lines);
        assertThat(exited).as(log).isTrue();
        assertThat(process.exitValue()).as(log).isZero();

        assertThat(lines).as(log).anyMatch(l -> l.startsWith("BUILD hello-oci:tilt-"));
        assertThat(lines).as(log).anyMatch(l -> l.startsWith("CONTROLLER idle=true") && l.contains("ref=hello-again:"));
        if ("true".equals(System.getenv("CI"))) { // the test services run: a refused push reads an error body
            assertThat(lines).as(log).anyMatch(l -> l.startsWith("PUSH refused: "));
        }
        assertThat(lines).as(log).anyMatch(l -> l.startsWith("COLLECTED true "));
        assertThat(lines).as(log).noneMatch(l -> l.startsWith("THREAD ") || l.startsWith("HOOK "));
        assertThat(lines).as(log).noneMatch(l -> l.startsWith("HOOKS unreadable"));
        assertThat(lines).as(log).contains("END");
        System.out.println(label + ": " + lines.stream().filter(l -> l.startsWith("COLLECTED")).findFirst()
                .orElse(""));
    }

    private static String embeddingClassPath() {
        String path = System.getProperty("embedding.classpath");
        assertThat(path).as("embedding.classpath (set by the pom for failsafe)").isNotBlank();
        List<String> entries = new ArrayList<>();
        for (String entry : path.split(java.io.File.pathSeparator)) {
            if (!entry.isBlank()) {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }
}

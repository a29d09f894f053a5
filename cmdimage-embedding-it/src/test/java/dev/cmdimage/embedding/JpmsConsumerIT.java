package dev.cmdimage.embedding;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.testing.RequiresDocker;
import dev.cmdimage.testing.TestServices;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.tools.Diagnostic;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.StandardLocation;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * cmdimage as a JPMS embedder sees it: consumer modules (sources under {@code src/test/resources/jpms}) are
 * compiled against the packaged jars and their dependencies, all on the module path ({@code embedding.classpath},
 * see the pom), and run in a child JVM with nothing but {@code --module-path} and {@code -m}: no
 * {@code --add-modules}, no {@code --add-opens}, no {@code requires} of cmdimage's own dependencies.
 */
class JpmsConsumerIT {
    /** The examples' daemonless build script (sh, tar, gzip, sha256sum), relative to this module's directory. */
    private static final Path HELLO_OCI = Path.of("..", "examples", "hello-oci").toAbsolutePath().normalize();
    private static final long RUN_MINUTES = 3;

    private static String modulePath;
    private Path work;

    @BeforeAll
    static void modulePath() {
        modulePath = System.getProperty("embedding.classpath");
        assertThat(modulePath).as("embedding.classpath (set by the pom for failsafe)").isNotBlank();
        assertThat(modulePath.split(File.pathSeparator)).as("the module path")
                .anyMatch(p -> Path.of(p).getFileName().toString().startsWith("cmdimage-core-"))
                .anyMatch(p -> Path.of(p).getFileName().toString().startsWith("cmdimage-docker-"));
    }

    @BeforeEach
    void workDir() throws IOException {
        Path root = Path.of(System.getProperty("embedding.workdir", "target/embedding"));
        Files.createDirectories(root);
        work = Files.createTempDirectory(root, "jpms-");
    }

    @Test
    void aModuleThatRequiresOnlyCoreReadsValidatesAndBuildsAnOciImage() throws Exception {
        Path classes = work.resolve("app-classes");
        List<Diagnostic<? extends JavaFileObject>> errors = compile("app", classes);
        assertThat(errors).as("compiling a module that requires dev.cmdimage.core").isEmpty();

        Path project = work.resolve("hello");
        Files.createDirectories(project);
        Files.copy(HELLO_OCI.resolve("build.sh"), project.resolve("build.sh"));
        Files.copy(HELLO_OCI.resolve("hello.txt"), project.resolve("hello.txt"));
        Path yaml = work.resolve("cmdimage.yaml");
        Files.writeString(yaml, """
                apiVersion: tilt.dev/v1alpha1
                kind: CmdImage
                metadata:
                  name: hello-jpms
                spec:
                  ref: hello-jpms
                  args: ["sh", "build.sh"]
                  dir: "%s"
                """.formatted(project));
        Path layout = work.resolve("oci");

        Run run = java(classes, "app/app.Main", yaml.toString(), layout.toString());

        assertThat(run.exitCode()).as("exit code; output:%n%s", run.output()).isZero();
        assertThat(run.output())
                .contains("core module: dev.cmdimage.core, exports internal.pipeline: false")
                .contains("org.jspecify resolved: false")
                .containsPattern("built: hello-jpms:tilt-[0-9a-f]{16}\\R");
        String ref = run.output().lines().filter(l -> l.startsWith("built: ")).findFirst().orElseThrow()
                .substring("built: ".length());
        assertThat(Files.readString(layout.resolve("index.json"))).as("the layout's index.json")
                .contains("\"" + ref + "\"");
    }

    @Test
    void aModuleThatImportsAnInternalPackageDoesNotCompile() throws Exception {
        List<Diagnostic<? extends JavaFileObject>> errors = compile("internal", work.resolve("internal-classes"));

        assertThat(errors).as("compile errors").isNotEmpty();
        assertThat(errors.get(0).getMessage(Locale.ROOT))
                .contains("package dev.cmdimage.core.internal.pipeline is not visible")
                .contains("is declared in module dev.cmdimage.core, which does not export it");
    }

    @Test
    void theSameImportCompilesOnTheClassPath() throws Exception {
        // the control for the test above: the class exists and is public, only the module boundary hides it
        Path source = sources("internal").resolve("internalapp").resolve("Main.java");
        List<Diagnostic<? extends JavaFileObject>> errors = javac(List.of(source),
                List.of("-d", work.resolve("classpath-classes").toString(), "--class-path", modulePath));

        assertThat(errors).as("compiling on the class path").isEmpty();
    }

    @Test
    void aModuleThatRequiresOnlyDockerReportsAnEngineThatIsDown() throws Exception {
        // a short path (a unix socket path has at most 107 bytes) that is never created
        Path socket = Path.of(System.getProperty("java.io.tmpdir"),
                "cmdimage-jpms-" + ProcessHandle.current().pid() + "-" + System.nanoTime() + ".sock");
        assertThat(socket).doesNotExist();
        String host = "unix://" + socket;

        Run run = java(compileDockerApp(), "dockerapp/dockerapp.Main", host, work.toString());

        assertThat(run.exitCode()).as("exit code; output:%n%s", run.output()).isZero();
        assertThat(run.output())
                .contains("store: Docker engine at " + host)
                .contains("lookup failed: Cannot reach the Docker engine at " + host
                        + " (from explicit settings) to look up cmdimage-jpms-absent:1: ")
                .doesNotContain("path too long")
                .doesNotContain("Exception in thread");
    }

    @Test
    @RequiresDocker
    void aModuleThatRequiresOnlyDockerTalksToTheEngine() throws Exception {
        String host = TestServices.dockerHost();

        Run run = java(compileDockerApp(), "dockerapp/dockerapp.Main", host, work.toString());

        assertThat(run.exitCode()).as("exit code; output:%n%s", run.output()).isZero();
        assertThat(run.output())
                .contains("store: Docker engine at " + host)
                .contains("cmdimage-jpms-absent:1 absent")
                .containsPattern("api: 1\\.\\d+\\R")
                .doesNotContain("lookup failed")
                .doesNotContain("Exception in thread");
    }

    private Path compileDockerApp() throws IOException {
        Path classes = work.resolve("docker-classes");
        List<Diagnostic<? extends JavaFileObject>> errors = compile("docker", classes);
        assertThat(errors).as("compiling a module that requires dev.cmdimage.docker").isEmpty();
        return classes;
    }

    /** Compiles the consumer module {@code jpms/<name>} against the module path; returns the errors. */
    private List<Diagnostic<? extends JavaFileObject>> compile(String name, Path classes) throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(sources(name))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        return javac(sources, List.of("-d", classes.toString(), "--module-path", modulePath));
    }

    private static List<Diagnostic<? extends JavaFileObject>> javac(List<Path> sources, List<String> options)
            throws IOException {
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        assertThat(compiler).as("the JDK's compiler (run the tests on a JDK)").isNotNull();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            // not this JVM's class path (it holds cmdimage too), unless the options name one
            files.setLocationFromPaths(StandardLocation.CLASS_PATH, List.of());
            compiler.getTask(null, files, diagnostics, options, null, files.getJavaFileObjectsFromPaths(sources))
                    .call();
        }
        return diagnostics.getDiagnostics().stream().filter(d -> d.getKind() == Diagnostic.Kind.ERROR)
                .collect(Collectors.toList());
    }

    private static Path sources(String name) {
        try {
            return Path.of(JpmsConsumerIT.class.getResource("/jpms/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code java --module-path <classes>:<embedding.classpath> -m <module/main> args}, bounded. */
    private Run java(Path classes, String main, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "--module-path", classes + File.pathSeparator + modulePath,
                "-m", main));
        command.addAll(List.of(args));
        Path output = work.resolve(main.replace('/', '_') + ".out");
        Process process = new ProcessBuilder(command).directory(work.toFile()).redirectErrorStream(true)
                .redirectOutput(output.toFile()).start();
        try {
            if (!process.waitFor(RUN_MINUTES, TimeUnit.MINUTES)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
                throw new AssertionError(main + " did not end within " + RUN_MINUTES + " minutes; output:\n"
                        + read(output));
            }
        } finally {
            process.destroyForcibly();
        }
        return new Run(process.exitValue(), read(output));
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private record Run(int exitCode, String output) {}
}

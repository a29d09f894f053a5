package dev.cmdimage.core;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.api.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class ValidationTest {

    private static CmdImageSpec.Builder valid() {
        return CmdImageSpec.builder()
                .ref("gcr.io/my-project/app")
                .args("sh", "-c", "docker build -t $EXPECTED_REF .")
                .env(List.of("DOCKER_BUILDKIT=1", "EMPTY="))
                .imageMaps("base", "other");
    }

    private static List<String> problems(CmdImageSpec spec) {
        return Validation.validate(CmdImage.of("app", spec)).stream().map(Problem::toString).toList();
    }

    @Test
    void aValidSpecHasNoProblems() {
        assertThat(problems(valid().build())).isEmpty();
        assertThat(problems(valid().outputMode("remote").clusterNeeds("base-image").cluster("default")
                .outputTag("dev").build())).isEmpty();
        assertThat(problems(valid().outputsImageRefTo("/tmp/ref").build())).isEmpty();
        assertThat(problems(CmdImageSpec.builder().ref("busybox").args("true").build())).isEmpty();
    }

    static Stream<Arguments> specRules() {
        return Stream.of(
                rule("ref required", b -> b.ref(null), "spec.ref: Required value"),
                rule("ref parses", b -> b.ref("Foo Bar"),
                        "spec.ref: Invalid value: \"Foo Bar\": repository name must be lowercase"),
                rule("ref 64 hex", b -> b.ref("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"),
                        "spec.ref: Invalid value: \"0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef\":"
                                + " invalid repository name (0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef),"
                                + " cannot specify 64-byte hexadecimal strings"),
                rule("ref bad tag", b -> b.ref("app:-x"), "spec.ref: Invalid value: \"app:-x\": invalid tag \"-x\""),
                rule("args required", b -> b.args(List.of()),
                        "spec.args: Required value: the command to run, e.g. [\"sh\", \"-c\", \"docker build -t $EXPECTED_REF .\"]"),
                rule("args[0] empty", b -> b.args("", "x"),
                        "spec.args[0]: Invalid value: \"\": the command (first element) must not be empty"),
                rule("args[0] blank", b -> b.args("  "),
                        "spec.args[0]: Invalid value: \"  \": the command (first element) must not be empty"),
                rule("later empty args are fine", b -> b.args("echo", ""), new String[0]),
                rule("args without NUL", b -> b.args("echo", "a\0b"),
                        "spec.args[1]: Invalid value: \"a\\0b\": must not contain a NUL character (no process can receive it)"),
                rule("env without NUL", b -> b.env(List.of("A=x\0y", "B\0=z")),
                        "spec.env[0]: Invalid value: \"A=<redacted>\": must not contain a NUL character (no process can receive it)",
                        "spec.env[1]: Invalid value: \"B\\0=<redacted>\": must not contain a NUL character (no process can receive it)"),
                rule("outputTag valid", b -> b.outputTag("a b"),
                        "spec.outputTag: Invalid value: \"a b\": a tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"),
                rule("outputTag leading dot", b -> b.outputTag(".x"),
                        "spec.outputTag: Invalid value: \".x\": a tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"),
                rule("outputTag too long", b -> b.outputTag("a".repeat(129)),
                        "spec.outputTag: Invalid value: \"" + "a".repeat(129)
                                + "\": a tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"),
                rule("outputTag and outputsImageRefTo exclusive", b -> b.outputTag("dev").outputsImageRefTo("/tmp/ref"),
                        "spec.outputsImageRefTo: Forbidden: may not be set together with spec.outputTag"
                                + " (the command either builds the expected tag or writes the ref it built)"),
                rule("outputsImageRefTo relative inside", b -> b.outputsImageRefTo("out/../ref.txt"), new String[0]),
                rule("outputsImageRefTo relative leaving the base directory", b -> b.outputsImageRefTo("out/../../ref"),
                        "spec.outputsImageRefTo: Invalid value: \"out/../../ref\": a relative path must stay inside the"
                                + " base directory (give an absolute path to use a file elsewhere)"),
                rule("outputsImageRefTo without NUL", b -> b.outputsImageRefTo("ref\0.txt"),
                        "spec.outputsImageRefTo: Invalid value: \"ref\\0.txt\": must not contain a NUL character"),
                rule("env without =", b -> b.env(List.of("A=1", "JUSTANAME")),
                        "spec.env[1]: Invalid value: \"<redacted>\": must be KEY=VALUE"),
                rule("env empty key", b -> b.env(List.of("=x")),
                        "spec.env[0]: Invalid value: \"=<redacted>\": the key (before =) must not be empty"),
                rule("env empty entry", b -> b.env(List.of("")), "spec.env[0]: Invalid value: \"\": must be KEY=VALUE"),
                rule("env empty value is fine", b -> b.env(List.of("A=")), new String[0]),
                rule("imageMaps empty name", b -> b.imageMaps("base", ""),
                        "spec.imageMaps[1]: Required value: the name of an ImageMap"),
                rule("imageMaps duplicate", b -> b.imageMaps("base", "other", "base"),
                        "spec.imageMaps[2]: Duplicate value: \"base\""),
                rule("imageMaps bad name", b -> b.imageMaps("a/b"),
                        "spec.imageMaps[0]: Invalid value: \"a/b\": may not contain '/'"),
                rule("outputMode known", b -> b.outputMode("x"),
                        "spec.outputMode: Unsupported value: \"x\": supported values: \"local-docker\","
                                + " \"local-docker-and-remote\", \"remote\""),
                rule("outputMode is case sensitive", b -> b.outputMode("Remote"),
                        "spec.outputMode: Unsupported value: \"Remote\": supported values: \"local-docker\","
                                + " \"local-docker-and-remote\", \"remote\""),
                rule("old outputMode spelling", b -> b.outputMode("docker-local"),
                        "spec.outputMode: Unsupported value: \"docker-local\": supported values: \"local-docker\","
                                + " \"local-docker-and-remote\", \"remote\""),
                rule("clusterNeeds known", b -> b.clusterNeeds("always"),
                        "spec.clusterNeeds: Unsupported value: \"always\": supported values: \"push\", \"base-image\""),
                rule("cluster name valid", b -> b.cluster(".."), "spec.cluster: Invalid value: \"..\": may not be '..'"));
    }

    private static Arguments rule(String name, UnaryOperator<CmdImageSpec.Builder> change, String... expected) {
        return arguments(name, change, List.of(expected));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("specRules")
    void specRule(String name, UnaryOperator<CmdImageSpec.Builder> change, List<String> expected) {
        assertThat(problems(change.apply(valid()).build())).containsExactlyElementsOf(expected);
    }

    @Test
    void reportsEveryProblemAtOnce() {
        CmdImageSpec spec = CmdImageSpec.builder().ref("Foo Bar").outputMode("x").outputTag("a b")
                .outputsImageRefTo("/tmp/r").env(List.of("=v")).imageMaps("m", "m").clusterNeeds("z").build();
        List<Problem> problems = Validation.validate(new CmdImage(ObjectMeta.named("").withName(null), spec, null));
        assertThat(problems).extracting(Problem::field).containsExactly("metadata.name", "spec.ref", "spec.args",
                "spec.env[0]", "spec.imageMaps[1]", "spec.outputMode", "spec.outputTag", "spec.outputsImageRefTo",
                "spec.clusterNeeds");
    }

    @Test
    void neverPrintsSecretEnvValues() {
        CmdImageSpec spec = valid().env(List.of("=hunter2-password", "ghp_abcdefghijklmnopqrstuvwxyz0123456789",
                "GITHUB_TOKEN=fine-but-secret")).build();
        ValidationException e = org.junit.jupiter.api.Assertions.assertThrows(ValidationException.class,
                () -> Validation.check(CmdImage.of("app", spec)));
        assertThat(e.getMessage()).doesNotContain("hunter2").doesNotContain("ghp_").doesNotContain("fine-but-secret");
        assertThat(e.problems()).hasSize(2);
    }

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            app                 | -
            my-image_1.2:dev    | -
            gcr.io_foo_bar      | -
            .                   | may not be '.'
            ..                  | may not be '..'
            a/b                 | may not contain '/'
            50%                 | may not contain '%'
            ' a'                | may not start or end with whitespace
            """)
    void metadataName(String name, String why) {
        List<Problem> problems = Validation.validate(CmdImage.of(name, valid().build()));
        if (why == null) {
            assertThat(problems).isEmpty();
        } else {
            assertThat(problems).extracting(Problem::toString)
                    .containsExactly("metadata.name: Invalid value: \"" + name + "\": " + why);
        }
    }

    @Test
    void metadataNameRequiredAndBounded() {
        assertThat(Validation.validate(new CmdImage(null, valid().build(), null)))
                .extracting(Problem::toString).containsExactly("metadata.name: Required value");
        assertThat(Validation.validate(CmdImage.of("x".repeat(254), valid().build())))
                .extracting(Problem::detail).containsExactly("must be no more than 253 characters");
        assertThat(Validation.validate(CmdImage.of("a\tb", valid().build())))
                .extracting(Problem::detail).containsExactly("may not contain control characters");
    }

    @Test
    void checkThrowsWithSubjectAndEveryProblem() {
        CmdImage bad = CmdImage.of("app", CmdImageSpec.builder().build());
        assertThatThrownBy(() -> Validation.check(bad))
                .isInstanceOf(ValidationException.class)
                .hasMessage("CmdImage \"app\" is invalid: spec.ref: Required value; spec.args: Required value:"
                        + " the command to run, e.g. [\"sh\", \"-c\", \"docker build -t $EXPECTED_REF .\"]");
        org.junit.jupiter.api.Assertions.assertDoesNotThrow(() -> Validation.check(CmdImage.of("app", valid().build())));
    }

    // ---- registries ----

    @ParameterizedTest(name = "[{index}] \"{0}\"")
    @CsvSource(delimiter = '|', nullValues = "-", textBlock = """
            localhost:5000                                   | -
            localhost                                        | -
            127.0.0.1:5000                                   | -
            [::1]:5000                                       | -
            gcr.io/my-project                                | -
            123456789012.dkr.ecr.us-west-2.amazonaws.com/team | -
            docker.io/myuser                                 | -
            kind-registry:5000                               | -
            http://localhost:5000                            | must not include a scheme (http://): write it as domain[:port][/path]
            https://gcr.io/x                                 | must not include a scheme (https://): write it as domain[:port][/path]
            localhost:5000/                                  | must not end with '/'
            myregistry                                       | does not start with a registry domain (one with a '.' or a ':port', or localhost), so it would mean "docker.io/myregistry"
            myuser/project                                   | does not start with a registry domain (one with a '.' or a ':port', or localhost), so it would mean "docker.io/myuser/project"
            index.docker.io/myuser                           | is not canonical: write "docker.io/myuser"
            gcr.io/My-Project                                | must be domain[:port][/path]: repository name must be lowercase
            localhost:5000:5001                              | must be domain[:port][/path]: invalid registry domain "localhost:5000:5001"
            reg_istry.example                                | must be domain[:port][/path]: invalid registry domain "reg_istry.example"
            127.1:5000                                       | "127.1" is neither an IP address nor a host name whose last label starts with a letter, so the registry client cannot connect to it; write the address in full (e.g. 127.0.0.1)
            """)
    void registryHostsMustBeCanonical(String host, String why) {
        Cluster c = new Cluster(ObjectMeta.named("default"),
                new Cluster.Spec(RegistryHosting.of(host), null),
                new Cluster.Status(new RegistryHosting("localhost:5000", null, host, null, null), null, null, null));
        List<String> problems = Validation.validate(c).stream().map(Problem::toString).toList();
        if (why == null) {
            assertThat(problems).isEmpty();
        } else {
            assertThat(problems).containsExactly(
                    "spec.defaultRegistry.host: Invalid value: \"" + host + "\": " + why,
                    "status.registry.hostFromContainerRuntime: Invalid value: \"" + host + "\": " + why);
        }
    }

    @Test
    void registryHostRequiredAndSingleNameAPath() {
        Cluster c = new Cluster(ObjectMeta.named("default"),
                new Cluster.Spec(new RegistryHosting(null, "reg:5000", null, null, "Dev Images"), null),
                new Cluster.Status(new RegistryHosting("localhost:5000", "http://x", null, null, "team/app"), "amd64",
                        null, null));
        assertThat(Validation.validate(c)).extracting(Problem::toString).containsExactly(
                "spec.defaultRegistry.host: Required value: the registry as seen from this machine, e.g. localhost:5000",
                "spec.defaultRegistry.singleName: Invalid value: \"Dev Images\": must be an image path:"
                        + " repository name must be lowercase",
                "status.registry.hostFromClusterNetwork: Invalid value: \"http://x\": must not include a scheme"
                        + " (http://): write it as domain[:port][/path]");
        Cluster tagged = Cluster.of("default", new RegistryHosting("localhost:5000", null, null, null, "app:dev"), null);
        assertThat(Validation.validate(tagged)).extracting(Problem::toString).containsExactly(
                "status.registry.singleName: Invalid value: \"app:dev\": must be an image path (lowercase components"
                        + " separated by '/'), without tag or digest");
        assertThat(Validation.validate(Cluster.of("", null, null))).extracting(Problem::toString)
                .containsExactly("metadata.name: Required value");
    }

    // ---- ImageMap, lists, dispatch ----

    @Test
    void imageMapRules() {
        assertThat(Validation.validate(ImageMap.of("base", "busybox"))).isEmpty();
        ImageMap bad = new ImageMap(ObjectMeta.named("a/b"), new ImageMap.Spec("Busybox", false, false, null),
                new ImageMap.Status("localhost:5000/x:tilt-1", "localhost:5000/X", null, MicroTime.parse("2026-11-26T18:57:50Z")));
        assertThat(Validation.validate(bad)).extracting(Problem::toString).containsExactly(
                "metadata.name: Invalid value: \"a/b\": may not contain '/'",
                "spec.selector: Invalid value: \"Busybox\": repository name must be lowercase",
                "status.imageFromLocal: Invalid value: \"localhost:5000/X\": repository name must be lowercase");
    }

    @Test
    void listProblemsHaveItemPathsAndDuplicateNames() {
        CmdImageList list = CmdImageList.of(List.of(
                CmdImage.of("a", valid().build()),
                CmdImage.of("b", valid().args(List.of()).build()),
                CmdImage.of("a", valid().build())));
        ApiObject asObject = list;
        assertThat(Validation.validate(asObject)).extracting(Problem::toString).containsExactly(
                "items[1].spec.args: Required value: the command to run, e.g. [\"sh\", \"-c\","
                        + " \"docker build -t $EXPECTED_REF .\"]",
                "items[2].metadata.name: Duplicate value: \"a\"");
        assertThatThrownBy(() -> Validation.check(asObject)).hasMessageStartingWith("CmdImageList is invalid: items[1]");
    }

    @Test
    void dispatchesByKind() {
        List<ApiObject> objects = new ArrayList<>(Arrays.asList(
                CmdImage.of("x", CmdImageSpec.builder().build()), ImageMap.of("", null), Cluster.of("", null, null)));
        assertThat(objects).map(Validation::validate).map(List::size).containsExactly(2, 1, 1);
    }
}

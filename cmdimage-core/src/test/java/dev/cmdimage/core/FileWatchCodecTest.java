package dev.cmdimage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** FileWatch objects in the codec (Tilt's wire form) and in validation, and the cmdimage annotations. */
class FileWatchCodecTest {
    private final CmdImageCodec codec = CmdImageCodec.create();

    private static final String WIRE = """
            {
                "kind": "FileWatch",
                "apiVersion": "tilt.dev/v1alpha1",
                "metadata": {
                    "name": "image:app"
                },
                "spec": {
                    "watchedPaths": [
                        "/src/app",
                        "/src/Dockerfile"
                    ],
                    "ignores": [
                        {
                            "basePath": "/src/app",
                            "patterns": [
                                "*.log",
                                "!keep.log"
                            ]
                        },
                        {
                            "basePath": "/src/app/tmp"
                        }
                    ],
                    "disableSource": {
                        "configMap": {
                            "name": "app-disable",
                            "key": "isDisabled"
                        }
                    }
                },
                "status": {
                    "monitorStartTime": "2026-11-29T12:00:00.000001Z",
                    "lastEventTime": "2026-11-29T12:00:05.500000Z",
                    "fileEvents": [
                        {
                            "time": "2026-11-29T12:00:05.500000Z",
                            "seenFiles": [
                                "/src/app/main.go"
                            ]
                        }
                    ],
                    "disableStatus": {
                        "disabled": false,
                        "reason": "ConfigMap not found"
                    }
                }
            }
            """;

    @Test
    void readsAndWritesTiltsWireForm() throws ValidationException {
        List<ApiObject> read = codec.readValid(WIRE, "fw.json");

        FileWatch fw = (FileWatch) read.get(0);
        assertThat(fw.name()).isEqualTo("image:app");
        assertThat(fw.spec().watchedPaths()).containsExactly("/src/app", "/src/Dockerfile");
        assertThat(fw.spec().ignores()).containsExactly(
                new FileWatch.IgnoreDef("/src/app", List.of("*.log", "!keep.log")),
                new FileWatch.IgnoreDef("/src/app/tmp", List.of()));
        assertThat(fw.spec().disableSource().configMap())
                .isEqualTo(new FileWatch.ConfigMapDisableSource("app-disable", "isDisabled"));
        assertThat(fw.status().monitorStartTime()).isEqualTo(MicroTime.parse("2026-11-29T12:00:00.000001Z"));
        assertThat(fw.status().fileEvents()).containsExactly(new FileWatch.FileEvent(
                MicroTime.parse("2026-11-29T12:00:05.5Z"), List.of("/src/app/main.go")));
        assertThat(fw.status().extra()).containsKey("disableStatus"); // kept for the round trip
        assertThat(codec.toJson(fw)).isEqualTo(WIRE);
        assertThat(codec.read(codec.toYaml(fw), "yaml")).containsExactly(fw);
    }

    @Test
    void anEmptyStatusAndNoIgnoresAreLeftOut() throws ValidationException {
        FileWatch fw = FileWatch.of("src", List.of("src"));
        String json = codec.toJsonLine(fw);
        assertThat(json).isEqualTo("{\"kind\":\"FileWatch\",\"apiVersion\":\"tilt.dev/v1alpha1\","
                + "\"metadata\":{\"name\":\"src\"},\"spec\":{\"watchedPaths\":[\"src\"]},\"status\":{}}");
        assertThat(codec.read(json, null)).containsExactly(fw);
    }

    @Test
    void wrongTypesAreProblemsWithTheirPaths() {
        ValidationException e = catchThrowableOfType(ValidationException.class, () -> codec.read(
                "kind: FileWatch\napiVersion: tilt.dev/v1alpha1\nmetadata: {name: w}\n"
                        + "spec: {watchedPaths: src, ignores: [{basePath: 1, patterns: [2]}, x]}\n"
                        + "status: {fileEvents: [{time: yesterday, seenFiles: [a]}]}", "w.yaml"));
        assertThat(e.problems()).extracting(Problem::toString).containsExactlyInAnyOrder(
                "w.yaml: FileWatch \"w\": spec.watchedPaths: Invalid value: \"src\": must be a list of strings, not a"
                        + " string",
                "w.yaml: FileWatch \"w\": spec.ignores[0].basePath: Invalid value: \"1\": must be a string, not a"
                        + " number",
                "w.yaml: FileWatch \"w\": spec.ignores[0].patterns[0]: Invalid value: \"2\": must be a string, not a"
                        + " number",
                "w.yaml: FileWatch \"w\": spec.ignores[1]: Invalid value: \"x\": must be an object with basePath and"
                        + " patterns, not a string",
                "w.yaml: FileWatch \"w\": status.fileEvents[0].time: Invalid value: \"yesterday\": must be an RFC 3339"
                        + " time, e.g. 2026-11-26T18:57:50.123456Z");
    }

    @Test
    void validationNamesEveryProblem() {
        FileWatch fw = new FileWatch(ObjectMeta.named("a/b"), FileWatch.Spec.builder()
                .ignores(List.of(new FileWatch.IgnoreDef(null, List.of("x")),
                        new FileWatch.IgnoreDef("/src", List.of("a\0b"))))
                .build(), null);
        assertThat(Validation.validate(fw)).extracting(Problem::toString).containsExactly(
                "metadata.name: Invalid value: \"a/b\": may not contain '/'",
                "spec.watchedPaths: Required value: cannot be an empty list",
                "spec.ignores[0].basePath: Required value: the directory the patterns are relative to",
                "spec.ignores[1].patterns[0]: Invalid value: \"a\\0b\": must not contain a NUL character");
        assertThat(Validation.validate(FileWatch.of("w", List.of("src", "")))).extracting(Problem::toString)
                .containsExactly("spec.watchedPaths[1]: Required value: a path");
    }

    @Test
    void theAnnotationsOfACmdImageAreValidated() {
        CmdImage image = new CmdImage(new ObjectMeta("app", null, null, Map.of(
                FileWatch.FILE_WATCHES_ANNOTATION, "src, bad/name",
                FileWatch.DEPS_ANNOTATION, " , "), null, null, null, null),
                CmdImageSpec.builder().ref("app").args("true").build(), null);
        assertThat(Validation.validate(image)).extracting(Problem::toString).containsExactly(
                "metadata.annotations[cmdimage.dev/file-watches]: Invalid value: \"bad/name\": names FileWatches,"
                        + " comma-separated: may not contain '/'",
                "metadata.annotations[cmdimage.dev/deps]: Invalid value: \" , \": lists the paths the build depends"
                        + " on, comma-separated, e.g. \"src,Dockerfile\"");
    }

    @Test
    void theFileWatchesOfACmdImageComeFromBothAnnotations() {
        CmdImage image = new CmdImage(new ObjectMeta("app", null, null, Map.of(
                FileWatch.FILE_WATCHES_ANNOTATION, " shared ,, image:app ",
                FileWatch.DEPS_ANNOTATION, "src,Dockerfile"), null, null, null, null),
                CmdImageSpec.builder().ref("app").args("true").build(), null);
        assertThat(FileWatch.namesFor(image)).containsExactly("shared", "image:app");
        assertThat(FileWatch.namesFor(CmdImage.of("x", image.spec()))).isEmpty();
    }
}

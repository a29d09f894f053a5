package dev.cmdimage.core;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.ValidationException;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The YAML the codec writes reads back to the same strings, whatever Jackson version writes it and whichever YAML
 * reader reads it: the codec itself (YAML 1.2 core schema), SnakeYAML's own YAML 1.1 resolver, and Jackson's YAML
 * reader. Runs under the default and the oldest supported Jackson ({@code -Pjackson-oldest}).
 */
class YamlQuotingTest {
    /** Strings some YAML reader resolves to a non-string, or that break a plain scalar. */
    static final List<String> TRICKY = List.of(
            "0o17", "0O17", "0x1F", "0X1f", "0b101", "017", "1E+3", "1e3", "1e-3", "1.5e3", ".5", "-.5", "+.5", "5.",
            "+12", "-12", "1_000", "1_000.5", "0x_1F", "1:20", "1:20:30", "-1:20", "190:20:30.15", ".inf", "-.Inf",
            "+.INF", ".nan", ".NaN", "inf", "-inf", "+Infinity", "nan", "0x1p-2", "0x1.8p1", "yes", "Yes", "YES", "yEs",
            "no", "No", "on", "On", "ON", "off", "OFF", "y", "Y", "n", "N", "true", "True", "TRUE", "tRUE", "false",
            "False", "~", "null", "Null", "NULL", "nUll", "2001-12-14", "2001-12-14t21:59:43.10-05:00",
            "2001-12-14 21:59:43.10 -5", "2001-12-14T21:59:43Z", "2002-1-3", "<<", "=", "", " ", "  ", " lead",
            "trail ", "a: b", "a:", "a #b", "a#b", "#x", "- x", "-", "--", "-x", "--flag", "? x", "?x", ":x", ",x",
            "[x]", "{x}", "]", "}", "*x", "&x", "!x", "!!str", "|", ">", "|-", "'", "\"", "'x'", "\"x\"", "%x", "@x",
            "`x", "---", "...", "--- x", "... x", "\tx", "x\t", "a\tb", "line1\nline2", "line1\nline2\n", "\n", "\n\n",
            " x\ny", "x \ny", "x\n y", "a\r\nb", "a\rb", "\u0085", "a\u2028b", "\ufeffx", "é😀", "é", "ü: x", "x\u0007",
            "1.2.3", "v1.2", "0.0.0.0:80", "localhost:5000/a:b", "${HOME}", "$(pwd)", "a=b", "A=1", "=x", "<&>",
            "12:30", "0:0", "00", "0", "-0", "+0", "0.", "1,000", "a, b", "x: ", "x #", "~/x", "./run.sh", "a'b",
            "a\"b", "a\\b", "0f8b3c2e-1a4d-4f6b-9c3e-2d7a5b8e9f01", "build requested");

    /** Pieces of numbers, words, indicators and white space, glued together at random. */
    private static final List<String> PIECES = List.of("0", "1", "7", "9", "12", "2001-12-14", ".", "e", "E", "+", "-",
            "_", ":", "0x", "0o", "0b", "f", "p", "t", "T", "Z", "inf", "Inf", "nan", "y", "n", "yes", "no", "on", "Off",
            "true", "null", "Null", "~", "<", "<<", "=", " ", "#", "\n", "\t", "\r", "'", "\"", "\\", ",", "[", "]",
            "{", "}", "&", "*", "!", "|", ">", "%", "@", "`", "?", "a", "é", "😀", "\u0085", "\u2028", "\ufeff");

    private final CmdImageCodec codec = CmdImageCodec.create();

    @Test
    void trickyStringsReadBackAsTheSameStrings() throws Exception {
        roundTrips(TRICKY);
    }

    @Test
    void randomStringsReadBackAsTheSameStrings() throws Exception {
        Random random = new Random(20261129L);
        for (int batch = 0; batch < 20; batch++) {
            List<String> values = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                StringBuilder sb = new StringBuilder();
                int length = random.nextInt(5);
                for (int j = 0; j < length; j++) {
                    sb.append(PIECES.get(random.nextInt(PIECES.size())));
                }
                values.add(sb.toString());
            }
            roundTrips(values);
        }
    }

    /** Strings that resolve to something else are quoted in the text itself, whatever Jackson would do. */
    @Test
    void writesResolvableStringsQuotedAndSafeOnesPlain() {
        String yaml = codec.toYaml(image(List.of("0o17", "0x1F", "1E+3", "yes", "~", ".inf", "2001-12-14", "1:20",
                "<<", "=", "1_000", "-c", "--flag", "gcr.io/app:v1", "0f8b3c2e-1a4d", "DEBUG=1", "<&>", "a b")));
        assertThat(yaml).contains("""
                  args:
                  - "0o17"
                  - "0x1F"
                  - "1E+3"
                  - "yes"
                  - "~"
                  - ".inf"
                  - "2001-12-14"
                  - "1:20"
                  - "<<"
                  - "="
                  - "1_000"
                  - -c
                  - --flag
                  - gcr.io/app:v1
                  - 0f8b3c2e-1a4d
                  - DEBUG=1
                  - <&>
                  - a b
                """);
    }

    private void roundTrips(List<String> values) throws ValidationException, IOException {
        CmdImage image = image(values);
        String yaml = codec.toYamlDocuments(List.of(image, image));
        assertThat(codec.read(yaml, "y")).as(yaml).containsExactly(image, image);

        LoaderOptions options = new LoaderOptions();
        for (Object doc : new Yaml(new SafeConstructor(options)).loadAll(yaml)) {
            Map<?, ?> spec = (Map<?, ?>) ((Map<?, ?>) doc).get("spec");
            assertThat((List<?>) spec.get("args")).as("SnakeYAML 1.1 of %s", yaml).isEqualTo(values);
            assertThat((List<?>) spec.get("env")).as("SnakeYAML 1.1 of %s", yaml).isEqualTo(env(values));
            Map<?, ?> meta = (Map<?, ?>) ((Map<?, ?>) doc).get("metadata");
            assertThat((Map<?, ?>) meta.get("labels")).as("SnakeYAML 1.1 of %s", yaml).isEqualTo(keyed(values));
            assertThat((Map<?, ?>) meta.get("annotations")).as("SnakeYAML 1.1 of %s", yaml).isEqualTo(named(values));
        }

        JsonNode tree = new YAMLMapper().readTree(codec.toYaml(image));
        List<Object> args = new ArrayList<>();
        tree.path("spec").path("args").forEach(n -> args.add(n.isTextual() ? n.textValue() : n));
        assertThat(args).as("Jackson's YAML reader").isEqualTo(values);
        Map<String, Object> labels = new LinkedHashMap<>();
        tree.path("metadata").path("labels").fields().forEachRemaining(e -> labels.put(e.getKey(),
                e.getValue().isTextual() ? e.getValue().textValue() : e.getValue()));
        assertThat(labels).as("Jackson's YAML reader").isEqualTo(keyed(values));
    }

    private static CmdImage image(List<String> values) {
        return new CmdImage(new ObjectMeta("app", null, keyed(values), named(values), null, null, null, null),
                CmdImageSpec.builder().ref("app").args(values).env(env(values)).build(), null);
    }

    /** Each value as a label value under a key that is the value itself (keys are tricky too). */
    private static Map<String, String> keyed(List<String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        for (String v : values) {
            m.put("k" + v, v);
            m.put(v, "v");
        }
        return m;
    }

    private static Map<String, String> named(List<String> values) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < values.size(); i++) {
            m.put("a" + i, values.get(i));
        }
        return m;
    }

    private static List<String> env(List<String> values) {
        return values.stream().map(v -> "V=" + v).toList();
    }
}

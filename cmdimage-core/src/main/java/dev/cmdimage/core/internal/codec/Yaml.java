package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;

import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes trees as YAML the way {@code tilt get -o yaml} (sigs.k8s.io/yaml) does: keys sorted at every level,
 * sequences not indented under their key, strings quoted only when they would otherwise read back as something
 * else (numbers, booleans, null), multi-line strings as literal blocks.
 */
public final class Yaml {
    private static final ObjectWriter WRITER;

    static {
        YAMLFactory factory = YAMLFactory.builder()
                .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
                .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
                .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
                .enable(YAMLGenerator.Feature.LITERAL_BLOCK_STYLE)
                .disable(YAMLGenerator.Feature.SPLIT_LINES)
                .stringQuotingChecker(new Quoting())
                .build();
        WRITER = new YAMLMapper(factory).writer();
    }

    private Yaml() {}

    /**
     * Jackson's quoting rules, plus: strings a YAML 1.1 reader (Go's yaml.v2, behind sigs.k8s.io/yaml) would
     * take for a timestamp are quoted, as {@code kubectl}/{@code tilt get -o yaml} quote
     * {@code creationTimestamp: "2026-11-26T18:57:50Z"}.
     */
    private static final class Quoting extends StringQuotingChecker.Default {
        private static final long serialVersionUID = 1L;
        private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d{1,2}-\\d{1,2}(?:[Tt ].*)?");

        @Override
        public boolean needToQuoteValue(String value) {
            return super.needToQuoteValue(value) || TIMESTAMP.matcher(value).matches();
        }
    }

    public static String write(JsonNode node) {
        try {
            return WRITER.writeValueAsString(sorted(node));
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A copy with the keys of every object in sorted order. */
    static JsonNode sorted(JsonNode n) {
        if (n.isObject()) {
            List<String> keys = new ArrayList<>();
            for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
                keys.add(it.next());
            }
            keys.sort(null);
            ObjectNode o = JsonValues.nodes().objectNode();
            for (String k : keys) {
                o.set(k, sorted(n.get(k)));
            }
            return o;
        }
        if (n.isArray()) {
            ArrayNode a = JsonValues.nodes().arrayNode();
            for (JsonNode e : n) {
                a.add(sorted(e));
            }
            return a;
        }
        return n;
    }
}

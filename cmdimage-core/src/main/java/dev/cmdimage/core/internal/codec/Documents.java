package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import org.yaml.snakeyaml.error.MarkedYAMLException;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Splits a text into parsed documents: a stream of JSON values (one object, or several, e.g. the lines of
 * {@code watch -o json}) when the text starts with <code>{</code> or {@code [}, else YAML documents separated by
 * {@code ---}. Empty YAML documents are skipped. A syntax error ends the text; it is reported with its line and
 * column.
 */
public final class Documents {
    private static final ObjectReader JSON;
    private static final ObjectReader YAML;

    static {
        ObjectMapper json = JsonMapper.builder()
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .nodeFactory(JsonValues.nodes())
                .build();
        YAMLFactory yamlFactory = YAMLFactory.builder()
                // "yes", "no", "on", "off" stay strings (YAML 1.2); only true/false are booleans
                .enable(YAMLParser.Feature.PARSE_BOOLEAN_LIKE_WORDS_AS_STRINGS)
                .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                .build();
        ObjectMapper yaml = YAMLMapper.builder(yamlFactory)
                .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                .nodeFactory(JsonValues.nodes())
                .build();
        JSON = json.readerFor(JsonNode.class);
        YAML = yaml.readerFor(JsonNode.class);
    }

    /** What was parsed before a syntax error (if any). */
    public record Parsed(List<Document> documents, SyntaxError error) {}

    /**
     * One non-empty document.
     *
     * @param number its 1-based position in the text, empty documents counted
     * @param node   its content
     */
    public record Document(int number, JsonNode node) {}

    /**
     * A syntax error.
     *
     * @param document the 1-based number of the document it is in
     * @param line     1-based line, or 0 when unknown
     * @param column   1-based column, or 0 when unknown
     * @param message  the parser's words, without location
     * @param format   {@code JSON} or {@code YAML}
     */
    public record SyntaxError(int document, int line, int column, String message, String format) {
        /** {@code line 3, column 7} or empty. */
        public String location() {
            return line > 0 ? "line " + line + ", column " + column : "";
        }
    }

    private Documents() {}

    /** Whether the text is JSON rather than YAML (its first non-blank character opens a JSON value). */
    public static boolean looksLikeJson(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (!Character.isWhitespace(c) && c != '\ufeff') {
                return c == '{' || c == '[';
            }
        }
        return false;
    }

    /** Parses every document of {@code text}; never throws for bad input (a syntax error is returned). */
    public static Parsed parse(String text) {
        boolean json = looksLikeJson(text);
        String body = text.startsWith("\ufeff") ? text.substring(1) : text;
        List<Document> docs = new ArrayList<>();
        int number = 0;
        ObjectReader reader = json ? JSON : YAML;
        try (MappingIterator<JsonNode> it = reader.readValues(body)) {
            while (it.hasNextValue()) {
                JsonNode n = it.nextValue();
                number++;
                // an empty YAML document (only comments, or "---" twice) reads as null or as an empty string
                if (n == null || n.isMissingNode()
                        || (!json && (n.isNull() || (n.isTextual() && n.textValue().isEmpty())))) {
                    continue;
                }
                docs.add(new Document(number, n));
            }
        } catch (JsonProcessingException e) {
            return new Parsed(docs, syntaxError(e, number + 1, json));
        } catch (IOException | RuntimeException e) {
            return new Parsed(docs, new SyntaxError(number + 1, 0, 0, firstLine(String.valueOf(e.getMessage())),
                    json ? "JSON" : "YAML"));
        }
        return new Parsed(docs, null);
    }

    private static SyntaxError syntaxError(JsonProcessingException e, int document, boolean json) {
        for (Throwable t = e.getCause(); t != null; t = t.getCause()) {
            if (t instanceof MarkedYAMLException m && m.getProblemMark() != null) {
                String problem = m.getProblem() == null ? "" : m.getProblem();
                String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
                return new SyntaxError(document, m.getProblemMark().getLine() + 1,
                        m.getProblemMark().getColumn() + 1, clean(problem) + context, "YAML");
            }
        }
        JsonLocation loc = e.getLocation();
        int line = loc == null ? 0 : Math.max(0, loc.getLineNr());
        int column = loc == null ? 0 : Math.max(0, loc.getColumnNr());
        String msg = e.getOriginalMessage();
        if (msg == null) {
            msg = e.getClass().getSimpleName();
        }
        return new SyntaxError(document, line, column, clean(msg), json ? "JSON" : "YAML");
    }

    /** Jackson's and SnakeYAML's messages, trimmed to the sentence a person needs. */
    private static String clean(String msg) {
        String m = msg;
        int cut = m.indexOf(" in 'reader'");
        if (cut < 0) {
            cut = m.indexOf(" in 'string'");
        }
        if (cut > 0) {
            m = m.substring(0, cut);
        }
        m = m.replace(" (for Object starting at", "\u0000");
        int z = m.indexOf('\u0000');
        if (z > 0) {
            m = m.substring(0, z);
        }
        m = firstLine(m).trim();
        if (m.endsWith(":") || m.endsWith(",")) {
            m = m.substring(0, m.length() - 1);
        }
        return m;
    }

    private static String firstLine(String s) {
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}

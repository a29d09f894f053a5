package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.json.JsonMapper;
import org.yaml.snakeyaml.error.Mark;
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
    /**
     * The JSON reader, built on first use: YAML input (every file a user writes) never pays for an
     * {@link ObjectMapper}, whose construction loads some 300 Jackson classes (the first read in a fresh JVM).
     */
    private static final class Json {
        static final ObjectReader READER;

        static {
            // the same limits as the YAML reader, whatever the Jackson version's defaults (2.15.0 cut strings at 5M)
            JsonFactory factory = JsonFactory.builder()
                    .streamReadConstraints(StreamReadConstraints.builder()
                            .maxNestingDepth(YamlTrees.MAX_DEPTH)
                            .maxNumberLength(YamlTrees.MAX_NUMBER_LENGTH)
                            .maxStringLength(Integer.MAX_VALUE) // the codec limits the whole text before parsing
                            .build())
                    .build();
            ObjectMapper json = JsonMapper.builder(factory)
                    .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
                    .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
                    .nodeFactory(JsonValues.nodes())
                    .build();
            READER = json.readerFor(JsonNode.class);
        }

        private Json() {}
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
        int[] number = {0};
        try {
            if (json) {
                try (MappingIterator<JsonNode> it = Json.READER.readValues(body)) {
                    while (it.hasNextValue()) {
                        JsonNode n = it.nextValue();
                        number[0]++;
                        if (n != null && !n.isMissingNode()) {
                            docs.add(new Document(number[0], n));
                        }
                    }
                }
            } else {
                YamlTrees.readAll(body, JsonValues.nodes(), n -> {
                    number[0]++;
                    if (!n.isNull()) { // an empty document (only comments, or "---" twice)
                        docs.add(new Document(number[0], n));
                    }
                });
            }
        } catch (YamlTrees.YamlError e) {
            return new Parsed(docs, new SyntaxError(number[0] + 1, e.mark == null ? 0 : e.mark.getLine() + 1,
                    e.mark == null ? 0 : e.mark.getColumn() + 1, e.getMessage(), "YAML"));
        } catch (MarkedYAMLException e) {
            return new Parsed(docs, yamlSyntaxError(e, number[0] + 1));
        } catch (JsonProcessingException e) {
            return new Parsed(docs, syntaxError(e, number[0] + 1, json));
        } catch (IOException | RuntimeException e) {
            return new Parsed(docs, new SyntaxError(number[0] + 1, 0, 0, firstLine(String.valueOf(e.getMessage())),
                    json ? "JSON" : "YAML"));
        }
        return new Parsed(docs, null);
    }

    private static SyntaxError yamlSyntaxError(MarkedYAMLException m, int document) {
        String problem = m.getProblem() == null ? String.valueOf(m.getMessage()) : m.getProblem();
        String context = m.getContext() == null ? "" : " (" + m.getContext() + ")";
        Mark mark = m.getProblemMark() != null ? m.getProblemMark() : m.getContextMark();
        return new SyntaxError(document, mark == null ? 0 : mark.getLine() + 1, mark == null ? 0 : mark.getColumn() + 1,
                clean(problem) + context, "YAML");
    }

    private static SyntaxError syntaxError(JsonProcessingException e, int document, boolean json) {
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
        m = firstLine(m).trim().replaceAll(", from `[^`]*`", "");
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

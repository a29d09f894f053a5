package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.error.Mark;
import org.yaml.snakeyaml.events.AliasEvent;
import org.yaml.snakeyaml.events.CollectionStartEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.MappingEndEvent;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceEndEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.events.StreamEndEvent;
import org.yaml.snakeyaml.parser.Parser;
import org.yaml.snakeyaml.parser.ParserImpl;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Builds Jackson trees from YAML, one per document, over SnakeYAML's event stream. Unlike Jackson's own YAML tree
 * reader it resolves aliases ({@code *name} is the anchored value, not the string {@code "name"}) and merge keys
 * ({@code <<: *base}; keys written next to it win), as the Go YAML reader behind Tilt does.
 *
 * <p>Plain scalars are typed by the YAML 1.2 core schema: {@code null}/{@code ~}/empty, {@code true}/{@code false},
 * integers (decimal, {@code 0x}, {@code 0o}) and decimals; everything else, and every quoted or block scalar, is a
 * string ({@code yes}, {@code on}, {@code 12:30} and dates stay strings). Guards: a duplicate key, an unknown
 * alias, more than {@value #MAX_ALIASES} aliases of collections in one document, more than
 * {@value #MAX_EXPANDED_VALUES} values or {@value #MAX_EXPANDED_CHARACTERS} characters of keys and scalars once
 * aliases are expanded ("billion laughs", also of one long scalar), a number of more than
 * {@value #MAX_NUMBER_LENGTH} characters, or nesting deeper than {@value #MAX_DEPTH} levels is an error with its
 * line and column. The text is scanned in linear time ({@link WholeTextReader}).
 */
final class YamlTrees {
    static final int MAX_ALIASES = 100;
    static final int MAX_DEPTH = 1000;
    /** Values one document may hold once its aliases are expanded (as copying it, or writing it, would). */
    static final long MAX_EXPANDED_VALUES = 500_000;
    /** Characters of keys and scalars one document may hold once its aliases are expanded (16 Mi). */
    static final long MAX_EXPANDED_CHARACTERS = 16L * 1024 * 1024;
    /** The longest number literal read (as Jackson's JSON reader: longer ones take time growing with the square). */
    static final int MAX_NUMBER_LENGTH = 1000;
    private static final String MERGE_KEY = "<<";
    private static final String STR_TAG = "tag:yaml.org,2002:str";
    private static final Pattern NULL = Pattern.compile("|~|null|Null|NULL");
    private static final Pattern TRUE = Pattern.compile("true|True|TRUE");
    private static final Pattern FALSE = Pattern.compile("false|False|FALSE");
    private static final Pattern INT = Pattern.compile("[-+]?[0-9]+");
    private static final Pattern HEX = Pattern.compile("0x[0-9a-fA-F]+");
    private static final Pattern OCT = Pattern.compile("0o[0-7]+");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(?:\\.[0-9]+|[0-9]+(?:\\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?");

    /** A problem in the YAML text, at a place. */
    static final class YamlError extends RuntimeException {
        private static final long serialVersionUID = 1L;
        final transient Mark mark;

        YamlError(Mark mark, String message) {
            super(message, null, false, false);
            this.mark = mark;
        }
    }

    private final Iterator<Event> events;
    private final JsonNodeFactory nodes;
    private final Map<String, JsonNode> anchors = new HashMap<>();
    private final Map<String, Weight> anchorWeights = new HashMap<>();
    private int aliases;
    private long expanded;
    private long characters;

    /** What an anchored value adds to a document each time an alias repeats it. */
    private record Weight(long values, long characters) {}

    private YamlTrees(Iterator<Event> events, JsonNodeFactory nodes) {
        this.events = events;
        this.nodes = nodes;
    }

    /**
     * Reads every document, handing each root (a null node for an empty document) to {@code sink}.
     *
     * @throws YamlError                                    for the problems this class finds
     * @throws org.yaml.snakeyaml.error.YAMLException for syntax errors (a {@code MarkedYAMLException} has a place)
     */
    static void readAll(String text, JsonNodeFactory nodes, Consumer<JsonNode> sink) {
        LoaderOptions options = new LoaderOptions();
        options.setCodePointLimit(Integer.MAX_VALUE); // the codec limits the size before parsing
        Iterator<Event> events = events(new ParserImpl(new WholeTextReader(text), options));
        YamlTrees trees = new YamlTrees(events, nodes);
        while (events.hasNext()) {
            Event e = events.next();
            if (e instanceof DocumentStartEvent) {
                trees.anchors.clear();
                trees.anchorWeights.clear();
                trees.aliases = 0;
                trees.expanded = 0;
                trees.characters = 0;
                sink.accept(trees.value(events.next(), 0));
            } else if (e instanceof StreamEndEvent) {
                return;
            }
        }
    }

    private static Iterator<Event> events(Parser parser) {
        return new Iterator<>() {
            @Override
            public boolean hasNext() {
                return parser.peekEvent() != null;
            }

            @Override
            public Event next() {
                return parser.getEvent();
            }
        };
    }

    private JsonNode value(Event e, int depth) {
        if (depth > MAX_DEPTH) {
            throw new YamlError(e.getStartMark(), "nested more than " + MAX_DEPTH + " levels deep");
        }
        long before = expanded;
        long charactersBefore = characters;
        count(e.getStartMark(), 1, e instanceof ScalarEvent s ? s.getValue().length() : 0);
        JsonNode v;
        if (e instanceof ScalarEvent s) {
            v = scalar(s);
        } else if (e instanceof AliasEvent a) {
            return alias(a);
        } else if (e instanceof MappingStartEvent) {
            v = mapping(depth);
        } else if (e instanceof SequenceStartEvent) {
            v = sequence(depth);
        } else {
            throw new YamlError(e.getStartMark(), "unexpected " + e.getEventId());
        }
        String anchor = e instanceof ScalarEvent s ? s.getAnchor() : ((CollectionStartEvent) e).getAnchor();
        if (anchor != null) {
            anchors.put(anchor, v);
            anchorWeights.put(anchor, new Weight(expanded - before, characters - charactersBefore));
        }
        return v;
    }

    private void count(Mark mark, long values, long chars) {
        expanded += values;
        characters += chars;
        if (expanded > MAX_EXPANDED_VALUES) {
            throw new YamlError(mark, "more than " + MAX_EXPANDED_VALUES
                    + " values in one document once its aliases are expanded");
        }
        if (characters > MAX_EXPANDED_CHARACTERS) {
            throw new YamlError(mark, "more than " + MAX_EXPANDED_CHARACTERS
                    + " characters in one document once its aliases are expanded");
        }
    }

    private JsonNode alias(AliasEvent a) {
        JsonNode target = anchors.get(a.getAnchor());
        if (target == null) {
            throw new YamlError(a.getStartMark(), "unknown alias *" + a.getAnchor() + " (no &" + a.getAnchor()
                    + " before it in this document)");
        }
        if (target.isContainerNode() && ++aliases > MAX_ALIASES) {
            throw new YamlError(a.getStartMark(), "more than " + MAX_ALIASES + " aliases in one document");
        }
        Weight weight = anchorWeights.get(a.getAnchor());
        count(a.getStartMark(), weight.values(), weight.characters());
        return target;
    }

    private ObjectNode mapping(int depth) {
        ObjectNode o = nodes.objectNode();
        List<JsonNode> merges = new ArrayList<>();
        List<Mark> mergeMarks = new ArrayList<>();
        while (true) {
            Event k = events.next();
            if (k instanceof MappingEndEvent) {
                break;
            }
            String key;
            if (k instanceof ScalarEvent s) {
                key = s.getValue();
                count(k.getStartMark(), 0, key.length());
            } else if (k instanceof AliasEvent a && anchors.get(a.getAnchor()) != null
                    && anchors.get(a.getAnchor()).isValueNode()) {
                key = anchors.get(a.getAnchor()).asText();
                count(k.getStartMark(), 0, key.length());
            } else {
                throw new YamlError(k.getStartMark(), "a key must be a plain string, not "
                        + (k instanceof MappingStartEvent ? "a map" : k instanceof SequenceStartEvent ? "a list"
                        : "an alias (*name)"));
            }
            JsonNode v = value(events.next(), depth + 1);
            if (key.equals(MERGE_KEY) && k instanceof ScalarEvent s && s.isPlain()) {
                merges.add(v);
                mergeMarks.add(k.getStartMark());
            } else if (o.has(key)) {
                throw new YamlError(k.getStartMark(), "duplicate key \"" + key + "\"");
            } else {
                o.set(key, v);
            }
        }
        for (int i = 0; i < merges.size(); i++) {
            merge(o, merges.get(i), mergeMarks.get(i));
        }
        return o;
    }

    /** YAML's merge key: the merged maps' keys, unless the map already has them (earlier sources win). */
    private static void merge(ObjectNode into, JsonNode source, Mark mark) {
        if (source.isArray()) {
            for (JsonNode s : source) {
                merge(into, s, mark);
            }
            return;
        }
        if (!source.isObject()) {
            throw new YamlError(mark, "<< (merge) needs a map or a list of maps, not " + Fields.describeType(source));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = source.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!into.has(e.getKey())) {
                into.set(e.getKey(), e.getValue());
            }
        }
    }

    private ArrayNode sequence(int depth) {
        ArrayNode a = nodes.arrayNode();
        while (true) {
            Event e = events.next();
            if (e instanceof SequenceEndEvent) {
                return a;
            }
            a.add(value(e, depth + 1));
        }
    }

    private JsonNode scalar(ScalarEvent s) {
        String text = s.getValue();
        if (!s.isPlain() || STR_TAG.equals(s.getTag())) {
            return nodes.textNode(text);
        }
        if (NULL.matcher(text).matches()) {
            return nodes.nullNode();
        }
        if (text.length() > MAX_NUMBER_LENGTH && looksNumeric(text)) {
            throw new YamlError(s.getStartMark(), "a number of " + text.length() + " characters (at most "
                    + MAX_NUMBER_LENGTH + ")");
        }
        if (TRUE.matcher(text).matches()) {
            return nodes.booleanNode(true);
        }
        if (FALSE.matcher(text).matches()) {
            return nodes.booleanNode(false);
        }
        if (INT.matcher(text).matches()) {
            return integer(new BigInteger(text.startsWith("+") ? text.substring(1) : text));
        }
        if (HEX.matcher(text).matches()) {
            return integer(new BigInteger(text.substring(2), 16));
        }
        if (OCT.matcher(text).matches()) {
            return integer(new BigInteger(text.substring(2), 8));
        }
        if (FLOAT.matcher(text).matches()) {
            return nodes.numberNode(new BigDecimal(text.startsWith("+") ? text.substring(1) : text));
        }
        return nodes.textNode(text);
    }

    private static boolean looksNumeric(String text) {
        return INT.matcher(text).matches() || HEX.matcher(text).matches() || OCT.matcher(text).matches()
                || FLOAT.matcher(text).matches();
    }

    private JsonNode integer(BigInteger i) {
        return i.bitLength() < 64 ? nodes.numberNode(i.longValue()) : nodes.numberNode(i);
    }
}

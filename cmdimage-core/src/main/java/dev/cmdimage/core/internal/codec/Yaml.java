package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import org.yaml.snakeyaml.DumperOptions;
import org.yaml.snakeyaml.emitter.Emitter;
import org.yaml.snakeyaml.events.DocumentEndEvent;
import org.yaml.snakeyaml.events.DocumentStartEvent;
import org.yaml.snakeyaml.events.Event;
import org.yaml.snakeyaml.events.ImplicitTuple;
import org.yaml.snakeyaml.events.MappingEndEvent;
import org.yaml.snakeyaml.events.MappingStartEvent;
import org.yaml.snakeyaml.events.ScalarEvent;
import org.yaml.snakeyaml.events.SequenceEndEvent;
import org.yaml.snakeyaml.events.SequenceStartEvent;
import org.yaml.snakeyaml.events.StreamEndEvent;
import org.yaml.snakeyaml.events.StreamStartEvent;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Writes trees as YAML the way {@code tilt get -o yaml} (sigs.k8s.io/yaml) does: keys sorted at every level,
 * sequences not indented under their key, strings plain only where {@link PlainScalars} finds that every YAML 1.1
 * and 1.2 reader reads them back as the same strings (else double-quoted), multi-line strings as literal blocks
 * where a block keeps every character.
 *
 * <p>It hands SnakeYAML's emitter the events with the style of each scalar decided here, not by Jackson's YAML
 * writer, whose quoting rules changed between versions (2.15 to 2.22 left {@code 0x1F} and {@code 1E+3} plain).
 */
public final class Yaml {
    private static final ImplicitTuple PLAIN_IMPLICIT = new ImplicitTuple(true, true);
    /** Line breaks that a block scalar would turn into {@code \n}, and characters a block cannot hold. */
    private static final String NOT_IN_BLOCKS = "\r\u0085\u2028\u2029\ufeff";

    private final Emitter emitter;

    private Yaml(Emitter emitter) {
        this.emitter = emitter;
    }

    /** The tree as one YAML document (no {@code ---}), ending with a newline. */
    public static String write(JsonNode node) {
        DumperOptions options = new DumperOptions();
        options.setDefaultFlowStyle(DumperOptions.FlowStyle.BLOCK);
        options.setSplitLines(false);
        StringWriter out = new StringWriter();
        Yaml yaml = new Yaml(new Emitter(out, options));
        yaml.emit(new StreamStartEvent(null, null));
        yaml.emit(new DocumentStartEvent(null, null, false, null, null));
        yaml.value(node);
        yaml.emit(new DocumentEndEvent(null, null, false));
        yaml.emit(new StreamEndEvent(null, null));
        return out.toString();
    }

    private void value(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            scalar("null", DumperOptions.ScalarStyle.PLAIN);
        } else if (n.isObject()) {
            emit(new MappingStartEvent(null, null, true, null, null, DumperOptions.FlowStyle.BLOCK));
            for (String key : sortedKeys(n)) {
                scalar(key, PlainScalars.isPlainSafe(key) ? DumperOptions.ScalarStyle.PLAIN
                        : DumperOptions.ScalarStyle.DOUBLE_QUOTED);
                value(n.get(key));
            }
            emit(new MappingEndEvent(null, null));
        } else if (n.isArray()) {
            emit(new SequenceStartEvent(null, null, true, null, null, DumperOptions.FlowStyle.BLOCK));
            for (JsonNode e : n) {
                value(e);
            }
            emit(new SequenceEndEvent(null, null));
        } else if (n.isTextual()) {
            scalar(n.textValue(), style(n.textValue()));
        } else if (n.isBigDecimal()) {
            scalar(n.decimalValue().toString(), DumperOptions.ScalarStyle.PLAIN);
        } else if (n.isNumber() || n.isBoolean()) {
            scalar(n.asText(), DumperOptions.ScalarStyle.PLAIN);
        } else {
            scalar(n.asText(), style(n.asText()));
        }
    }

    /** Plain where safe; a literal block for multi-line text a block keeps exactly; else double-quoted. */
    static DumperOptions.ScalarStyle style(String s) {
        if (PlainScalars.isPlainSafe(s)) {
            return DumperOptions.ScalarStyle.PLAIN;
        }
        if (s.indexOf('\n') >= 0 && s.chars().noneMatch(c -> NOT_IN_BLOCKS.indexOf(c) >= 0)) {
            return DumperOptions.ScalarStyle.LITERAL; // SnakeYAML falls back to double quotes where it must
        }
        return DumperOptions.ScalarStyle.DOUBLE_QUOTED;
    }

    private void scalar(String text, DumperOptions.ScalarStyle style) {
        emit(new ScalarEvent(null, null, PLAIN_IMPLICIT, text, null, null, style));
    }

    private void emit(Event e) {
        try {
            emitter.emit(e);
        } catch (IOException ex) {
            throw new UncheckedIOException(ex); // a StringWriter does not throw
        }
    }

    private static List<String> sortedKeys(JsonNode n) {
        List<String> keys = new ArrayList<>();
        for (Iterator<String> it = n.fieldNames(); it.hasNext(); ) {
            keys.add(it.next());
        }
        keys.sort(null);
        return keys;
    }
}

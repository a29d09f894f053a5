package dev.cmdimage.core;

import com.fasterxml.jackson.databind.JsonNode;
import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.internal.codec.Documents;
import dev.cmdimage.core.internal.codec.GoJson;
import dev.cmdimage.core.internal.codec.ObjectDecoder;
import dev.cmdimage.core.internal.codec.ObjectEncoder;
import dev.cmdimage.core.internal.codec.Paths;
import dev.cmdimage.core.internal.codec.Yaml;

import java.io.IOException;
import java.io.InputStream;
import dev.cmdimage.core.internal.files.RegularFiles;
import java.nio.file.Path;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.LinkOption;
import java.nio.file.Files;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Reads and writes the {@code tilt.dev/v1alpha1} objects ({@code CmdImage}, {@code CmdImageList},
 * {@code ImageMap}, {@code Cluster}) in the JSON and YAML of Tilt's API server.
 *
 * <p>Reading is lenient where Kubernetes is (unknown fields are ignored; unknown {@code metadata} fields, and
 * unknown ImageMap/Cluster spec and status fields, are kept, so a read-then-write round trip loses nothing) and
 * strict about types: a number where a list of strings belongs is a {@link Problem} naming the field, never a
 * parser stack trace. Every problem of every document is reported at once.
 *
 * <p>Writing: {@link #toJson} is exactly what Tilt's API server sends, indented like {@code tilt get -o json}
 * (Go struct field order, {@code kind} first, four-space indent); {@link #toYaml} is what {@code tilt get -o yaml}
 * prints (keys sorted). Times are RFC 3339 UTC with six fractional digits.
 *
 * <p>Limits (each refused with a {@link Problem}, never an out-of-memory error or a long wait): a text of more than
 * {@linkplain Builder#maxInputSize(int) 8 MiB} is refused before it is parsed (and {@link #readText} stops reading a
 * stream there); nesting deeper than 1000 levels; a number of more than 1000 characters; in YAML, more than 100
 * aliases of lists or maps, more than 500,000 values or 16 Mi characters in one document once its aliases are
 * expanded. Reading takes time linear in the size of the text.
 *
 * <p>Instances are immutable and thread-safe.
 *
 * <pre>{@code
 * CmdImageCodec codec = CmdImageCodec.create();
 * List<ApiObject> objects = codec.read(Files.readString(path), path.toString());
 * String json = codec.toJson(objects.get(0));
 * }</pre>
 */
public final class CmdImageCodec {
    /** The default {@linkplain Builder#maxInputSize(int) input size limit}: 8 MiB. */
    public static final int DEFAULT_MAX_INPUT_SIZE = 8 * 1024 * 1024;
    private static final CmdImageCodec INSTANCE = new CmdImageCodec(DEFAULT_MAX_INPUT_SIZE);

    private final int maxInputSize;

    private CmdImageCodec(int maxInputSize) {
        this.maxInputSize = maxInputSize;
    }

    /** The codec with the default limits (a shared, stateless instance). */
    public static CmdImageCodec create() {
        return INSTANCE;
    }

    /** A builder for a codec with other limits. */
    public static Builder builder() {
        return new Builder();
    }

    /** Builds a {@link CmdImageCodec}. */
    public static final class Builder {
        private int maxInputSize = DEFAULT_MAX_INPUT_SIZE;

        private Builder() {}

        /**
         * The largest text read: characters of a string given to {@link CmdImageCodec#read}, bytes of a stream given
         * to {@link CmdImageCodec#readText}. Larger input is refused before it is parsed. Default
         * {@value CmdImageCodec#DEFAULT_MAX_INPUT_SIZE} (8 MiB).
         *
         * @param size at least 1
         * @return this builder
         */
        public Builder maxInputSize(int size) {
            if (size < 1 || size == Integer.MAX_VALUE) {
                throw new IllegalArgumentException("maxInputSize must be from 1 to " + (Integer.MAX_VALUE - 1)
                        + ", not " + size);
            }
            this.maxInputSize = size;
            return this;
        }

        /** The codec. */
        public CmdImageCodec build() {
            return maxInputSize == DEFAULT_MAX_INPUT_SIZE ? INSTANCE : new CmdImageCodec(maxInputSize);
        }
    }

    /**
     * Reads a file's text from {@code in} (UTF-8, a leading byte order mark kept for {@link #read} to skip),
     * reading no more than the {@linkplain Builder#maxInputSize(int) input size limit} and one byte: an endless
     * stream ({@code /dev/zero}) is refused without exhausting memory. Does not close {@code in}.
     *
     * @param in     the stream
     * @param source where it comes from (a file name, {@code stdin}), used in the problem; may be {@code null}
     * @return the text, for {@link #read} or {@link #readValid}
     * @throws ValidationException      when the stream holds more than the limit
     * @throws CharacterCodingException when it is not UTF-8
     * @throws IOException              when it cannot be read
     */
    public String readText(InputStream in, String source) throws ValidationException, IOException {
        byte[] bytes = in.readNBytes(maxInputSize + 1);
        if (bytes.length > maxInputSize) {
            throw tooLarge(source, "bytes");
        }
        return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    }

    /**
     * Reads a file's text (UTF-8), as {@link #readText(InputStream, String)} does, after checking that the file
     * (a symlink is followed) is a regular file: a FIFO, a device or a directory is refused before it is opened,
     * so that reading never blocks on a pipe nobody writes to. Named in problems as given.
     *
     * @param file the file
     * @return the text, for {@link #read} or {@link #readValid}
     * @throws ValidationException      when the file holds more than the limit
     * @throws NoSuchFileException      when nothing is at {@code file}
     * @throws FileSystemException      when it is not a regular file (its reason says what it is)
     * @throws CharacterCodingException when it is not UTF-8
     * @throws IOException              when it cannot be read
     */
    public String readText(Path file) throws ValidationException, IOException {
        return readText(file, file.toString());
    }

    /**
     * {@link #readText(Path)}, naming the file {@code source} in problems and exceptions (e.g. as the user wrote
     * it, where {@code file} was resolved against a working directory).
     *
     * @param file   the file
     * @param source how it is named
     * @return the text
     * @throws ValidationException      when the file holds more than the limit
     * @throws NoSuchFileException      when nothing is at {@code file}
     * @throws FileSystemException      when it is not a regular file (its reason says what it is)
     * @throws CharacterCodingException when it is not UTF-8
     * @throws IOException              when it cannot be read
     */
    public String readText(Path file, String source) throws ValidationException, IOException {
        Path target = file.toRealPath();
        try {
            RegularFiles.requireRegular(target);
        } catch (NoSuchFileException e) {
            throw new NoSuchFileException(source);
        } catch (FileSystemException e) {
            throw new FileSystemException(source, null, e.getReason());
        }
        try (InputStream in = Files.newInputStream(target, LinkOption.NOFOLLOW_LINKS)) {
            return readText(in, source);
        }
    }

    private ValidationException tooLarge(String source, String unit) {
        String field = source == null || source.isEmpty() ? "(text)" : source;
        return new ValidationException(null, List.of(new Problem(field, Problem.Type.INVALID, null,
                "larger than " + maxInputSize + " " + unit + " (" + size(maxInputSize)
                        + "), the most the codec reads; nothing was parsed")));
    }

    private static String size(int n) {
        return n % (1024 * 1024) == 0 ? n / (1024 * 1024) + " MiB" : n % 1024 == 0 ? n / 1024 + " KiB" : n + " B";
    }

    /**
     * Reads JSON or YAML: one or more YAML documents ({@code ---}), or JSON (one value, or several one after
     * the other, as {@link #toJsonLine} writes them). A document holds one object of kind CmdImage,
     * CmdImageList, ImageMap, Cluster, or an {@code apiVersion: v1, kind: List} whose items are such objects.
     *
     * <p>Only the structure is checked here (kinds, versions, types); use {@link Validation} or
     * {@link #readValid} for the rules of each field.
     *
     * @param text   the file's content, at most the {@linkplain Builder#maxInputSize(int) input size limit} long
     *               (larger text is refused unparsed)
     * @param source where the text comes from (a file name), used in problem paths; may be {@code null}
     * @return the objects in file order: a CmdImageList as a CmdImageList, a v1 List flattened into its items
     * @throws ValidationException listing every problem, each field prefixed with where it is, e.g.
     *                             {@code app.yaml: document 2 (CmdImage "app"): spec.args}
     */
    public List<ApiObject> read(String text, @Nullable String source) throws ValidationException {
        return read(text, source, false);
    }

    /**
     * Like {@link #read}, and also checks every object with {@link Validation#validate(ApiObject)}, reporting
     * the structure and rule problems of every document together.
     */
    public List<ApiObject> readValid(String text, @Nullable String source) throws ValidationException {
        return read(text, source, true);
    }

    private List<ApiObject> read(String text, String source, boolean validate) throws ValidationException {
        Objects.requireNonNull(text, "text");
        if (text.length() > maxInputSize) {
            throw tooLarge(source, "characters");
        }
        Documents.Parsed parsed = Documents.parse(text);
        List<Documents.Document> docs = parsed.documents();
        boolean several = docs.size() + (parsed.error() != null ? 1 : 0) > 1;
        List<ApiObject> out = new ArrayList<>();
        List<Problem> all = new ArrayList<>();
        for (int i = 0; i < docs.size(); i++) {
            JsonNode doc = docs.get(i).node();
            List<Problem> problems = new ArrayList<>();
            List<ApiObject> objects = ObjectDecoder.decodeDocument(doc, problems);
            if (problems.isEmpty() && validate) {
                boolean list = isList(doc);
                for (int j = 0; j < objects.size(); j++) {
                    for (Problem p : Validation.validate(objects.get(j))) {
                        problems.add(list ? new Problem(Paths.child("items[" + j + "]", p.field()), p.type(),
                                p.value(), p.detail()) : p);
                    }
                }
            }
            String where = where(source, several ? docs.get(i).number() : 0, ObjectDecoder.subject(doc));
            for (Problem p : problems) {
                all.add(prefixed(p, where));
            }
            out.addAll(objects);
        }
        if (parsed.error() != null) {
            Documents.SyntaxError e = parsed.error();
            String where = where(source, several ? e.document() : 0, null);
            String loc = e.location();
            String field = where.isEmpty() ? (loc.isEmpty() ? "(text)" : loc)
                    : loc.isEmpty() ? where : where + ": " + loc;
            all.add(new Problem(field, Problem.Type.INVALID, null, e.format() + " syntax error: " + e.message()));
        }
        if (!all.isEmpty()) {
            throw new ValidationException(null, all);
        }
        return List.copyOf(out);
    }

    private static boolean isList(JsonNode doc) {
        return doc.path("kind").isTextual() && doc.path("kind").textValue().equals("List");
    }

    private static String where(String source, int document, String subject) {
        StringBuilder sb = new StringBuilder();
        if (source != null && !source.isEmpty()) {
            sb.append(source);
        }
        if (document > 0) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append("document ").append(document);
            if (subject != null) {
                sb.append(" (").append(subject).append(')');
            }
        } else if (subject != null) {
            if (sb.length() > 0) {
                sb.append(": ");
            }
            sb.append(subject);
        }
        return sb.toString();
    }

    private static Problem prefixed(Problem p, String where) {
        if (where.isEmpty()) {
            return p;
        }
        String field = p.field().equals(ObjectDecoder.ROOT) ? where : where + ": " + p.field();
        return new Problem(field, p.type(), p.value(), p.detail());
    }

    /** Pretty JSON, exactly Tilt's wire form, ending with a newline (like {@code tilt get -o json}). */
    public String toJson(ApiObject object) {
        return GoJson.pretty(ObjectEncoder.encode(Objects.requireNonNull(object, "object"))) + "\n";
    }

    /** YAML with the same content, as {@code tilt get -o yaml} prints it (keys sorted). */
    public String toYaml(ApiObject object) {
        return Yaml.write(ObjectEncoder.encode(Objects.requireNonNull(object, "object")));
    }

    /** Compact one-line JSON without a trailing newline (for {@code watch -o json}); {@link #read} reads a stream of them. */
    public String toJsonLine(ApiObject object) {
        return GoJson.compact(ObjectEncoder.encode(Objects.requireNonNull(object, "object")));
    }

    /** {@code {"kind": "List", "apiVersion": "v1", "metadata": {}, "items": [...]}}, pretty, newline-terminated. */
    public String listToJson(List<? extends ApiObject> items) {
        return GoJson.pretty(ObjectEncoder.encodeList(items)) + "\n";
    }

    /** The v1 List as YAML. */
    public String listToYaml(List<? extends ApiObject> items) {
        return Yaml.write(ObjectEncoder.encodeList(items));
    }

    /** The objects as YAML documents separated by {@code ---} lines (what {@link #read} reads back). */
    public String toYamlDocuments(List<? extends ApiObject> objects) {
        StringBuilder sb = new StringBuilder();
        for (ApiObject o : objects) {
            if (sb.length() > 0) {
                sb.append("---\n");
            }
            sb.append(toYaml(o));
        }
        return sb.toString();
    }
}

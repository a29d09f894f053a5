package dev.cmdimage.api;

import java.io.Serializable;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * One thing wrong with an object, Kubernetes style: {@code spec.args: Required value},
 * {@code spec.ref: Invalid value: "Foo Bar": repository name must be lowercase}.
 *
 * <p>{@link #toString()} prints at most the first {@value #MAX_PRINTED_VALUE} characters of a value, then the
 * value's length: {@code spec.ref: Invalid value: "aaaa…"... (2097152 characters): ...}; {@link #value()} is whole.
 *
 * @param field  the field path, e.g. {@code spec.env[2]}
 * @param type   what kind of problem
 * @param value  the offending value as text, or {@code null}
 * @param detail why, or {@code null}
 */
public record Problem(String field, Type type, @Nullable String value, @Nullable String detail)
        implements Serializable {
    /** The most characters of a value {@link #toString()} prints. */
    public static final int MAX_PRINTED_VALUE = 200;

    /** {@code field} and {@code type} are required. */
    public Problem {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(type, "type");
    }

    /** The field is missing. */
    public static Problem required(String field) {
        return new Problem(field, Type.REQUIRED, null, null);
    }

    /** The field holds a bad value. */
    public static Problem invalid(String field, String value, String detail) {
        return new Problem(field, Type.INVALID, value, detail);
    }

    /** The field holds a value outside a fixed set. */
    public static Problem unsupported(String field, String value, List<String> supported) {
        return new Problem(field, Type.UNSUPPORTED, value, "supported values: "
                + supported.stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ")));
    }

    /** The field must not be set (here, or together with another). */
    public static Problem forbidden(String field, String detail) {
        return new Problem(field, Type.FORBIDDEN, null, detail);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(field).append(": ").append(type.text);
        if (value != null) {
            if (value.length() <= MAX_PRINTED_VALUE) {
                sb.append(": \"").append(value).append('"');
            } else {
                int end = Character.isHighSurrogate(value.charAt(MAX_PRINTED_VALUE - 1)) ? MAX_PRINTED_VALUE - 1
                        : MAX_PRINTED_VALUE;
                sb.append(": \"").append(value, 0, end).append("\"... (").append(value.length())
                        .append(" characters)");
            }
        }
        if (detail != null) {
            sb.append(": ").append(detail);
        }
        return sb.toString();
    }

    /** Kinds of problem, with the words Kubernetes prints for them. */
    public enum Type {
        /** The field is missing or empty. */
        REQUIRED("Required value"),
        /** The field holds a bad value ({@link Problem#value()} says which, {@link Problem#detail()} why). */
        INVALID("Invalid value"),
        /** The field holds a value outside a fixed set ({@link Problem#detail()} lists the supported ones). */
        UNSUPPORTED("Unsupported value"),
        /** The field must not be set (here, or together with another). */
        FORBIDDEN("Forbidden"),
        /** Something the field names does not exist. */
        NOT_FOUND("Not found"),
        /** The value appears twice where it must be unique. */
        DUPLICATE("Duplicate value");

        private final String text;

        Type(String text) {
            this.text = text;
        }

        /** The words printed for it, e.g. {@code Required value}. */
        public String text() {
            return text;
        }
    }
}

package dev.cmdimage.docker.internal;

import com.github.dockerjava.api.exception.DockerException;
import java.net.SocketTimeoutException;
import java.time.Duration;

/** Turns docker-java's exceptions into words for people. */
public final class Causes {
    private Causes() {}

    /**
     * The engine's own message for an API error ({@code {"message": ...}} bodies), else the innermost cause's
     * message, else its type.
     */
    public static String describe(Throwable t) {
        if (t instanceof DockerException de) {
            String msg = de.getMessage();
            // docker-java formats "Status 404: {"message":"..."}"; keep the engine's words
            int i = msg == null ? -1 : msg.indexOf("\"message\":\"");
            if (i >= 0) {
                int start = i + "\"message\":\"".length();
                int end = msg.indexOf('"', start);
                return (end > start ? msg.substring(start, end) : msg.substring(start)).replace("\\n", " ").trim();
            }
            return msg == null ? de.getClass().getSimpleName() : msg.trim();
        }
        Throwable root = t;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = root.getMessage();
        if (msg == null || msg.isBlank()) {
            return root.getClass().getSimpleName();
        }
        return msg.trim();
    }

    /**
     * Whether {@code t} says a connection or an answer did not come in time: a {@link SocketTimeoutException} or the
     * HTTP client's {@code ConnectTimeoutException} somewhere in its causes.
     */
    public static boolean isTimeout(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof SocketTimeoutException || c.getClass().getSimpleName().equals("ConnectTimeoutException")) {
                return true;
            }
        }
        return false;
    }

    /** A duration for people: {@code 250ms}, {@code 10s}, {@code 2m}, {@code 1m30s}. */
    public static String format(Duration d) {
        if (d.toMillis() < 1000 || d.toMillisPart() != 0) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        if (s < 60) {
            return s + "s";
        }
        return s % 60 == 0 ? s / 60 + "m" : s / 60 + "m" + s % 60 + "s";
    }
}

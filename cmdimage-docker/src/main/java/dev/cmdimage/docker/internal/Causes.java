package dev.cmdimage.docker.internal;

import com.github.dockerjava.api.exception.DockerException;

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
}

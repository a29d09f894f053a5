package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.ImageRef;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Every sentence the pipeline puts into {@code status.completed.error}, in one place so they can be read and
 * reviewed together. Texts marked "Tilt" are Tilt's wording; the others are ours.
 */
final class Messages {
    private Messages() {}

    /** The command as people see it: the script of {@code sh -c <script>}, else the args joined by spaces. */
    static String commandDisplay(List<String> args) {
        if (args.size() == 3 && args.get(0).equals("sh") && args.get(1).equals("-c")) {
            return args.get(2);
        }
        return String.join(" ", args);
    }

    /** Tilt: {@code Custom build "<cmd>" failed: exit status <n>}, plus the last output lines (ours). */
    static String commandFailed(String command, int exitCode, List<String> tail) {
        return withTail("Custom build \"" + command + "\" failed: exit status " + exitCode, tail);
    }

    static String commandTimedOut(String command, Duration timeout, List<String> tail) {
        return withTail("Custom build \"" + command + "\" timed out"
                + (timeout == null ? "" : " after " + format(timeout)) + "; its processes were killed", tail);
    }

    static String buildTimedOut(String command, Duration timeout, BuildStep step) {
        return "Custom build \"" + command + "\" timed out after " + format(timeout) + " in step \"" + step.label()
                + "\" (the timeout covers the whole build)";
    }

    static String commandNotStarted(String command, String cause) {
        return "Custom build \"" + command + "\" could not start: " + cause;
    }

    static final String CANCELLED = "build cancelled";

    /** Tilt: the ref file is missing or unreadable. */
    static String refFileMissing(Path path, String cause) {
        return "Could not find image ref in output. Your custom_build script should have written to " + path
                + ": " + cause;
    }

    /** Tilt: the ref file does not hold a usable ref. */
    static String refFileInvalid(Path path, String why) {
        return "Output image ref in file " + path + " was invalid: " + why;
    }

    /**
     * Tilt's first words ({@code Could not find image in Docker} for the Docker store; other stores name
     * themselves), then the hint, the ref looked for, the store (unless its name already said which) and the store's
     * own words.
     */
    static String imageNotFound(ImageRef ref, boolean fromRefFile, Path refFile, String storeName,
            String storeDescription, String cause) {
        String hint = fromRefFile
                ? "Did your custom_build script build the image it wrote to " + refFile + "?"
                : "Did your custom_build script tag the image it built as $EXPECTED_REF?"
                        + " If the script pushes the image itself, use outputMode: remote.";
        String where = storeName.contains(storeDescription) ? "" : " in " + storeDescription;
        return "Could not find image in " + storeName + ". " + hint + " Looked for " + ref.familiarString() + where
                + ": " + cause;
    }

    /**
     * The pusher's words for the push, then the cause: Tilt's {@code docker push: <cause>} from the Docker pusher,
     * {@code push to <registry>: <cause>} from others.
     */
    static String pushFailed(String push, String cause) {
        return push + ": " + cause;
    }

    static String storeNeeded(String outputMode) {
        return "outputMode " + outputMode + " needs an image store to verify the image, but none is configured"
                + " (CmdImages.builder().imageStore(...)); use outputMode: remote if the command pushes the image"
                + " itself";
    }

    static String pusherNeeded(String why) {
        return "this build must push its image (" + why + "), but no registry pusher is configured"
                + " (CmdImages.builder().registryPusher(...))";
    }

    /**
     * A local cluster without a registry, and no loader for it: the build fails rather than push the image to the
     * image's own (usually public) registry.
     */
    static String noLoader(String cluster, String product) {
        return "the cluster " + cluster + " has no registry, and no cluster image loader serves " + product
                + " clusters (CmdImages.builder().clusterImageLoader(...), e.g. ClusterToolLoader for kind, k3d,"
                + " minikube, k3s, microk8s and containerd); cmdimage does not push a local cluster's image to the"
                + " image's own registry. Give the cluster a registry (status.registry or spec.defaultRegistry) or a"
                + " loader";
    }

    /** The loader's words for the load, then the cause: {@code kind load into kind-dev: <cause>}. */
    static String loadFailed(String load, String cause) {
        return load + ": " + cause;
    }

    /** A RuntimeException thrown by a plug-in, as a sentence: what failed, while doing what, and its words. */
    static String unexpected(String plugin, String doing, RuntimeException e) {
        String message = e.getMessage();
        return "Unexpected error in " + plugin + " while " + doing + ": " + e.getClass().getSimpleName()
                + (message == null || message.isBlank() ? "" : ": " + message);
    }

    /** Appends the last lines of output, one per line, after the sentence. */
    static String withTail(String sentence, List<String> tail) {
        if (tail.isEmpty()) {
            return sentence;
        }
        StringBuilder sb = new StringBuilder(sentence).append("\noutput (last ").append(tail.size())
                .append(tail.size() == 1 ? " line" : " lines").append("):");
        for (String line : tail) {
            sb.append("\n  ").append(line);
        }
        return sb.toString();
    }

    /** A duration for people: {@code 250ms}, {@code 5s}, {@code 1m30s}, {@code 2h}. */
    static String format(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        long h = s / 3600;
        long m = (s % 3600) / 60;
        long sec = s % 60;
        long ms = d.toMillisPart();
        StringBuilder sb = new StringBuilder();
        if (h > 0) {
            sb.append(h).append('h');
        }
        if (m > 0) {
            sb.append(m).append('m');
        }
        if (sec > 0 || ms > 0) {
            sb.append(sec);
            if (ms > 0 && h == 0 && m == 0) {
                sb.append('.').append(String.format("%03d", ms).replaceAll("0+$", ""));
            }
            sb.append('s');
        }
        return sb.toString();
    }
}

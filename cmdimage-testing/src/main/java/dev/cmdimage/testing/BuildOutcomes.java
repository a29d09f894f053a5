package dev.cmdimage.testing;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.ImageNotFoundException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.PushException;
import dev.cmdimage.api.RefFileException;
import dev.cmdimage.api.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * Results and failures of builds, as cmdimage's own builder reports them, without positional constructors: for
 * scripting a {@link FakeCmdImageBuilder} or a mock, and for asserting on what consumer code does with them. The
 * failures carry the pipeline's own sentences ({@code Custom build "make image" failed: exit status 2}, ...).
 *
 * <pre>{@code
 * builder.succeed("app", BuildOutcomes.result("localhost:5000/app:tilt-0123456789abcdef").pushedDigest(digest));
 * builder.fail("app", BuildOutcomes.commandFailed("make image", 2, "error: no rule to make target"));
 * }</pre>
 */
public final class BuildOutcomes {
    private BuildOutcomes() {}

    /**
     * A successful result producing {@code ref}, seen the same from the local network and the cluster; refine it
     * with the builder's methods.
     */
    public static Result result(String ref) {
        return new Result(ref);
    }

    /**
     * The failure of a command that exited with {@code exitCode}, as the pipeline words it:
     * {@code Custom build "<command>" failed: exit status <n>}, then the output lines.
     *
     * @param command    the command as people see it ({@code make image}, or the script of {@code sh -c})
     * @param outputTail the last lines it printed
     */
    public static CommandFailedException commandFailed(String command, int exitCode, String... outputTail) {
        List<String> tail = List.of(outputTail);
        return new CommandFailedException(withTail("Custom build \"" + command + "\" failed: exit status " + exitCode,
                tail), command, exitCode, tail);
    }

    /** The failure of a command that ran past the build's {@code timeout} and was killed. */
    public static BuildTimeoutException timedOut(String command, Duration timeout, String... outputTail) {
        List<String> tail = List.of(outputTail);
        return new BuildTimeoutException(withTail("Custom build \"" + command + "\" timed out after "
                + format(timeout) + "; its processes were killed", tail), timeout, command, tail);
    }

    /** A cancelled build: {@code build cancelled}. */
    public static BuildCancelledException cancelled() {
        return new BuildCancelledException(FakeCmdImageBuilder.CANCELLED);
    }

    /** The command ended but {@code ref} is not in the image store (the store had no such image). */
    public static ImageNotFoundException imageNotFound(String ref) {
        String familiar = ImageRef.parse(ref).familiarString();
        return new ImageNotFoundException("Could not find image in the image store. Did your custom_build script tag"
                + " the image it built as $EXPECTED_REF? If the script pushes the image itself, use outputMode:"
                + " remote. Looked for " + familiar + ": no such image", familiar, null);
    }

    /** A push of {@code ref} that failed with the registry's words: {@code push to <registry>: <cause>}. */
    public static PushException pushFailed(String ref, String cause) {
        ImageRef parsed = ImageRef.parse(ref);
        return new PushException("push to " + parsed.domain() + ": " + cause, parsed.familiarString());
    }

    /** A ref file ({@code outputsImageRefTo}) the command did not write. */
    public static RefFileException refFileMissing(Path path) {
        return new RefFileException("Could not find image ref in output. Your custom_build script should have"
                + " written to " + path + ": the file does not exist", path, null);
    }

    /** A ref file that holds no usable ref, {@code why} saying what is wrong. */
    public static RefFileException refFileInvalid(Path path, String why) {
        return new RefFileException("Output image ref in file " + path + " was invalid: " + why, path, null);
    }

    /**
     * CmdImage {@code name} is invalid; nothing ran. Make the problems with {@link Problem#required},
     * {@link Problem#invalid}, ...
     */
    public static ValidationException invalid(String name, Problem... problems) {
        if (problems.length == 0) {
            throw new IllegalArgumentException("a ValidationException needs at least one problem");
        }
        return new ValidationException("CmdImage \"" + name + "\"", List.of(problems));
    }

    /** The build needs ImageMap {@code name}, which has no image yet: {@code missing image map <name>}. */
    public static DependencyNotReadyException missingImageMap(String name) {
        return new DependencyNotReadyException("missing image map " + name, ImageMap.KIND + "/" + name);
    }

    /** The cluster {@code name} reports {@code error}: {@code cluster not ready: <error>}. */
    public static DependencyNotReadyException clusterNotReady(String name, String error) {
        return new DependencyNotReadyException("cluster not ready: " + error, "Cluster/" + name);
    }

    /** The image store failed (unreachable, corrupt); {@code message} names the store and the ref. */
    public static ImageStoreException imageStoreFailed(String message) {
        return new ImageStoreException(message);
    }

    /** Registry credentials could not be had; {@code message} names the helper or file, never a secret. */
    public static CredentialsException credentialsFailed(String message) {
        return new CredentialsException(message);
    }

    private static String withTail(String sentence, List<String> tail) {
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

    /** A duration as the pipeline prints it: {@code 250ms}, {@code 5s}, {@code 1.5s}, {@code 1m30s}, {@code 2h}. */
    private static String format(Duration d) {
        if (d.toMillis() < 1000) {
            return d.toMillis() + "ms";
        }
        long s = d.toSeconds();
        StringBuilder sb = new StringBuilder();
        if (s / 3600 > 0) {
            sb.append(s / 3600).append('h');
        }
        if (s % 3600 / 60 > 0) {
            sb.append(s % 3600 / 60).append('m');
        }
        long ms = d.toMillisPart();
        if (s % 60 > 0 || ms > 0) {
            sb.append(s % 60);
            if (ms > 0 && s < 60) {
                sb.append('.').append(String.format("%03d", ms).replaceAll("0+$", ""));
            }
            sb.append('s');
        }
        return sb.toString();
    }

    /**
     * A {@link BuildResult} being made; {@link FakeCmdImageBuilder} fills in the times and the reason of the build
     * it ends, {@link #build()} takes the current time.
     */
    public static final class Result {
        private final String localRef;
        private String clusterRef;
        private @Nullable String imageId;
        private @Nullable String pushedDigest;

        private Result(String ref) {
            this.localRef = ImageRef.parse(Objects.requireNonNull(ref, "ref")).familiarString();
            this.clusterRef = localRef;
        }

        /** The ref as the cluster's container runtime sees it (default: the local ref). */
        public Result clusterRef(String ref) {
            this.clusterRef = ImageRef.parse(ref).familiarString();
            return this;
        }

        /** The image ID ({@code sha256:...}; default none, as in {@code remote} mode). */
        public Result imageId(String id) {
            this.imageId = id;
            return this;
        }

        /** The manifest digest a registry reported (default none: nothing was pushed). */
        public Result pushedDigest(String digest) {
            this.pushedDigest = digest;
            return this;
        }

        /** The local ref (familiar form). */
        public String localRef() {
            return localRef;
        }

        /** The result of a build that started and ended now, for the default reason. */
        public BuildResult build() {
            MicroTime now = MicroTime.of(Instant.now());
            return build(BuildRequest.DEFAULT_REASON, now, now);
        }

        /** The result of a build with this reason and times. */
        public BuildResult build(String reason, MicroTime startedAt, MicroTime finishedAt) {
            CmdImageStatus status = CmdImageStatus.succeeded(localRef, reason, startedAt, finishedAt);
            ImageMap.Status map = new ImageMap.Status(clusterRef, localRef, clusterRef, startedAt);
            return new BuildResult(status, map, localRef, clusterRef, imageId, pushedDigest);
        }
    }
}

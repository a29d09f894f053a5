package dev.cmdimage.maven;

import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CommandFailedException;
import dev.cmdimage.api.CredentialsException;
import dev.cmdimage.api.DependencyNotReadyException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.CmdImageSetResult;
import java.util.ArrayList;
import java.util.List;

/**
 * The text a failed {@code cmdimage:build} ends with: per failed CmdImage its error, and for a failed command its
 * command, exit status and output tail, then a hint saying what to try.
 */
final class FailureReport {
    private FailureReport() {}

    /** The lines for every failed CmdImage of {@code result}, each failure followed by its hint. */
    static List<String> lines(CmdImageSetResult result) {
        List<String> out = new ArrayList<>();
        for (CmdImageSetResult.Outcome o : result.outcomes()) {
            if (o.succeeded()) {
                continue;
            }
            CmdImageException e = o.failure().orElse(null);
            if (e instanceof CommandFailedException f) {
                out.add("[" + o.name() + "] command: " + f.command());
                out.add("[" + o.name() + "] exit status: " + f.exitCode());
                if (f.outputTail().isEmpty()) {
                    out.add("[" + o.name() + "] the command printed nothing");
                } else {
                    out.add("[" + o.name() + "] last lines of output:");
                    f.outputTail().forEach(l -> out.add("[" + o.name() + "]   " + l));
                }
            } else {
                String error = e != null ? e.getMessage() : MavenBuildLog.describe(o.status());
                for (String l : String.valueOf(error).split("\\R")) {
                    out.add("[" + o.name() + "] " + l);
                }
            }
            out.add("[" + o.name() + "] hint: " + hint(e));
        }
        return out.stream().map(MavenBuildLog::escape).toList();
    }

    /** The first sentence of the exception: which CmdImages failed, one phrase each. */
    static String summary(CmdImageSetResult result) {
        List<String> failed = result.outcomes().stream().filter(o -> !o.succeeded()).map(
                CmdImageSetResult.Outcome::name).toList();
        return "cmdimage: " + failed.size() + " of " + result.outcomes().size() + " CmdImages failed: "
                + String.join(", ", failed);
    }

    private static boolean causedBy(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    /** What to try, for the exception a CmdImage failed with. */
    static String hint(CmdImageException e) {
        if (e instanceof CommandFailedException) {
            return "the command's own output above says why; run it by hand in the CmdImage's directory (with"
                    + " EXPECTED_REF set) to reproduce it, or run mvn -X to see every build step";
        }
        if (e instanceof BuildTimeoutException) {
            return "raise <timeout> (or -Dcmdimage.timeout), or find out why the command takes so long";
        }
        if (e instanceof DependencyNotReadyException) {
            return "it needs an image that was not built: fix the failure of the CmdImage it depends on first";
        }
        if (causedBy(e, OfflinePusher.OfflineException.class)) {
            return "build without -o to push it, or skip the build offline with -Dcmdimage.skip";
        }
        if (e instanceof CredentialsException || e instanceof PushException) {
            return "credentials come from the settings.xml <server> whose <id> is the registry host (e.g."
                    + " localhost:5000), else from Docker's config (docker login); check that the registry is"
                    + " reachable";
        }
        return "run mvn -X to see every build step";
    }
}

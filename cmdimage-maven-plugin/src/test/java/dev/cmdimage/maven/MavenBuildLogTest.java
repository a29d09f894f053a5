package dev.cmdimage.maven;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.StdStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.logging.SystemStreamLog;
import org.junit.jupiter.api.Test;

class MavenBuildLogTest {
    /** Records each line with its level. */
    static final class RecordingLog extends SystemStreamLog {
        final List<String> lines = new ArrayList<>();
        final boolean debug;

        RecordingLog(boolean debug) {
            this.debug = debug;
        }

        @Override
        public boolean isDebugEnabled() {
            return debug;
        }

        @Override
        public void debug(CharSequence content) {
            if (debug) {
                lines.add("DEBUG " + content);
            }
        }

        @Override
        public void info(CharSequence content) {
            lines.add("INFO " + content);
        }

        @Override
        public void warn(CharSequence content) {
            lines.add("WARN " + content);
        }

        @Override
        public void error(CharSequence content) {
            lines.add("ERROR " + content);
        }
    }

    @Test
    void outputLinesAtInfoStepsAtDebugAFailedStepAtWarnWithItsFirstLine() {
        RecordingLog log = new RecordingLog(true);
        MavenBuildLog l = new MavenBuildLog(log);

        l.stepStarted("app", BuildStep.RUN, "running [sh, build.sh]");
        l.outputLine("app", StdStream.STDOUT, "compiling");
        l.stepFinished("app", BuildStep.RUN, "exit status 0", Duration.ofMillis(1500));
        l.stepFailed("app", BuildStep.PUSH, "push to localhost:5000: denied\nmore detail", Duration.ofMillis(200));
        l.log("app", "first\nsecond");

        assertThat(log.lines).containsExactly(
                "DEBUG [app] " + BuildStep.RUN.label() + ": running [sh, build.sh]",
                "INFO [app] compiling",
                "DEBUG [app] " + BuildStep.RUN.label() + " done in 1.5s: exit status 0",
                "WARN [app] " + BuildStep.PUSH.label() + " failed after 0.2s: push to localhost:5000: denied",
                "INFO [app] first",
                "INFO [app] second");
    }

    @Test
    void withoutDebugTheStepsAreNotLogged() {
        RecordingLog log = new RecordingLog(false);
        MavenBuildLog l = new MavenBuildLog(log);

        l.stepStarted("app", BuildStep.RUN, "running [sh, build.sh]");
        l.stepFinished("app", BuildStep.RUN, "", Duration.ofSeconds(1));

        assertThat(log.lines).isEmpty();
    }

    @Test
    void controlCharactersOfTheOutputAreEscaped() {
        RecordingLog log = new RecordingLog(false);

        new MavenBuildLog(log).outputLine("app", StdStream.STDERR, "\u001b[2Jgone\rhidden\u009b");

        new MavenBuildLog(log).outputLine("app", StdStream.STDOUT, "Sending build context  9.775kB\r");

        assertThat(log.lines).containsExactly("INFO [app] \\x1b[2Jgone\\x0dhidden\\u009b",
                "INFO [app] Sending build context  9.775kB");
    }
}

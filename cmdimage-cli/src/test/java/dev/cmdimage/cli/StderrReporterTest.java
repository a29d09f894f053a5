package dev.cmdimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.StdStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class StderrReporterTest {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final StderrReporter reporter = new StderrReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8));

    private String text() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void prefixesEveryLineWithTheNameOfItsCmdImage() {
        reporter.outputLine("app", StdStream.STDOUT, "Step 1/2");
        reporter.outputLine("base", StdStream.STDERR, "warning");
        reporter.stepStarted("app", BuildStep.RUN, "running [sh, -c, ./build.sh]");
        reporter.stepFinished("app", BuildStep.VERIFY, "image sha256:ab12", Duration.ofMillis(1500));
        reporter.stepFailed("app", BuildStep.PUSH, "docker push: denied", Duration.ofMillis(100));
        reporter.log("app", "push skipped: base image does not need deploy");

        assertThat(text().lines()).containsExactly(
                "[app] Step 1/2",
                "[base] warning",
                "[app] run: running [sh, -c, ./build.sh]",
                "[app] verify done in 1.5s: image sha256:ab12",
                "[app] push failed after 0.1s: docker push: denied",
                "[app] push skipped: base image does not need deploy");
    }

    @Test
    void prefixesEachLineOfAMultiLineMessage() {
        MicroTime t = MicroTime.of(Instant.parse("2026-11-26T18:57:50Z"));
        reporter.statusChanged("app", CmdImageStatus.failed(
                "Custom build \"./build.sh\" failed: exit status 3\nlast lines:\nno space left", "build requested", t, t));

        assertThat(text().lines()).containsExactly(
                "[app] completed with error: Custom build \"./build.sh\" failed: exit status 3",
                "[app] last lines:",
                "[app] no space left");
    }

    @Test
    void printsEachStatusOnceWhetherTheBuilderOrTheControllerReportsIt() {
        MicroTime t = MicroTime.of(Instant.parse("2026-11-26T18:57:50Z"));
        CmdImageStatus building = CmdImageStatus.building("build requested", t);
        CmdImageStatus done = CmdImageStatus.succeeded("app:tilt-0123456789abcdef", "build requested", t, t);
        CmdImage app = CmdImage.of("app", CmdImageSpec.builder().ref("app").args("true").build());

        reporter.changed(app.withStatus(CmdImageStatus.waiting("waiting for image map base")), false);
        reporter.statusChanged("app", building);
        reporter.changed(app.withStatus(building), false);
        reporter.statusChanged("app", done);
        reporter.changed(app.withStatus(done), false);
        reporter.changed(app, true);

        assertThat(text().lines()).containsExactly(
                "[app] waiting for image map base",
                "[app] building (build requested)",
                "[app] completed: app:tilt-0123456789abcdef",
                "[app] CmdImage deleted");
    }

    @Test
    void aStateReportedTwiceWithOtherTimestampsOrWithPendingBetweenIsPrintedOnce() {
        CmdImageStatus building = CmdImageStatus.building("build requested",
                MicroTime.of(Instant.parse("2026-11-26T18:57:50Z")));
        CmdImageStatus sameLater = CmdImageStatus.building("build requested",
                MicroTime.of(Instant.parse("2026-11-26T18:57:51Z")));

        reporter.statusChanged("app", building);
        reporter.statusChanged("app", sameLater);
        reporter.statusChanged("app", CmdImageStatus.EMPTY);
        reporter.statusChanged("app", building);

        assertThat(text().lines()).containsExactly("[app] building (build requested)");
    }

    @Test
    void saysThingsAboutTheWholeRunWithTheToolsName() {
        reporter.info("image store: OCI layout at /w/.cmdimage/oci");
        assertThat(text()).isEqualTo("cmdimage: image store: OCI layout at /w/.cmdimage/oci" + System.lineSeparator());
    }

    @Test
    void escapesControlCharactersOfNamesCommandOutputAndErrorsButKeepsTabs() {
        reporter.outputLine("app\u001b]0;owned\u0007", StdStream.STDOUT, "\u001b[2J\u001b[31mred\u001b[0m\tnext");
        MicroTime t = MicroTime.of(Instant.parse("2026-11-26T18:57:50Z"));
        reporter.statusChanged("app", CmdImageStatus.failed("ref file holds \u001b[8mhidden\u009b\u007f", null, t, t));
        reporter.info("read \u0000 and\r\nnext line");

        assertThat(text()).doesNotContain("\u001b", "\u0007", "\u009b", "\u007f", "\u0000");
        assertThat(text().lines()).containsExactly(
                "[app\\x1b]0;owned\\x07] \\x1b[2J\\x1b[31mred\\x1b[0m\tnext",
                "[app] completed with error: ref file holds \\x1b[8mhidden\\u009b\\x7f",
                "cmdimage: read \\x00 and",
                "cmdimage: next line");
    }

    @Test
    void onATerminalEachBuildInFlightHasAStatusLineThatIsErasedBeforeOtherLinesAndRedrawnAfter() {
        MicroTime t = MicroTime.of(Instant.parse("2026-11-26T18:57:50Z"));
        StderrReporter live = new StderrReporter(new PrintStream(bytes, true, StandardCharsets.UTF_8),
                StderrReporter.Verbosity.NORMAL, false, true);
        try (live) {
            live.statusChanged("app", CmdImageStatus.building("build requested", t));
            live.stepStarted("app", BuildStep.RUN, "running [sh, -c, ./build.sh]");
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10))
                    .until(() -> text().contains("[app] - 0s run: running [sh, -c, ./build.sh]\n"));
            bytes.reset();

            live.outputLine("app", StdStream.STDOUT, "Step 1/2");

            // erase the one status line, print the line, draw the status line again (wrapping off while drawn);
            // the status line may have been redrawn just before (it is, four times a second)
            assertThat(text()).matches("(?s)(.*\u001b\\[\\?7h)?\r\u001b\\[1A\u001b\\[J\\[app\\] Step 1/2\n"
                    + "\u001b\\[\\?7l\\[app\\] . 0s run: running \\[sh, -c, \\./build\\.sh\\]\n\u001b\\[\\?7h");
            bytes.reset();
            live.statusChanged("app", CmdImageStatus.succeeded("app:tilt-0123456789abcdef", "build requested", t, t));
            // the step lines themselves are not printed: the status line shows the step
            live.stepFinished("app", BuildStep.PUSH, "pushed", Duration.ofMillis(10));
            assertThat(text()).endsWith("\r\u001b[1A\u001b[J[app] completed: app:tilt-0123456789abcdef\n");
        }
        assertThat(StderrReporter.elapsed(Duration.ofSeconds(65))).isEqualTo("1m05s");
        assertThat(StderrReporter.elapsed(Duration.ofSeconds(3723))).isEqualTo("1h02m03s");
    }
}

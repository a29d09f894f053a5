package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.api.BuildCancelledException;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.BuildStep;
import dev.cmdimage.api.BuildTimeoutException;
import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.CmdImageException;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.core.internal.registry.TaggedRefs;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ClusterTarget;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One build, top to bottom, in the order of BEHAVIOUR.md section 4. Each step is a small class with one job; this
 * class only sequences them, reports each as a paired start and finish-or-fail to the listener, and stops early
 * where a mode ends ({@code remote} after the command, ref-file mode after verification).
 */
final class BuildRun {
    private final PipelineSettings settings;
    private final BuildTags buildTags;
    private final BuildRequest request;
    private final BuildEvents events;
    private final Cancellation cancellation;
    private final MicroTime startedAt;
    private final BuildControl control;
    private SecretMasker masker = SecretMasker.NONE;

    BuildRun(PipelineSettings settings, BuildTags buildTags, BuildRequest request, BuildEvents events,
            Cancellation cancellation, MicroTime startedAt, BuildControl control) {
        this.settings = settings;
        this.buildTags = buildTags;
        this.request = request;
        this.events = events;
        this.cancellation = cancellation;
        this.startedAt = startedAt;
        this.control = control;
    }

    /** The masker for this build's secret environment values (known once the environment is). */
    SecretMasker masker() {
        return masker;
    }

    BuildResult execute() throws CmdImageException {
        CmdImageSpec spec = request.cmdImage().spec();

        // 1. validate, resolve the cluster and the image maps
        step(BuildStep.VALIDATE, "checking the spec", () -> {
            new ValidateStep(settings).check(request.cmdImage(), request.cluster(),
                    request.clusterSharesImageStore());
            return spec;
        }, s -> "valid");
        Resolution resolution = step(BuildStep.RESOLVE, "resolving the cluster and image maps",
                () -> new ResolveStep().resolve(request), BuildRun::describe);

        // 2. building
        control.markBuilding();

        // 3. and 4. expected output, working directory, environment
        Prepared prepared = step(BuildStep.PREPARE, "deciding the expected image and the environment",
                () -> prepare(spec, resolution), p -> p.expectation().refFileMode()
                        ? "expecting the command to write its ref to " + p.expectation().refFile()
                        : "expecting " + p.expectation().expected().local().familiarString());
        masker = SecretMasker.of(prepared.environment());
        Expectation expectation = prepared.expectation();

        // 5. and 6. run the command
        step(BuildStep.RUN, "running " + spec.args() + " in " + prepared.directory(),
                () -> new RunStep(settings.processRunner(), settings.killGrace(), settings.outputTailLines())
                        .run(spec.args(), prepared.directory(), prepared.environment(), request.timeout(), events,
                                masker, cancellation, control),
                took -> "exit status 0 after " + Messages.format(took == null ? Duration.ZERO : took));

        // 7. the ref file
        TaggedRefs produced = expectation.refFileMode()
                ? step(BuildStep.READ_REF_FILE, "reading " + expectation.refFile(),
                        () -> new RefFileStep().read(expectation, resolution.registry()),
                        refs -> "found " + refs.local().familiarString())
                : expectation.expected();

        // 8. remote mode stops here
        if (CmdImageSpec.OUTPUT_MODE_REMOTE.equals(spec.effectiveOutputMode())) {
            return succeeded(produced, null, null);
        }

        // 9. verify
        String imageId = step(BuildStep.VERIFY, "looking up " + produced.local().familiarString() + " in "
                + storeDescription(), () -> new VerifyStep(settings.imageStore())
                        .verify(produced.local(), resolution.arch(), expectation.refFile(), masker),
                id -> "image " + id);

        // 10. ref-file mode stops here
        if (expectation.refFileMode()) {
            return succeeded(produced, imageId, null);
        }

        // 11. content tag
        TaggedRefs content = step(BuildStep.RETAG, "tagging image " + imageId + " with its content tag",
                () -> new RetagStep(settings.imageStore()).retag(imageId, resolution.refs(), masker),
                refs -> "tagged " + refs.local().familiarString());

        // 12. push, or load into a cluster without a registry
        PushDecision decision = PushDecisions.decide(spec, request.cluster(), settings,
                request.clusterSharesImageStore());
        if (decision.action() == PushDecision.Action.LOAD) {
            ClusterTarget target = ClusterTarget.of(request.cluster());
            step(BuildStep.PUSH, "loading " + content.local().familiarString() + " into "
                    + PushDecision.describe(target), () -> new LoadStep(settings.clusterImageLoader())
                            .load(content.local(), target, decision, events, masker, cancellation),
                    name -> "loaded into " + PushDecision.describe(target) + " as " + name);
            return succeeded(content, imageId, null);
        }
        if (decision.action() == PushDecision.Action.REFUSE) {
            throw new ClusterLoadException(decision.reason(), ClusterTarget.of(request.cluster()).displayName(),
                    ClusterTarget.of(request.cluster()).product(), content.local().familiarString(), List.of(), null);
        }
        String digest = step(BuildStep.PUSH, (decision.push() ? "pushing " : "deciding whether to push ")
                + content.local().familiarString(), () -> new PushStep(settings.registryPusher())
                        .push(content.local(), decision, events, masker, cancellation),
                d -> d == null ? "skipped: " + decision.reason() : "pushed " + d);

        // 13. completed
        return succeeded(content, imageId, digest);
    }

    private Prepared prepare(CmdImageSpec spec, Resolution resolution) throws CmdImageException {
        Path base = Directories.base(request.baseDirectory());
        Path directory = Directories.workingDirectory(spec.dir(), base);
        Expectation expectation = new ExpectStep(buildTags).expect(spec, resolution.refs(), base);
        Map<String, String> baseEnv = request.baseEnvironment() != null ? request.baseEnvironment() : System.getenv();
        Map<String, String> env = new EnvironmentStep().environment(baseEnv, storeEnvironment(), spec, expectation,
                resolution);
        return new Prepared(expectation, directory, env);
    }

    private Map<String, String> storeEnvironment() throws CmdImageException {
        if (settings.imageStore() == null) {
            return Map.of();
        }
        try {
            Map<String, String> env = settings.imageStore().commandEnvironment();
            return env == null ? Map.of() : env;
        } catch (RuntimeException e) {
            throw new CmdImageException(Messages.unexpected("the image store (" + storeDescription() + ")",
                    "preparing the command's environment", e), e);
        }
    }

    private BuildResult succeeded(TaggedRefs refs, String imageId, String pushedDigest) {
        String local = refs.local().familiarString();
        String cluster = refs.cluster().familiarString();
        CmdImageStatus status = CmdImageStatus.succeeded(local, request.reason(), startedAt, now());
        ImageMap.Status imageMap = new ImageMap.Status(cluster, local, cluster, startedAt);
        return new BuildResult(status, imageMap, local, cluster, imageId, pushedDigest);
    }

    private String storeDescription() {
        return settings.imageStore() == null ? "no image store" : StoreNames.description(settings.imageStore());
    }

    private static String describe(Resolution r) {
        return (r.registry() == null ? "no registry" : "registry " + r.registry().host())
                + (r.arch() == null ? "" : ", arch " + r.arch())
                + (r.imageMaps().isEmpty() ? "" : ", image maps " + r.imageMaps().stream()
                        .map(m -> m.name() + "=" + m.imageFromLocal()).toList());
    }

    private MicroTime now() {
        return MicroTime.of(settings.clock().instant());
    }

    /** The body of a step. */
    @FunctionalInterface
    interface StepBody<T> {
        T run() throws CmdImageException;
    }

    /**
     * Runs one step: stops first when the build was cancelled, then reports the start, runs the body, and reports
     * the finish with {@code finished}'s detail or the failure with its sentence. Anything unexpected thrown by the
     * body becomes a {@link CmdImageException} naming the step (a {@link VirtualMachineError} is reported, then
     * rethrown).
     */
    private <T> T step(BuildStep step, String detail, StepBody<T> body, Function<T, String> finished)
            throws CmdImageException {
        if (cancellation.isCancelled()) {
            throw new BuildCancelledException(Messages.CANCELLED);
        }
        control.enterStep(step);
        Duration left = control.timeLeft();
        if (left != null && step != BuildStep.RUN && (left.isZero() || left.isNegative())) {
            String command = Messages.commandDisplay(request.cmdImage().spec().args());
            throw new BuildTimeoutException(Messages.buildTimedOut(command, request.timeout(), step),
                    request.timeout(), command, List.of());
        }
        Instant start = settings.clock().instant();
        events.stepStarted(step, detail);
        T result;
        try {
            result = body.run();
        } catch (CmdImageException e) {
            CmdImageException reported = cancellation.isCancelled() && !(e instanceof BuildCancelledException)
                    ? new BuildCancelledException(Messages.CANCELLED)
                    : e;
            events.stepFailed(step, reported.getMessage(), took(start));
            throw reported;
        } catch (RuntimeException | Error e) {
            CmdImageException reported = cancellation.isCancelled()
                    ? new BuildCancelledException(Messages.CANCELLED)
                    : new CmdImageException(masker.mask("Internal error in step \"" + step.label() + "\": "
                            + e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage())),
                            e);
            events.stepFailed(step, reported.getMessage(), took(start));
            if (e instanceof VirtualMachineError vme) {
                throw vme; // the build still ends (PipelineBuilder), but the JVM's own trouble is not swallowed
            }
            throw reported;
        }
        String done;
        try {
            done = finished.apply(result);
        } catch (RuntimeException e) {
            done = "done";
        }
        events.stepFinished(step, done, took(start));
        return result;
    }

    private Duration took(Instant start) {
        Duration d = Duration.between(start, settings.clock().instant());
        return d.isNegative() ? Duration.ZERO : d;
    }
}

package dev.cmdimage.core.internal.validation;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.Redaction;
import dev.cmdimage.api.RegistryHosting;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.internal.codec.Paths;
import dev.cmdimage.core.internal.registryhttp.RegistryAddress;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks API objects before anything runs and reports <em>every</em> problem at once, each with its field path,
 * Kubernetes style ({@code spec.args: Required value}, {@code spec.ref: Invalid value: "Foo Bar": repository
 * name must be lowercase}). Tilt's own {@code Validate()} accepts anything; a build that fails here never starts
 * its command.
 *
 * <p>Problem texts never show a secret: environment entries are printed through {@link Redaction}.
 *
 * <p>The rules behind the public {@code dev.cmdimage.core.Validation}, here so that the pipeline
 * ({@code ValidateStep}) uses them without depending on the public package.
 */
public final class Validator {
    private static final int NAME_MAX = 253;

    private Validator() {}

    /** {@code metadata.name} (required, a valid name) and every rule of the spec. */
    public static List<Problem> validate(CmdImage cmdImage) {
        List<Problem> problems = new ArrayList<>();
        validate(cmdImage, "", problems);
        return List.copyOf(problems);
    }

    /** {@code metadata.name}, the selector and the image refs of the status. */
    public static List<Problem> validate(ImageMap imageMap) {
        List<Problem> problems = new ArrayList<>();
        metadata(imageMap.metadata(), "", problems);
        ImageMap.Spec spec = imageMap.spec();
        if (spec.selector() != null) {
            ref("spec.selector", spec.selector(), problems);
        }
        ImageMap.Status st = imageMap.status();
        optionalRef("status.image", st.image(), problems);
        optionalRef("status.imageFromLocal", st.imageFromLocal(), problems);
        optionalRef("status.imageFromCluster", st.imageFromCluster(), problems);
        return List.copyOf(problems);
    }

    /** {@code metadata.name} and the registries of spec and status (hosts canonical, single name a valid path). */
    public static List<Problem> validate(Cluster cluster) {
        List<Problem> problems = new ArrayList<>();
        metadata(cluster.metadata(), "", problems);
        registry("spec.defaultRegistry", cluster.spec().defaultRegistry(), problems);
        registry("status.registry", cluster.status().registry(), problems);
        return List.copyOf(problems);
    }

    /**
     * {@code metadata.name}, the watched paths (at least one, none empty or holding a NUL) and every ignore rule
     * (a base path, patterns without a NUL).
     */
    public static List<Problem> validate(FileWatch fileWatch) {
        List<Problem> problems = new ArrayList<>();
        metadata(fileWatch.metadata(), "", problems);
        FileWatch.Spec spec = fileWatch.spec();
        if (spec.watchedPaths().isEmpty()) {
            problems.add(new Problem("spec.watchedPaths", Problem.Type.REQUIRED, null, "cannot be an empty list"));
        }
        for (int i = 0; i < spec.watchedPaths().size(); i++) {
            path(Paths.index("spec.watchedPaths", i), spec.watchedPaths().get(i), problems);
        }
        for (int i = 0; i < spec.ignores().size(); i++) {
            FileWatch.IgnoreDef ignore = spec.ignores().get(i);
            String at = Paths.index("spec.ignores", i);
            if (ignore.basePath() == null) {
                problems.add(new Problem(Paths.child(at, "basePath"), Problem.Type.REQUIRED, null,
                        "the directory the patterns are relative to"));
            } else {
                path(Paths.child(at, "basePath"), ignore.basePath(), problems);
            }
            for (int j = 0; j < ignore.patterns().size(); j++) {
                String pattern = ignore.patterns().get(j);
                if (pattern.indexOf('\0') >= 0) {
                    problems.add(Problem.invalid(Paths.index(Paths.child(at, "patterns"), j),
                            pattern.replace("\0", "\\0"), "must not contain a NUL character"));
                }
            }
        }
        return List.copyOf(problems);
    }

    private static void path(String p, String path, List<Problem> problems) {
        if (path == null || path.isEmpty()) {
            problems.add(new Problem(p, Problem.Type.REQUIRED, null, "a path"));
            return;
        }
        try {
            if (path.indexOf('\0') >= 0) {
                problems.add(Problem.invalid(p, path.replace("\0", "\\0"), "must not contain a NUL character"));
            } else {
                Path.of(path);
            }
        } catch (InvalidPathException e) {
            problems.add(Problem.invalid(p, path, "not a valid path: " + e.getReason()));
        }
    }

    /** Any object; a CmdImageList's problems have {@code items[i].} paths, and duplicate names are reported. */
    public static List<Problem> validate(ApiObject object) {
        if (object instanceof CmdImage c) {
            return validate(c);
        }
        if (object instanceof ImageMap m) {
            return validate(m);
        }
        if (object instanceof Cluster c) {
            return validate(c);
        }
        if (object instanceof FileWatch w) {
            return validate(w);
        }
        if (object instanceof CmdImageList l) {
            List<Problem> problems = new ArrayList<>();
            Set<String> names = new HashSet<>();
            for (int i = 0; i < l.items().size(); i++) {
                CmdImage item = l.items().get(i);
                String p = Paths.index("items", i);
                validate(item, p, problems);
                String name = item.metadata().name();
                if (name != null && !names.add(name)) {
                    problems.add(new Problem(Paths.child(p, "metadata.name"), Problem.Type.DUPLICATE, name, null));
                }
            }
            return List.copyOf(problems);
        }
        throw new IllegalArgumentException("unknown object type: " + object);
    }

    /**
     * Validates and throws when anything is wrong.
     *
     * @throws ValidationException {@code CmdImage "name" is invalid: ...} with every problem
     */
    public static void check(CmdImage cmdImage) throws ValidationException {
        List<Problem> problems = validate(cmdImage);
        if (!problems.isEmpty()) {
            String name = cmdImage.metadata().name();
            throw new ValidationException(CmdImage.KIND + " \"" + (name == null ? "" : name) + "\"", problems);
        }
    }

    /** Validates any object and throws when anything is wrong ({@code Kind "name" is invalid: ...}). */
    public static void check(ApiObject object) throws ValidationException {
        List<Problem> problems = validate(object);
        if (!problems.isEmpty()) {
            String name = object.name();
            throw new ValidationException(name == null ? object.kind() : object.kind() + " \"" + name + "\"",
                    problems);
        }
    }

    // ---- CmdImage ----

    private static void validate(CmdImage c, String root, List<Problem> problems) {
        metadata(c.metadata(), root, problems);
        fileAnnotations(c.metadata(), root, problems);
        spec(c.spec(), Paths.child(root, "spec"), problems);
    }

    /** The cmdimage annotations: FileWatch names, and dependency paths. */
    private static void fileAnnotations(ObjectMeta m, String root, List<Problem> problems) {
        String annotations = Paths.child(root, "metadata.annotations");
        String watches = m.annotations().get(FileWatch.FILE_WATCHES_ANNOTATION);
        for (String name : FileWatch.splitList(watches)) {
            String why = nameProblem(name);
            if (why != null) {
                problems.add(Problem.invalid(Paths.key(annotations, FileWatch.FILE_WATCHES_ANNOTATION), name,
                        "names FileWatches, comma-separated: " + why));
            }
        }
        String deps = m.annotations().get(FileWatch.DEPS_ANNOTATION);
        if (deps != null && FileWatch.splitList(deps).isEmpty()) {
            problems.add(Problem.invalid(Paths.key(annotations, FileWatch.DEPS_ANNOTATION), deps,
                    "lists the paths the build depends on, comma-separated, e.g. \"src,Dockerfile\""));
        }
        for (String dep : FileWatch.splitList(deps)) {
            path(Paths.key(annotations, FileWatch.DEPS_ANNOTATION), dep, problems);
        }
    }

    private static void spec(CmdImageSpec s, String at, List<Problem> problems) {
        String refPath = Paths.child(at, "ref");
        if (s.ref() == null) {
            problems.add(Problem.required(refPath));
        } else {
            ref(refPath, s.ref(), problems);
        }

        String argsPath = Paths.child(at, "args");
        if (s.args().isEmpty()) {
            problems.add(new Problem(argsPath, Problem.Type.REQUIRED, null,
                    "the command to run, e.g. [\"sh\", \"-c\", \"docker build -t $EXPECTED_REF .\"]"));
        } else if (s.args().get(0) == null || s.args().get(0).isBlank()) {
            problems.add(Problem.invalid(Paths.index(argsPath, 0), s.args().get(0) == null ? "" : s.args().get(0),
                    "the command (first element) must not be empty"));
        }

        for (int i = 0; i < s.args().size(); i++) {
            String arg = s.args().get(i);
            if (arg != null && arg.indexOf('\0') >= 0) {
                problems.add(Problem.invalid(Paths.index(argsPath, i), arg.replace("\0", "\\0"),
                        "must not contain a NUL character (no process can receive it)"));
            }
        }

        for (int i = 0; i < s.env().size(); i++) {
            env(Paths.index(Paths.child(at, "env"), i), s.env().get(i), problems);
        }

        String mapsPath = Paths.child(at, "imageMaps");
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < s.imageMaps().size(); i++) {
            String name = s.imageMaps().get(i);
            String p = Paths.index(mapsPath, i);
            if (name == null || name.isEmpty()) {
                problems.add(new Problem(p, Problem.Type.REQUIRED, null, "the name of an ImageMap"));
            } else if (!seen.add(name)) {
                problems.add(new Problem(p, Problem.Type.DUPLICATE, name, null));
            } else {
                String why = nameProblem(name);
                if (why != null) {
                    problems.add(Problem.invalid(p, name, why));
                }
            }
        }

        if (s.outputMode() != null && !CmdImageSpec.OUTPUT_MODES.contains(s.outputMode())) {
            problems.add(Problem.unsupported(Paths.child(at, "outputMode"), s.outputMode(),
                    CmdImageSpec.OUTPUT_MODES));
        }
        if (s.outputTag() != null && !ImageRef.isValidTag(s.outputTag())) {
            problems.add(Problem.invalid(Paths.child(at, "outputTag"), s.outputTag(),
                    "a tag must match [A-Za-z0-9_][A-Za-z0-9_.-]{0,127}"));
        }
        if (s.outputTag() != null && s.outputsImageRefTo() != null) {
            problems.add(Problem.forbidden(Paths.child(at, "outputsImageRefTo"),
                    "may not be set together with " + Paths.child(at, "outputTag")
                            + " (the command either builds the expected tag or writes the ref it built)"));
        }
        if (s.outputsImageRefTo() != null) {
            String why = refFileProblem(s.outputsImageRefTo());
            if (why != null) {
                problems.add(Problem.invalid(Paths.child(at, "outputsImageRefTo"),
                        s.outputsImageRefTo().replace("\0", "\\0"), why));
            }
        }
        if (s.cluster() != null) {
            String why = nameProblem(s.cluster());
            if (why != null) {
                problems.add(Problem.invalid(Paths.child(at, "cluster"), s.cluster(), why));
            }
        }
        if (s.clusterNeeds() != null && !CmdImageSpec.CLUSTER_NEEDS.contains(s.clusterNeeds())) {
            problems.add(Problem.unsupported(Paths.child(at, "clusterNeeds"), s.clusterNeeds(),
                    CmdImageSpec.CLUSTER_NEEDS));
        }
    }

    /** A NUL is no path; a relative path must stay inside the base directory (the build checks symlinks too). */
    private static String refFileProblem(String path) {
        if (path.indexOf('\0') >= 0) {
            return "must not contain a NUL character";
        }
        try {
            Path p = Path.of(path);
            if (!p.isAbsolute() && p.normalize().startsWith("..")) {
                return "a relative path must stay inside the base directory (give an absolute path to use a file"
                        + " elsewhere)";
            }
            return null;
        } catch (InvalidPathException e) {
            return "not a valid path: " + e.getReason();
        }
    }

    private static void env(String p, String entry, List<Problem> problems) {
        if (entry == null || entry.isEmpty()) {
            problems.add(Problem.invalid(p, "", "must be KEY=VALUE"));
            return;
        }
        int eq = entry.indexOf('=');
        if (eq < 0) {
            // No '=': there is no key to judge secrecy by (it may be a pasted token), so never print it.
            problems.add(Problem.invalid(p, Redaction.MASK, "must be KEY=VALUE"));
        } else if (eq == 0) {
            problems.add(Problem.invalid(p, "=" + Redaction.MASK, "the key (before =) must not be empty"));
        } else if (entry.indexOf('\0') >= 0) {
            String key = entry.substring(0, eq).replace("\0", "\\0");
            problems.add(Problem.invalid(p, key + "=" + Redaction.MASK,
                    "must not contain a NUL character (no process can receive it)"));
        }
    }

    // ---- shared rules ----

    private static void metadata(ObjectMeta m, String root, List<Problem> problems) {
        String p = Paths.child(root, "metadata.name");
        if (m.name() == null) {
            problems.add(Problem.required(p));
            return;
        }
        String why = nameProblem(m.name());
        if (why != null) {
            problems.add(Problem.invalid(p, m.name(), why));
        }
    }

    /**
     * Why {@code name} is not a valid object name (Tilt's API server takes any path segment name: not empty,
     * not {@code .} or {@code ..}, no {@code /} or {@code %}), or {@code null}.
     */
    static String nameProblem(String name) {
        if (name.equals(".") || name.equals("..")) {
            return "may not be '" + name + "'";
        }
        if (name.contains("/")) {
            return "may not contain '/'";
        }
        if (name.contains("%")) {
            return "may not contain '%'";
        }
        if (name.length() > NAME_MAX) {
            return "must be no more than " + NAME_MAX + " characters";
        }
        for (int i = 0; i < name.length(); i++) {
            if (Character.isISOControl(name.charAt(i))) {
                return "may not contain control characters";
            }
        }
        if (!name.strip().equals(name)) {
            return "may not start or end with whitespace";
        }
        return null;
    }

    private static void ref(String p, String ref, List<Problem> problems) {
        try {
            ImageRef.parse(ref);
        } catch (IllegalArgumentException e) {
            problems.add(Problem.invalid(p, ref, e.getMessage()));
        }
    }

    private static void optionalRef(String p, String ref, List<Problem> problems) {
        if (ref != null) {
            ref(p, ref, problems);
        }
    }

    private static void registry(String at, RegistryHosting r, List<Problem> problems) {
        if (r == null) {
            return;
        }
        if (r.host() == null) {
            problems.add(new Problem(Paths.child(at, "host"), Problem.Type.REQUIRED, null,
                    "the registry as seen from this machine, e.g. localhost:5000"));
        } else {
            host(Paths.child(at, "host"), r.host(), problems);
        }
        if (r.hostFromContainerRuntime() != null) {
            host(Paths.child(at, "hostFromContainerRuntime"), r.hostFromContainerRuntime(), problems);
        }
        if (r.hostFromClusterNetwork() != null) {
            host(Paths.child(at, "hostFromClusterNetwork"), r.hostFromClusterNetwork(), problems);
        }
        if (r.singleName() != null) {
            String why = singleNameProblem(r.singleName());
            if (why != null) {
                problems.add(Problem.invalid(Paths.child(at, "singleName"), r.singleName(), why));
            }
        }
    }

    /**
     * Checks a registry host: {@code domain[:port]}, optionally followed by {@code /path}, with no scheme, no
     * trailing slash, no tag; written canonically (so that {@code host + "/name"} is a canonical reference).
     */
    private static void host(String p, String host, List<Problem> problems) {
        String why = hostProblem(host);
        if (why != null) {
            problems.add(Problem.invalid(p, host, why));
        }
    }

    static String hostProblem(String host) {
        int scheme = host.indexOf("://");
        if (scheme >= 0) {
            return "must not include a scheme (" + host.substring(0, scheme + 3) + "): write it as domain[:port][/path]";
        }
        if (host.endsWith("/")) {
            return "must not end with '/'";
        }
        ImageRef parsed;
        try {
            parsed = ImageRef.parse(host + "/fake");
        } catch (IllegalArgumentException e) {
            return "must be domain[:port][/path]: " + e.getMessage();
        }
        if (parsed.tag() != null || parsed.digest() != null) {
            return "must be domain[:port][/path] without a tag or digest";
        }
        String meaning = parsed.name().substring(0, parsed.name().length() - "/fake".length());
        if (!meaning.equals(host)) {
            if (parsed.domain().equals(ImageRef.DOCKER_HUB) && !host.startsWith(ImageRef.DOCKER_HUB + "/")
                    && !host.startsWith("index.docker.io")) {
                return "does not start with a registry domain (one with a '.' or a ':port', or localhost), so it"
                        + " would mean \"" + meaning + "\"";
            }
            return "is not canonical: write \"" + meaning + "\"";
        }
        return RegistryAddress.problem(parsed.domain());
    }

    private static String singleNameProblem(String name) {
        try {
            ImageRef r = ImageRef.parse("registry.invalid/" + name);
            if (!r.path().equals(name) || r.tag() != null || r.digest() != null) {
                return "must be an image path (lowercase components separated by '/'), without tag or digest";
            }
            return null;
        } catch (IllegalArgumentException e) {
            return "must be an image path: " + e.getMessage();
        }
    }
}

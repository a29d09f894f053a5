package dev.cmdimage.core;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.internal.controller.DependencyGraph;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The objects of one or more files (or given ones), taken together as one set to build: CmdImages, CmdImageLists,
 * ImageMaps and Clusters. Immutable.
 *
 * <p>What the set adds to the objects as written:
 * <ul>
 *   <li>each CmdImage publishes its result to the ImageMap of its own name; the set creates that ImageMap
 *       ({@link #createdImageMaps()}) when no source gives one;</li>
 *   <li>each CmdImage has the directory of its source as base directory ({@link #baseDirectory(String)}): a
 *       command without {@code spec.dir} runs there, and a relative {@code spec.dir} or
 *       {@code spec.outputsImageRefTo} resolves against it. The objects themselves are kept as written;</li>
 *   <li>the build order: a CmdImage comes after the CmdImages whose ImageMaps it names in {@code spec.imageMaps}
 *       ({@link #cmdImages()}).</li>
 * </ul>
 * Every object is checked alone ({@link Validation}), and names are unique per kind across all sources: a
 * duplicate is a problem naming both sources. What can only be found by building (a missing image map or
 * cluster, a dependency cycle) is reported per CmdImage in the {@link CmdImageSetResult}.
 *
 * <pre>{@code
 * CmdImageSet set = CmdImageSet.read(Path.of("cmdimage.yaml"));
 * CmdImageSetResult result = set.build(CmdImages.builder().imageStore(store).build());
 * }</pre>
 */
public final class CmdImageSet {
    /** The longest {@link #build(CmdImageBuilder)} waits for the builds to settle between checks of the thread. */
    private static final Duration POLL = Duration.ofSeconds(1);

    private final List<Part> parts;
    private final List<ApiObject> objects;
    private final Map<String, CmdImage> byName;
    private final Map<String, Path> baseDirectories;
    private final List<ImageMap> createdImageMaps;
    private final List<CmdImage> buildOrder;

    /** The objects of one source, as given. */
    private record Part(String source, Path baseDirectory, List<ApiObject> objects) {
        Part {
            objects = List.copyOf(objects);
        }
    }

    private CmdImageSet(List<Part> parts) {
        this.parts = List.copyOf(parts);
        List<ApiObject> given = new ArrayList<>();
        Map<String, CmdImage> images = new LinkedHashMap<>();
        Map<String, Path> dirs = new HashMap<>();
        Set<String> mapNames = new HashSet<>();
        for (Part part : parts) {
            given.addAll(part.objects());
            for (ApiObject o : flatten(part.objects())) {
                if (o instanceof CmdImage c) {
                    images.put(c.name(), c);
                    dirs.put(c.name(), part.baseDirectory());
                } else if (o instanceof ImageMap m) {
                    mapNames.add(m.name());
                }
            }
        }
        List<ImageMap> created = new ArrayList<>();
        for (CmdImage image : images.values()) {
            if (mapNames.add(image.name())) {
                created.add(ImageMap.of(image.name(), image.spec().ref()));
            }
        }
        this.objects = List.copyOf(given);
        this.byName = images;
        this.baseDirectories = dirs;
        this.createdImageMaps = List.copyOf(created);
        this.buildOrder = order(images);
    }

    /** A builder to add files, texts and objects to. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads YAML or JSON files into one set; each file's directory is the base directory of its CmdImages.
     *
     * @throws IOException         when a file cannot be read
     * @throws ValidationException listing every problem of every file, each prefixed with the file
     */
    public static CmdImageSet read(Path... files) throws IOException, ValidationException {
        Builder b = builder();
        for (Path f : files) {
            b.file(f);
        }
        return b.build();
    }

    /**
     * A set of {@code objects} whose CmdImages have {@code baseDirectory} as base directory.
     *
     * @throws ValidationException listing every problem of every object
     */
    public static CmdImageSet of(Path baseDirectory, Collection<? extends ApiObject> objects)
            throws ValidationException {
        return builder().objects("objects", baseDirectory, objects).build();
    }

    /** Every object as given, source after source, each in its order; a CmdImageList stays a list. */
    public List<ApiObject> objects() {
        return objects;
    }

    /** Every CmdImage (lists flattened) in build order: each after the CmdImages it depends on, else as given. */
    public List<CmdImage> cmdImages() {
        return buildOrder;
    }

    /** The CmdImage of that name. */
    public Optional<CmdImage> cmdImage(String name) {
        return Optional.ofNullable(byName.get(name));
    }

    /** The ImageMaps the set adds, one for each CmdImage that no source gives an ImageMap of its name. */
    public List<ImageMap> createdImageMaps() {
        return createdImageMaps;
    }

    /**
     * The base directory of the CmdImage of that name: the directory of the file it was read from (or the one
     * given with it). Empty when the set holds no CmdImage of that name.
     */
    public Optional<Path> baseDirectory(String cmdImageName) {
        return Optional.ofNullable(baseDirectories.get(cmdImageName));
    }

    /**
     * What to hand to a controller, lists flattened, in an order that lets nothing wait needlessly: Clusters,
     * then ImageMaps (the given ones, then the created ones), then CmdImages as given (the controller builds them
     * in dependency order whatever order they arrive in).
     */
    public List<ApiObject> toApply() {
        List<ApiObject> flat = flatten(objects);
        List<ApiObject> out = new ArrayList<>();
        flat.stream().filter(o -> o instanceof Cluster).forEach(out::add);
        flat.stream().filter(o -> o instanceof ImageMap).forEach(out::add);
        out.addAll(createdImageMaps);
        flat.stream().filter(o -> o instanceof CmdImage).forEach(out::add);
        return out;
    }

    /**
     * The subset needed to build the named CmdImages: them, every CmdImage they need (transitively, through
     * {@code spec.imageMaps}), and every ImageMap and Cluster; the other CmdImages are left out (an emptied
     * CmdImageList too).
     *
     * @throws IllegalArgumentException naming a name the set holds no CmdImage of
     */
    public CmdImageSet select(Collection<String> names) {
        Set<String> keep = new LinkedHashSet<>();
        Deque<String> todo = new ArrayDeque<>();
        for (String name : names) {
            if (!byName.containsKey(name)) {
                throw new IllegalArgumentException("no CmdImage named \"" + name + "\" in "
                        + String.join(", ", parts.stream().map(Part::source).toList()));
            }
            todo.add(name);
        }
        while (!todo.isEmpty()) {
            String name = todo.poll();
            if (keep.add(name)) {
                for (String dep : byName.get(name).spec().imageMaps()) {
                    if (byName.containsKey(dep)) {
                        todo.add(dep);
                    }
                }
            }
        }
        List<Part> selected = new ArrayList<>();
        for (Part part : parts) {
            List<ApiObject> kept = new ArrayList<>();
            for (ApiObject o : part.objects()) {
                if (o instanceof CmdImageList list) {
                    List<CmdImage> items = list.items().stream().filter(c -> keep.contains(c.name())).toList();
                    if (!items.isEmpty()) {
                        kept.add(new CmdImageList(list.metadata(), items));
                    }
                } else if (!(o instanceof CmdImage c) || keep.contains(c.name())) {
                    kept.add(o);
                }
            }
            selected.add(new Part(part.source(), part.baseDirectory(), kept));
        }
        return new CmdImageSet(selected);
    }

    /**
     * Builds every CmdImage once, in dependency order, independent ones in parallel (at most as many as the
     * machine has processors), and returns when every one has completed or can never start. Interrupting the
     * calling thread cancels the builds in flight.
     *
     * @throws InterruptedException when interrupted, after the builds in flight were cancelled and their processes
     *                              are gone
     */
    public CmdImageSetResult build(CmdImageBuilder builder) throws InterruptedException {
        return build(CmdImageControllers.builder(builder));
    }

    /**
     * Builds every CmdImage once through a controller configured by {@code controller} (parallelism, timeout,
     * listener, environment...), as {@link #build(CmdImageBuilder)} does; the controller is closed on return. Sets
     * the base directories of {@code controller} (see {@link CmdImageSetController}).
     *
     * @throws InterruptedException when interrupted, after the builds in flight were cancelled and their processes
     *                              are gone
     */
    public CmdImageSetResult build(CmdImageControllers.Builder controller) throws InterruptedException {
        try (CmdImageSetController c = CmdImageSetController.builder(controller).build()) {
            c.sync(this);
            while (!c.controller().awaitIdle(POLL)) {
                if (Thread.currentThread().isInterrupted()) {
                    throw new InterruptedException();
                }
            }
            return c.result();
        }
    }

    /** Whether a CmdImage of the set publishes to the ImageMap of that name. */
    boolean publishesTo(String imageMapName) {
        return byName.containsKey(imageMapName);
    }

    /** {@code kind/name} of every object the set gives or creates. */
    Set<String> keys() {
        Set<String> keys = new HashSet<>();
        toApply().forEach(o -> keys.add(key(o)));
        return keys;
    }

    /** {@code kind/name}. */
    static String key(ApiObject o) {
        return o.kind() + "/" + o.name();
    }

    static List<ApiObject> flatten(List<ApiObject> objects) {
        List<ApiObject> out = new ArrayList<>();
        for (ApiObject o : objects) {
            if (o instanceof CmdImageList list) {
                out.addAll(list.items());
            } else {
                out.add(o);
            }
        }
        return out;
    }

    private static List<CmdImage> order(Map<String, CmdImage> images) {
        Map<String, List<String>> deps = new LinkedHashMap<>();
        images.values().forEach(c -> deps.put(c.name(), c.spec().imageMaps()));
        DependencyGraph graph = DependencyGraph.of(deps);
        List<String> names = new ArrayList<>(images.keySet());
        Map<String, Integer> given = new HashMap<>();
        for (int i = 0; i < names.size(); i++) {
            given.put(names.get(i), i);
        }
        names.sort(Comparator.comparingInt(graph::position).thenComparingInt(given::get));
        return names.stream().map(images::get).toList();
    }

    @Override
    public String toString() {
        return "CmdImageSet[" + parts.stream().map(Part::source).toList() + ", " + byName.size()
                + " CmdImages]";
    }

    /**
     * Collects the sources of a set: files, texts and objects, in order. Each source is checked when
     * {@link #build()} is called, and every problem of every source is reported together.
     */
    public static final class Builder {
        private final List<Source> sources = new ArrayList<>();
        private CmdImageCodec codec;

        private Builder() {}

        /** A source of objects. */
        private sealed interface Source permits Text, Given {}

        /** YAML or JSON text. */
        private record Text(String source, String text, Path baseDirectory) implements Source {}

        /** Objects. */
        private record Given(String source, Path baseDirectory, List<ApiObject> objects) implements Source {}

        /**
         * Reads a YAML (one or more documents) or JSON file now (UTF-8, through {@link CmdImageCodec#readText(Path)}:
         * a regular file of at most the codec's input size limit); its directory is the base directory of its
         * CmdImages, and it is named in problems as given.
         *
         * @throws ValidationException when the file is larger than the codec's input size limit
         * @throws IOException         when it cannot be read or is not a regular file (a FIFO, a directory)
         */
        public Builder file(Path file) throws IOException, ValidationException {
            String text = (codec != null ? codec : CmdImageCodec.create()).readText(Objects.requireNonNull(file, "file"));
            Path dir = file.toAbsolutePath().normalize().getParent();
            return text(file.toString(), text, dir == null ? Path.of("") : dir);
        }

        /**
         * Adds the content of a file that is already read (or stdin).
         *
         * @param source        how the text is named in problems, e.g. the file name or {@code stdin}
         * @param text          the YAML or JSON text
         * @param baseDirectory the base directory of its CmdImages
         */
        public Builder text(String source, String text, Path baseDirectory) {
            sources.add(new Text(Objects.requireNonNull(source, "source"), Objects.requireNonNull(text, "text"),
                    absolute(baseDirectory)));
            return this;
        }

        /**
         * Adds objects.
         *
         * @param source        how they are named in problems
         * @param baseDirectory the base directory of their CmdImages
         * @param objects       CmdImages, CmdImageLists, ImageMaps and Clusters
         */
        public Builder objects(String source, Path baseDirectory, Collection<? extends ApiObject> objects) {
            sources.add(new Given(Objects.requireNonNull(source, "source"), absolute(baseDirectory),
                    List.copyOf(objects)));
            return this;
        }

        /** The codec that reads files and texts (default: {@link CmdImageCodec#create()}). */
        public Builder codec(CmdImageCodec codec) {
            this.codec = Objects.requireNonNull(codec, "codec");
            return this;
        }

        /**
         * Reads and checks every source.
         *
         * @throws ValidationException listing every problem of every source (each field prefixed with its source),
         *                             and every name given twice
         */
        public CmdImageSet build() throws ValidationException {
            CmdImageCodec c = codec != null ? codec : CmdImageCodec.create();
            List<Part> parts = new ArrayList<>();
            List<Problem> problems = new ArrayList<>();
            for (Source s : sources) {
                try {
                    if (s instanceof Text t) {
                        parts.add(new Part(t.source(), t.baseDirectory(), c.readValid(t.text(), t.source())));
                    } else if (s instanceof Given o) {
                        for (ApiObject object : o.objects()) {
                            for (Problem p : Validation.validate(object)) {
                                problems.add(new Problem(o.source() + ": " + object.kind() + " \"" + object.name()
                                        + "\": " + p.field(), p.type(), p.value(), p.detail()));
                            }
                        }
                        parts.add(new Part(o.source(), o.baseDirectory(), o.objects()));
                    }
                } catch (ValidationException e) {
                    problems.addAll(e.problems());
                }
            }
            problems.addAll(duplicates(parts));
            if (!problems.isEmpty()) {
                throw new ValidationException(problems.size() == 1 ? "1 problem" : problems.size() + " problems",
                        problems);
            }
            return new CmdImageSet(parts);
        }

        private static Path absolute(Path dir) {
            return Objects.requireNonNull(dir, "baseDirectory").toAbsolutePath().normalize();
        }

        /**
         * Two objects of the same kind and name: in one source (across its top-level objects; duplicates inside
         * one CmdImageList are the codec's to report), or in two sources (naming both).
         */
        private static List<Problem> duplicates(List<Part> parts) {
            List<Problem> problems = new ArrayList<>();
            Map<String, Part> firstPart = new HashMap<>();
            for (Part part : parts) {
                Map<String, Integer> seen = new LinkedHashMap<>();
                for (ApiObject top : part.objects()) {
                    Set<String> keys = new LinkedHashSet<>();
                    flatten(List.of(top)).stream().filter(o -> o.name() != null).forEach(o -> keys.add(key(o)));
                    for (String k : keys) {
                        String kind = k.substring(0, k.indexOf('/'));
                        String name = k.substring(k.indexOf('/') + 1);
                        String field = part.source() + ": " + kind + " \"" + name + "\": metadata.name";
                        if (seen.merge(k, 1, Integer::sum) == 2) {
                            problems.add(new Problem(field, Problem.Type.DUPLICATE, name,
                                    "the file holds more than one " + kind + " of this name"));
                        }
                        Part other = firstPart.putIfAbsent(k, part);
                        if (other != null && other != part && seen.get(k) == 1) {
                            problems.add(new Problem(field, Problem.Type.DUPLICATE, name,
                                    other.source() + " holds a " + kind + " of this name too: names are unique across"
                                            + " files"));
                        }
                    }
                }
            }
            return problems;
        }
    }
}

package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageCodec;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * The objects of one input file and what the command line adds to them: an ImageMap for every CmdImage that has
 * none of its name (each CmdImage publishes its result there). Relative {@code spec.dir} and
 * {@code spec.outputsImageRefTo} resolve against {@link #baseDir()}, which the controller is given; the objects
 * themselves are kept as written, so that they print as written.
 */
final class FileInput {
    /** The argument that means stdin. */
    static final String STDIN = "-";

    private final String source;
    private final Path baseDir;
    private final List<ApiObject> objects;
    private final List<ImageMap> createdImageMaps;

    private FileInput(String source, Path baseDir, List<ApiObject> objects) {
        this.source = source;
        this.baseDir = baseDir;
        this.objects = List.copyOf(objects);
        Set<String> mapNames = new HashSet<>();
        for (ApiObject o : flatten(objects)) {
            if (o instanceof ImageMap m) {
                mapNames.add(m.name());
            }
        }
        List<ImageMap> created = new ArrayList<>();
        for (CmdImage image : cmdImages()) {
            if (mapNames.add(image.name())) {
                created.add(ImageMap.of(image.name(), image.spec().ref()));
            }
        }
        this.createdImageMaps = List.copyOf(created);
    }

    /** Input holding {@code objects} (in file order) read from {@code source}, relative to {@code baseDir}. */
    static FileInput of(String source, Path baseDir, List<ApiObject> objects) {
        return new FileInput(source, baseDir, objects);
    }

    /** How the file is named in messages: the argument as given, or {@code stdin}. */
    String source() {
        return source;
    }

    /** The directory relative paths of the file resolve against: FILE's directory, or the working directory. */
    Path baseDir() {
        return baseDir;
    }

    /** The objects of the file, in file order, as read. */
    List<ApiObject> objects() {
        return objects;
    }

    /** The ImageMaps the command line adds for CmdImages that have none of their name. */
    List<ImageMap> createdImageMaps() {
        return createdImageMaps;
    }

    /** Every CmdImage of the file, lists flattened, in file order. */
    List<CmdImage> cmdImages() {
        List<CmdImage> out = new ArrayList<>();
        for (ApiObject o : flatten(objects)) {
            if (o instanceof CmdImage c) {
                out.add(c);
            }
        }
        return out;
    }

    /**
     * What to hand to a controller, flattened, in an order that lets nothing wait needlessly: Clusters, then
     * ImageMaps (the file's and the created ones), then CmdImages.
     */
    List<ApiObject> toApply() {
        List<ApiObject> flat = flatten(objects);
        List<ApiObject> out = new ArrayList<>();
        flat.stream().filter(o -> o instanceof Cluster).forEach(out::add);
        flat.stream().filter(o -> o instanceof ImageMap).forEach(out::add);
        out.addAll(createdImageMaps);
        flat.stream().filter(o -> o instanceof CmdImage).forEach(out::add);
        return out;
    }

    /** Whether an ImageMap of that name gets its image from a CmdImage of the file (rather than from the file). */
    boolean isBuilt(String imageMapName) {
        return cmdImages().stream().anyMatch(c -> c.name().equals(imageMapName));
    }

    /** Names of every object the file gives or the command line creates, as {@code kind/name}. */
    Set<String> keys() {
        Set<String> keys = new HashSet<>();
        toApply().forEach(o -> keys.add(key(o)));
        return keys;
    }

    /** {@code kind/name}. */
    static String key(ApiObject o) {
        return o.kind() + "/" + o.name();
    }

    /**
     * Problems the command line finds across objects (each object alone is checked by the library): no object at
     * all, two objects of the same kind and name.
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        if (objects.isEmpty()) {
            problems.add(source + ": no objects: expected CmdImage, CmdImageList, ImageMap or Cluster objects");
        }
        Map<String, Integer> seen = new LinkedHashMap<>();
        for (ApiObject top : objects) {
            // duplicates inside one CmdImageList are the library's to report; here: across the file's objects
            Set<String> keys = new java.util.LinkedHashSet<>();
            flatten(List.of(top)).stream().filter(o -> o.name() != null).forEach(o -> keys.add(key(o)));
            for (String k : keys) {
                if (seen.merge(k, 1, Integer::sum) == 2) {
                    String kind = k.substring(0, k.indexOf('/'));
                    String name = k.substring(k.indexOf('/') + 1);
                    problems.add(source + ": " + kind + " \"" + name + "\": metadata.name: Duplicate value: \""
                            + name + "\": the file holds more than one " + kind + " of this name");
                }
            }
        }
        return problems;
    }

    /**
     * The objects of the file in file order, each replaced by what {@code now} says it is now, followed by the
     * created ImageMaps as they are now. A CmdImageList keeps its place, with each item replaced.
     */
    List<ApiObject> result(UnaryOperator<ApiObject> now) {
        List<ApiObject> out = new ArrayList<>();
        for (ApiObject o : objects) {
            if (o instanceof CmdImageList list) {
                List<CmdImage> items = new ArrayList<>();
                for (CmdImage item : list.items()) {
                    items.add((CmdImage) now.apply(item));
                }
                out.add(new CmdImageList(list.metadata(), items));
            } else {
                out.add(now.apply(o));
            }
        }
        createdImageMaps.forEach(m -> out.add(now.apply(m)));
        return out;
    }

    private static List<ApiObject> flatten(List<ApiObject> objects) {
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

    /**
     * Makes the controller hold {@code next}: applies what is new or changed and deletes what {@code previous}
     * had and {@code next} has not. An ImageMap that a CmdImage of the file builds keeps the image the build
     * gave it (re-applying the file must not reset it).
     */
    static void sync(CmdImageController controller, FileInput previous, FileInput next) {
        for (ApiObject o : next.toApply()) {
            if (o instanceof ImageMap map && next.isBuilt(map.name())) {
                Optional<ImageMap> held = controller.imageMap(map.name());
                if (held.isPresent()) {
                    if (Objects.equals(held.get().metadata(), map.metadata())
                            && Objects.equals(held.get().spec(), map.spec())) {
                        continue;
                    }
                    o = map.withStatus(held.get().status());
                }
            }
            controller.apply(o);
        }
        if (previous != null) {
            for (ApiObject o : previous.toApply()) {
                if (!next.keys().contains(FileInput.key(o))) {
                    controller.delete(o.kind(), o.name());
                }
            }
        }
    }

    /**
     * Reads, parses and checks FILE ({@code -} for stdin): every problem of every object, each with its field
     * path, and the problems across objects.
     *
     * @throws UsageException listing every problem; nothing may run
     */
    static FileInput load(String file, Cli cli, CmdImageCodec codec) throws UsageException {
        return parse(file, readText(file, cli), cli, codec);
    }

    /**
     * Parses and checks {@code text}, the content of FILE, as {@link #load} does.
     *
     * @throws UsageException listing every problem; nothing may run
     */
    static FileInput parse(String file, String text, Cli cli, CmdImageCodec codec) throws UsageException {
        String source = sourceName(file);
        List<ApiObject> objects;
        try {
            objects = codec.readValid(text, source);
        } catch (ValidationException e) {
            throw new UsageException(e.problems().stream().map(Problem::toString).toList());
        }
        List<String> problems = new ArrayList<>();
        FileInput input = new FileInput(source, baseDir(file, cli), objects);
        problems.addAll(input.problems());
        if (!problems.isEmpty()) {
            throw new UsageException(problems);
        }
        return input;
    }

    /** Prints each problem on its own line of stderr. */
    static void printProblems(UsageException e, Cli cli) {
        synchronized (cli.err()) {
            e.problems().forEach(cli.err()::println);
            cli.err().flush();
        }
    }

    /** Whether any CmdImage needs an image store. */
    boolean needsImageStore() {
        return cmdImages().stream().anyMatch(FileInput::needsImageStore);
    }

    /** Whether the CmdImage needs an image store: its outputMode is not {@code remote}. */
    static boolean needsImageStore(CmdImage image) {
        return !CmdImageSpec.OUTPUT_MODE_REMOTE.equals(image.spec().effectiveOutputMode());
    }

    /**
     * Reads FILE, or stdin for {@code -}.
     *
     * @throws UsageException naming the file and why it cannot be read
     */
    static String readText(String file, Cli cli) throws UsageException {
        try {
            if (STDIN.equals(file)) {
                return CmdImageCodec.create().readText(cli.in(), sourceName(file)); // bounded: 8 MiB
            }
            Path path = cli.cwd().resolve(file);
            if (Files.isDirectory(path)) {
                throw new UsageException("cannot read " + file + ": it is a directory");
            }
            try (java.io.InputStream in = Files.newInputStream(path)) {
                return CmdImageCodec.create().readText(in, file);
            }
        } catch (ValidationException e) {
            throw new UsageException(e.problems().stream().map(Problem::toString).toList());
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UsageException("cannot read " + file + ": permission denied");
        } catch (CharacterCodingException e) {
            throw new UsageException("cannot read " + sourceName(file) + ": it is not UTF-8 text");
        } catch (IOException e) {
            throw new UsageException("cannot read " + sourceName(file) + ": " + e.getMessage());
        }
    }

    /** How FILE is named in messages. */
    static String sourceName(String file) {
        return STDIN.equals(file) ? "stdin" : file;
    }

    /** The directory relative paths resolve against: FILE's directory, or the working directory for stdin. */
    static Path baseDir(String file, Cli cli) {
        if (STDIN.equals(file)) {
            return cli.cwd();
        }
        Path parent = cli.cwd().resolve(file).toAbsolutePath().normalize().getParent();
        return parent == null ? cli.cwd() : parent;
    }
}

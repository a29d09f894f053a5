package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageCodec;
import dev.cmdimage.core.CmdImageSet;
import java.io.IOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of one or more input files, merged into one {@link CmdImageSet} (which adds an ImageMap for every CmdImage that has none
 * of its name, orders the builds and resolves relative {@code spec.dir} and {@code spec.outputsImageRefTo} against
 * {@link #baseDir()}); the objects themselves are kept as written, so that they print as written. What is left here
 * is what the command line adds: reading FILE or stdin, and refusing a file without objects. Names are unique per
 * kind across the files, as {@code kubectl apply -f a -f b} wants them.
 */
final class FileInput {
    /** The argument that means stdin. */
    static final String STDIN = "-";

    private final String source;
    private final Path baseDir;
    private final CmdImageSet set;

    private FileInput(String source, Path baseDir, CmdImageSet set) {
        this.source = source;
        this.baseDir = baseDir;
        this.set = set;
    }

    /** How the files are named in messages: each argument as given ({@code stdin} for -), comma-separated. */
    String source() {
        return source;
    }

    /**
     * The directory relative paths of the first file resolve against: its directory, or the working directory for
     * stdin (each CmdImage has its own file's directory, see {@link CmdImageSet#baseDirectory(String)}).
     */
    Path baseDir() {
        return baseDir;
    }

    /** The objects of the file, with what the set adds to them. */
    CmdImageSet set() {
        return set;
    }

    /** The objects of the file, in file order, as read. */
    List<ApiObject> objects() {
        return set.objects();
    }

    /**
     * Only the named CmdImages and the CmdImages they need (see {@link CmdImageSet#select}); every CmdImage when
     * {@code names} is empty.
     *
     * @throws UsageException naming a name no file holds a CmdImage of
     */
    FileInput select(List<String> names) throws UsageException {
        if (names.isEmpty()) {
            return this;
        }
        try {
            return new FileInput(source, baseDir, set.select(names));
        } catch (IllegalArgumentException e) {
            throw new UsageException(e.getMessage());
        }
    }

    /** Every CmdImage of the file, lists flattened, in file order. */
    List<CmdImage> cmdImages() {
        List<CmdImage> out = new ArrayList<>();
        for (ApiObject o : set.objects()) {
            if (o instanceof CmdImageList list) {
                out.addAll(list.items());
            } else if (o instanceof CmdImage c) {
                out.add(c);
            }
        }
        return out;
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
     * Reads, parses and checks every file ({@code -} for stdin, at most once) as one set: the problems of every
     * file, and every name given in two of them.
     *
     * @throws UsageException listing every problem; nothing may run
     */
    static FileInput load(List<String> files, Cli cli, CmdImageCodec codec) throws UsageException {
        Map<String, String> texts = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String file : files) {
            if (texts.containsKey(file)) {
                problems.add(sourceName(file) + " is given more than once");
                continue;
            }
            try {
                texts.put(file, readText(file, cli));
            } catch (UsageException e) {
                problems.addAll(e.problems());
            }
        }
        if (!problems.isEmpty()) {
            throw new UsageException(problems);
        }
        return parse(texts, cli, codec);
    }

    /**
     * Parses and checks {@code text}, the content of FILE, as {@link #load} does.
     *
     * @throws UsageException listing every problem; nothing may run
     */
    static FileInput parse(String file, String text, Cli cli, CmdImageCodec codec) throws UsageException {
        Map<String, String> texts = new LinkedHashMap<>();
        texts.put(file, text);
        return parse(texts, cli, codec);
    }

    /**
     * Parses and checks the content of each file (file to text, in order) as one set, as {@link #load} does.
     *
     * @throws UsageException listing every problem; nothing may run
     */
    static FileInput parse(Map<String, String> texts, Cli cli, CmdImageCodec codec) throws UsageException {
        CmdImageSet.Builder builder = CmdImageSet.builder().codec(codec);
        texts.forEach((file, text) -> builder.text(sourceName(file), text, baseDir(file, cli)));
        String source = String.join(", ", texts.keySet().stream().map(FileInput::sourceName).toList());
        CmdImageSet set;
        try {
            set = builder.build();
        } catch (ValidationException e) {
            throw new UsageException(e.problems().stream().map(Problem::toString).toList());
        }
        if (set.objects().isEmpty()) {
            throw new UsageException(source + ": no objects: expected CmdImage, CmdImageList, ImageMap, Cluster or"
                    + " FileWatch objects");
        }
        return new FileInput(source, baseDir(texts.keySet().iterator().next(), cli), set);
    }

    /** Prints each problem on its own line of stderr. */
    static void printProblems(UsageException e, Cli cli) {
        synchronized (cli.err()) {
            e.problems().forEach(p -> cli.err().println(StderrReporter.escape(p)));
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
        return readText(file, cli, false);
    }

    /**
     * Reads FILE, or stdin for {@code -}; bounded by the codec's input size limit. A FILE that is not a regular file
     * (a pipe such as {@code <(...)}, {@code /dev/stdin}) is read as a stream, as stdin is, unless
     * {@code regularOnly}: {@code watch} re-reads FILE whenever it changes, and a FIFO nobody writes to would block it.
     *
     * @throws UsageException naming the file and why it cannot be read
     */
    static String readText(String file, Cli cli, boolean regularOnly) throws UsageException {
        try {
            if (STDIN.equals(file)) {
                return CmdImageCodec.create().readText(cli.in(), sourceName(file)); // bounded: 8 MiB
            }
            Path path = cli.cwd().resolve(file);
            if (Files.isDirectory(path)) {
                throw new UsageException("cannot read " + file + ": it is a directory");
            }
            if (!regularOnly && Files.exists(path) && !Files.isRegularFile(path)) {
                try (java.io.InputStream in = Files.newInputStream(path)) {
                    return CmdImageCodec.create().readText(in, file);
                }
            }
            return CmdImageCodec.create().readText(path, file); // a regular file (never opens a FIFO), bounded
        } catch (ValidationException e) {
            throw new UsageException(e.problems().stream().map(Problem::toString).toList());
        } catch (NoSuchFileException e) {
            throw new UsageException("cannot read " + file + ": no such file");
        } catch (AccessDeniedException e) {
            throw new UsageException("cannot read " + file + ": permission denied");
        } catch (FileSystemException e) {
            throw new UsageException("cannot read " + file + ": " + (e.getReason() != null && e.getReason().startsWith("is ")
                    ? "it " + e.getReason() : e.getMessage()));
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

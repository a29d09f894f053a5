package dev.cmdimage.cli;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageCodec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Runs the command line in this JVM, as {@code java -jar cmdimage.jar} would, and captures what it prints. */
final class CliRun {
    final int exit;
    final String out;
    final String err;

    private CliRun(int exit, String out, String err) {
        this.exit = exit;
        this.out = out;
        this.err = err;
    }

    /** Runs {@code args} in {@code cwd} with this JVM's environment plus {@code extraEnv}, stdin {@code stdin}. */
    static CliRun run(Path cwd, Map<String, String> extraEnv, String stdin, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        Map<String, String> env = new HashMap<>(System.getenv());
        env.putAll(extraEnv);
        Cli cli = new Cli(new ByteArrayInputStream((stdin == null ? "" : stdin).getBytes(StandardCharsets.UTF_8)),
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8),
                cwd, env, false);
        int exit = Main.run(cli, args);
        return new CliRun(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    static CliRun run(Path cwd, String... args) {
        return run(cwd, Map.of(), null, args);
    }

    /** The objects of the List printed on stdout, in order. */
    List<ApiObject> objects() {
        try {
            return CmdImageCodec.create().read(out, "stdout");
        } catch (ValidationException e) {
            throw new AssertionError("stdout is not a readable List: " + e.getMessage() + "\n" + out, e);
        }
    }

    CmdImage cmdImage(String name) {
        return flat().stream().filter(o -> o instanceof CmdImage && o.name().equals(name)).map(o -> (CmdImage) o)
                .findFirst().orElseThrow(() -> new AssertionError("no CmdImage " + name + " in\n" + out));
    }

    /** The objects, with the items of CmdImageLists in place of the lists. */
    List<ApiObject> flat() {
        List<ApiObject> out = new java.util.ArrayList<>();
        for (ApiObject o : objects()) {
            if (o instanceof CmdImageList l) {
                out.addAll(l.items());
            } else {
                out.add(o);
            }
        }
        return out;
    }

    ImageMap imageMap(String name) {
        return objects().stream().filter(o -> o instanceof ImageMap && o.name().equals(name)).map(o -> (ImageMap) o)
                .findFirst().orElseThrow(() -> new AssertionError("no ImageMap " + name + " in\n" + out));
    }

    /** The lines of stderr that {@code [name] } prefixes, without the prefix. */
    List<String> linesOf(String name) {
        String prefix = "[" + name + "] ";
        return err.lines().filter(l -> l.startsWith(prefix)).map(l -> l.substring(prefix.length())).toList();
    }

    @Override
    public String toString() {
        return "exit " + exit + "\n--- stdout\n" + out + "--- stderr\n" + err;
    }
}

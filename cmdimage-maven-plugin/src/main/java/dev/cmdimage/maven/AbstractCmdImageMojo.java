package dev.cmdimage.maven;

import dev.cmdimage.api.Problem;
import dev.cmdimage.api.ValidationException;
import dev.cmdimage.core.CmdImageSet;
import java.io.File;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.maven.plugin.AbstractMojo;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.Parameter;
import org.apache.maven.project.MavenProject;

/** What both goals share: the files to read, and skipping. */
public abstract class AbstractCmdImageMojo extends AbstractMojo {
    /** The project whose files are read (and whose properties {@code cmdimage:build} sets). */
    @Parameter(defaultValue = "${project}", readonly = true, required = true)
    protected MavenProject project;

    /**
     * The YAML (one or more documents) or JSON files holding the CmdImage, CmdImageList, ImageMap, Cluster and FileWatch
     * objects, relative to the project's directory; taken together as one set, so names are unique across them.
     * Each file's directory is where the commands of its CmdImages run. Default: every {@code *.yaml} file in
     * {@code src/main/cmdimage}, by name (none there: nothing to do).
     */
    @Parameter
    protected List<File> files;

    /** Skips the goal, like {@code -DskipTests} skips tests. */
    @Parameter(property = "cmdimage.skip", defaultValue = "false")
    protected boolean skip;

    /** For Maven. */
    protected AbstractCmdImageMojo() {}

    /**
     * The files to read: the configured ones, or the default ones.
     *
     * @throws MojoFailureException naming a configured file that is not a regular file
     */
    List<Path> inputFiles() throws MojoFailureException {
        return CmdImageFiles.resolve(project.getBasedir().toPath(), files);
    }

    /**
     * Reads and checks the files as one set.
     *
     * @throws MojoFailureException when a file cannot be read or holds a problem: listing every problem, each naming
     *                              its file, document and field path
     */
    CmdImageSet readSet(List<Path> paths) throws MojoFailureException {
        Path base = project.getBasedir().toPath();
        CmdImageSet.Builder builder = CmdImageSet.builder();
        List<Problem> problems = new ArrayList<>();
        for (Path p : paths) {
            String name = CmdImageFiles.display(base, p); // relative to the project, as a person would type it
            try {
                builder.text(name, CmdImageFiles.read(p, name), p.getParent());
            } catch (ValidationException e) {
                problems.addAll(e.problems()); // too large, not UTF-8
            } catch (IOException e) {
                throw new MojoFailureException("cmdimage: cannot read " + name + ": " + e.getMessage());
            }
        }
        CmdImageSet set = null;
        try {
            set = builder.build();
        } catch (ValidationException e) {
            problems.addAll(e.problems());
        }
        if (problems.isEmpty()) {
            return set;
        }
        throw new MojoFailureException("cmdimage: " + (problems.size() == 1 ? "1 problem" : problems.size()
                + " problems") + " in " + CmdImageFiles.displayAll(base, paths) + ":\n"
                + String.join("\n", problems.stream().map(Problem::toString).toList()));
    }
}

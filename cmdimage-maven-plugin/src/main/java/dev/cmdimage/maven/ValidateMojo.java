package dev.cmdimage.maven;

import dev.cmdimage.core.CmdImageSet;
import java.nio.file.Path;
import java.util.List;
import org.apache.maven.plugin.MojoFailureException;
import org.apache.maven.plugins.annotations.LifecyclePhase;
import org.apache.maven.plugins.annotations.Mojo;

/**
 * Checks the CmdImage, CmdImageList, ImageMap, Cluster and FileWatch files without running anything: fails the build with
 * every problem of every file, each naming its file, document and field path (e.g.
 * {@code src/main/cmdimage/app.yaml: document 2 (CmdImage "app"): spec.args: Required value}), and every name given
 * twice across the files.
 */
@Mojo(name = "validate", defaultPhase = LifecyclePhase.VALIDATE, threadSafe = true)
public class ValidateMojo extends AbstractCmdImageMojo {
    /** For Maven. */
    public ValidateMojo() {}

    /**
     * Reads and checks the files.
     *
     * @throws MojoFailureException listing every problem
     */
    @Override
    public void execute() throws MojoFailureException {
        if (skip) {
            getLog().info("cmdimage: skipped (cmdimage.skip)");
            return;
        }
        List<Path> paths = inputFiles();
        Path base = project.getBasedir().toPath();
        if (paths.isEmpty()) {
            getLog().info("cmdimage: no *.yaml files in " + CmdImageFiles.DEFAULT_DIR + ": nothing to validate");
            return;
        }
        CmdImageSet set = readSet(paths);
        getLog().info("cmdimage: " + CmdImageFiles.displayAll(base, paths) + ": valid (" + set.cmdImages().size()
                + (set.cmdImages().size() == 1 ? " CmdImage)" : " CmdImages)"));
    }
}

package app;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.BuildRequest;
import dev.cmdimage.api.BuildResult;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageBuilder;
import dev.cmdimage.core.CmdImageCodec;
import dev.cmdimage.core.CmdImages;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.Validation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** Reads a CmdImage file, validates it and builds it daemonless into an OCI image layout. */
public final class Main {
    public static void main(String[] args) throws Exception {
        Path file = Path.of(args[0]);
        Path layout = Path.of(args[1]);

        List<ApiObject> objects = CmdImageCodec.create().readValid(Files.readString(file), file.toString());
        CmdImage image = (CmdImage) objects.get(0);
        Validation.check(image);

        CmdImageBuilder builder = CmdImages.builder().imageStore(new OciLayoutStore(layout)).build();
        BuildResult result = builder.build(BuildRequest.builder(image).timeout(Duration.ofMinutes(2)).build());

        Module core = CmdImages.class.getModule();
        System.out.println("core module: " + core.getName() + ", exports internal.pipeline: "
                + core.isExported("dev.cmdimage.core.internal.pipeline"));
        // the nullness annotations are compile-time only (requires static): not resolved at run time
        System.out.println("org.jspecify resolved: " + ModuleLayer.boot().findModule("org.jspecify").isPresent());
        System.out.println("built: " + result.localRef());
    }
}

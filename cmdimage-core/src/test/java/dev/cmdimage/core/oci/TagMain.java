package dev.cmdimage.core.oci;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.core.OciLayoutStore;
import java.nio.file.Path;

/** Tags an image many times from another process: {@code TagMain <layout> <imageId> <prefix> <count>}. */
public final class TagMain {
    private TagMain() {}

    public static void main(String[] args) throws Exception {
        OciLayoutStore store = new OciLayoutStore(Path.of(args[0]));
        for (int i = 0; i < Integer.parseInt(args[3]); i++) {
            store.tag(args[1], ImageRef.parse("app:" + args[2] + "-" + i));
        }
    }
}

package dockerapp;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.docker.DockerEngine;
import dev.cmdimage.docker.DockerImageStore;
import java.nio.file.Path;
import java.util.Map;

/**
 * Looks an image up in the Docker engine at args[0] and asks its API version: docker-java, its HTTP transport and
 * Jackson are loaded and used on the module path. An engine that is down fails with cmdimage's message.
 */
public final class Main {
    public static void main(String[] args) throws Exception {
        try (DockerEngine engine = DockerEngine.builder().host(args[0]).environment(Map.of())
                .home(Path.of(args[1])).build()) {
            DockerImageStore store = new DockerImageStore(engine);
            System.out.println("store: " + store.description());
            try {
                boolean found = store.inspect(ImageRef.parse("cmdimage-jpms-absent:1"), null).isPresent();
                System.out.println("cmdimage-jpms-absent:1 " + (found ? "found" : "absent"));
                System.out.println("api: " + engine.apiVersion());
            } catch (ImageStoreException e) {
                System.out.println("lookup failed: " + e.getMessage());
            }
        }
    }
}

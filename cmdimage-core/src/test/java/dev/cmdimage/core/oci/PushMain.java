package dev.cmdimage.core.oci;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.spi.Cancellation;
import java.nio.file.Path;
import java.util.List;

/**
 * Pushes a new image from another JVM (one with other system properties): {@code PushMain <layout> <registry>
 * <ca.pem>}; prints {@code pushed <digest>} or {@code failed: <message>}.
 */
public final class PushMain {
    private PushMain() {}

    public static void main(String[] args) {
        TestLayout layout = new TestLayout(Path.of(args[0]));
        TestLayout.Image image = layout.image("amd64");
        ImageRef ref = ImageRef.parse(args[1] + "/app:v1");
        layout.entry(image.descriptor(), ref.familiarString());
        RegistryHttpPusher pusher = RegistryHttpPusher.builder(new OciLayoutStore(layout.root, "amd64"))
                .certsDirectories(List.of()).caCertificates(Path.of(args[2])).build();
        try {
            System.out.println("pushed " + pusher.push(ref, line -> {}, Cancellation.never()));
        } catch (PushException e) {
            System.out.println("failed: " + e.getMessage());
        }
    }
}

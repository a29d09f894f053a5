package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.api.PushException;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.CredentialsProvider;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An engine that is down fails with a sentence naming the address tried and where it came from. No engine needed. */
class UnreachableEngineTest {
    @TempDir
    Path tmp;

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Test
    void aSocketWithNothingListeningFailsTheLookUpNamingTheAddress() throws Exception {
        String host = "unix://" + tmp.resolve("nothing-listens-here.sock");
        try (DockerEngine down = DockerEngine.builder().host(host).environment(Map.of()).home(tmp).build()) {
            DockerImageStore store = new DockerImageStore(down);
            assertThat(store.description()).isEqualTo("Docker engine at " + host);
            assertThatThrownBy(() -> store.inspect(ImageRef.parse("app:1"), null))
                    .isInstanceOf(ImageStoreException.class)
                    .hasMessageStartingWith("Cannot reach the Docker engine at " + host
                            + " (from explicit settings) to look up app:1: ")
                    .hasMessageEndingWith("Is the engine running, and does DOCKER_HOST or the Docker context point at it?");
        }
    }

    @Test
    void aClosedTcpPortFromDockerHostFailsTheTagNamingIt() throws Exception {
        String host = "tcp://127.0.0.1:" + closedPort();
        try (DockerEngine down = DockerEngine.builder().environment(Map.of("DOCKER_HOST", host)).home(tmp).build()) {
            assertThatThrownBy(() -> new DockerImageStore(down).tag("sha256:" + "0".repeat(64),
                    ImageRef.parse("app:1")))
                    .isInstanceOf(ImageStoreException.class)
                    .hasMessageStartingWith("Cannot reach the Docker engine at " + host + " (from DOCKER_HOST) to tag ");
        }
    }

    @Test
    void aPushThroughAnEngineThatIsDownFailsNamingTheAddress() throws Exception {
        String host = "unix://" + tmp.resolve("no-engine.sock");
        try (DockerEngine down = DockerEngine.builder().host(host).environment(Map.of()).home(tmp).build()) {
            assertThatThrownBy(() -> new DockerRegistryPusher(down, CredentialsProvider.ANONYMOUS)
                    .push(ImageRef.parse("127.0.0.1:5000/app:1"), l -> {}, Cancellation.never()))
                    .isInstanceOf(PushException.class)
                    .hasMessageStartingWith("Cannot reach the Docker engine at " + host
                            + " (from explicit settings) to push 127.0.0.1:5000/app:1: ");
        }
    }
}

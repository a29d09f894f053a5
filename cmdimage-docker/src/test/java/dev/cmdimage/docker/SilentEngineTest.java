package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine address that accepts connections and never answers (a hung engine, a wrong port behind a proxy): the
 * first request fails within the connect timeout, with a sentence naming the address, instead of waiting for the
 * request timeout. No engine needed.
 */
class SilentEngineTest {
    @TempDir
    Path tmp;

    private ServerSocket silent;
    private final List<Socket> accepted = new CopyOnWriteArrayList<>();
    private Thread acceptor;

    @BeforeEach
    void listen() throws IOException {
        silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(() -> {
            try {
                while (true) {
                    accepted.add(silent.accept()); // read nothing, answer nothing
                }
            } catch (IOException closed) {
                // the test is over
            }
        }, "silent-engine");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    @AfterEach
    void close() throws Exception {
        silent.close();
        for (Socket s : accepted) {
            s.close();
        }
        acceptor.join(5_000);
    }

    @Test
    @Timeout(60)
    void anEngineThatNeverAnswersFailsWithinTheConnectTimeoutNamingTheAddress() {
        String host = "tcp://127.0.0.1:" + silent.getLocalPort();
        try (DockerEngine engine = DockerEngine.builder().environment(Map.of("DOCKER_HOST", host)).home(tmp)
                .connectTimeout(Duration.ofSeconds(1)).build()) {
            long start = System.nanoTime();

            assertThatThrownBy(() -> new DockerImageStore(engine).inspect(ImageRef.parse("app:1"), null))
                    .isInstanceOf(ImageStoreException.class)
                    .hasMessageStartingWith("Cannot reach the Docker engine at " + host + " (from DOCKER_HOST) to look"
                            + " up app:1: it did not answer within 1s.");

            // the request timeout (2 min by default) is not what bounds it; generous for a loaded machine
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
            assertThat(accepted).isNotEmpty();
        }
    }
}

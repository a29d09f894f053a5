package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.cmdimage.api.ImageRef;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The API version is negotiated: the lower of what the engine speaks and {@link DockerEngine#CLIENT_MAX_API_VERSION},
 * never above the engine. Checked against a fake engine (plain HTTP on loopback) that records the paths asked for.
 */
class ApiVersionNegotiationTest {
    private HttpServer server;
    private final List<String> paths = new CopyOnWriteArrayList<>();

    private String fakeEngine(String versionJson) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            paths.add(exchange.getRequestMethod() + " " + path);
            boolean version = path.endsWith("/version");
            byte[] body = (version ? versionJson : "{\"message\":\"No such image: app:1\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(version ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return "tcp://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @CsvSource({
        "1.41, 1.41, /v1.41/images/app:1/json",
        "1.43, 1.43, /v1.43/images/app:1/json",
        "1.52, 1.44, /v1.44/images/app:1/json"})
    void usesTheLowerOfTheEnginesAndTheClientsVersion(String engineApi, String used, String inspectPath)
            throws Exception {
        String host = fakeEngine("{\"ApiVersion\":\"" + engineApi + "\",\"MinAPIVersion\":\"1.12\"}");
        try (DockerEngine engine = DockerEngine.builder().host(host).environment(Map.of())
                .home(Path.of("/nonexistent")).build()) {
            assertThat(new DockerImageStore(engine).inspect(ImageRef.parse("app:1"), null)).isEmpty();
            assertThat(engine.apiVersion()).isEqualTo(used);
        }
        assertThat(paths).containsExactly("GET /version", "GET " + inspectPath);
    }

    @Test
    void anEngineThatNamesNoVersionIsSpokenToWithoutAVersionPrefix() throws Exception {
        String host = fakeEngine("{}");
        try (DockerEngine engine = DockerEngine.builder().host(host).environment(Map.of())
                .home(Path.of("/nonexistent")).build()) {
            assertThat(new DockerImageStore(engine).inspect(ImageRef.parse("app:1"), null)).isEmpty();
        }
        assertThat(paths).containsExactly("GET /version", "GET /images/app:1/json");
    }

    @Test
    void theVersionIsAskedOnceForManyRequests() throws Exception {
        String host = fakeEngine("{\"ApiVersion\":\"1.41\"}");
        try (DockerEngine engine = DockerEngine.builder().host(host).environment(Map.of())
                .home(Path.of("/nonexistent")).build()) {
            DockerImageStore store = new DockerImageStore(engine);
            store.inspect(ImageRef.parse("app:1"), null);
            store.inspect(ImageRef.parse("app:1"), null);
        }
        assertThat(paths).filteredOn(p -> p.endsWith("/version")).hasSize(1);
        assertThat(paths).hasSize(3);
    }
}

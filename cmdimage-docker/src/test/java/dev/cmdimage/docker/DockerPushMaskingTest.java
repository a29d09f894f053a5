package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.sun.net.httpserver.HttpServer;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.RegistryCredentials;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the engine relays from a registry can echo the push's credentials (a registry that repeats the
 * Authorization header in its error): the Docker pusher masks them, as the HTTP pusher does. A fake engine (plain
 * HTTP on loopback) answers the push with such an error in its stream.
 */
class DockerPushMaskingTest {
    private static final String PASSWORD = "s3cret-docker-push-password";
    private static final String BASIC = Base64.getEncoder()
            .encodeToString(("alice:" + PASSWORD).getBytes(StandardCharsets.UTF_8));

    @TempDir
    Path tmp;

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void credentialsEchoedInTheEnginesPushStreamAreMaskedInTheErrorAndTheProgress() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            String path = exchange.getRequestURI().getPath();
            String body = path.endsWith("/version") ? "{\"ApiVersion\":\"1.41\",\"Version\":\"20.10.24\"}"
                    : path.endsWith("/push")
                            ? "{\"status\":\"pushing with Basic " + BASIC + "\"}\n"
                                    + "{\"errorDetail\":{\"message\":\"denied: header Authorization: Basic " + BASIC
                                    + " password " + PASSWORD + "\"},\"error\":\"denied: " + PASSWORD + "\"}\n"
                            : "{}";
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
        List<String> progress = new CopyOnWriteArrayList<>();
        try (DockerEngine engine = DockerEngine.builder().host("tcp://127.0.0.1:" + server.getAddress().getPort())
                .environment(Map.of()).home(tmp).build()) {
            DockerRegistryPusher pusher = new DockerRegistryPusher(engine,
                    registry -> Optional.of(RegistryCredentials.basic("alice", PASSWORD)));

            PushException e = catchThrowableOfType(PushException.class,
                    () -> pusher.push(ImageRef.parse("localhost:5000/app:v1"), progress::add, Cancellation.never()));

            StringWriter trace = new StringWriter();
            e.printStackTrace(new PrintWriter(trace));
            assertThat(e.getMessage()).contains("denied").contains("<redacted>");
            assertThat(trace.toString()).doesNotContain(PASSWORD).doesNotContain(BASIC)
                    .doesNotContain(BASIC.replaceAll("=+$", ""));
            assertThat(String.join("\n", progress)).doesNotContain(PASSWORD).doesNotContain(BASIC);
        }
    }
}

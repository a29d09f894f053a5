package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsExchange;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * DOCKER_TLS_VERIFY / DOCKER_CERT_PATH reach the connection: a fake engine over HTTPS that requires a client
 * certificate signed by its CA (certificates made with openssl, as for a real TLS engine).
 */
class TlsEngineTest {
    @TempDir
    Path dir;
    Path certs;
    HttpsServer server;
    final List<String> clientSubjects = new CopyOnWriteArrayList<>();

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        p.getOutputStream().close();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as("openssl %s: %s", cmd, out).isZero();
    }

    @BeforeEach
    void certificatesAndServer() throws Exception {
        boolean haveOpenssl = List.of("/usr/bin/openssl", "/usr/local/bin/openssl", "/bin/openssl").stream()
                .anyMatch(p -> Files.isExecutable(Path.of(p)));
        assumeTrue(haveOpenssl, "openssl is needed to make test certificates");
        certs = Files.createDirectories(dir.resolve("certs"));
        Files.writeString(dir.resolve("server.ext"), "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n");
        Files.writeString(dir.resolve("client.ext"), "extendedKeyUsage=clientAuth\n");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca-key.pem", "-out", "certs/ca.pem",
                "-days", "2", "-subj", "/CN=cmdimage-test-ca");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "server-key.pem", "-out", "server.csr",
                "-subj", "/CN=127.0.0.1");
        openssl("x509", "-req", "-in", "server.csr", "-CA", "certs/ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", "server-cert.pem", "-days", "2", "-extfile", "server.ext");
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", "certs/key.pem", "-out", "client.csr",
                "-subj", "/CN=cmdimage-client");
        openssl("x509", "-req", "-in", "client.csr", "-CA", "certs/ca.pem", "-CAkey", "ca-key.pem",
                "-CAcreateserial", "-out", "certs/cert.pem", "-days", "2", "-extfile", "client.ext");
        openssl("pkcs12", "-export", "-in", "server-cert.pem", "-inkey", "server-key.pem", "-out", "server.p12",
                "-passout", "pass:changeit");

        char[] pw = "changeit".toCharArray();
        KeyStore serverKeys = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("server.p12"))) {
            serverKeys.load(in, pw);
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(serverKeys, pw);
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        Certificate ca;
        try (InputStream in = Files.newInputStream(certs.resolve("ca.pem"))) {
            ca = CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        trust.setCertificateEntry("ca", ca);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);

        server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(ssl) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = getSSLContext().getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.createContext("/", exchange -> {
            try {
                clientSubjects.add(((java.security.cert.X509Certificate) ((HttpsExchange) exchange).getSSLSession()
                        .getPeerCertificates()[0]).getSubjectX500Principal().getName());
            } catch (javax.net.ssl.SSLPeerUnverifiedException e) {
                clientSubjects.add("none");
            }
            boolean version = exchange.getRequestURI().getPath().endsWith("/version");
            byte[] body = (version ? "{\"ApiVersion\":\"1.41\"}" : "{\"message\":\"No such image: app:1\"}")
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(version ? 200 : 404, body.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    private String host() {
        return "tcp://127.0.0.1:" + server.getAddress().getPort();
    }

    @Test
    void dockerTlsVerifyAndCertPathGiveAVerifiedConnectionWithTheClientCertificate() throws Exception {
        Map<String, String> env = Map.of("DOCKER_HOST", host(), "DOCKER_TLS_VERIFY", "1",
                "DOCKER_CERT_PATH", certs.toString());
        try (DockerEngine engine = DockerEngine.builder().environment(env).home(dir).build()) {
            assertThat(new DockerImageStore(engine).inspect(ImageRef.parse("app:1"), null)).isEmpty();
            assertThat(engine.apiVersion()).isEqualTo("1.41");
            assertThat(engine.commandEnvironment()).isEqualTo(env);
        }
        assertThat(clientSubjects).isNotEmpty().allMatch(s -> s.equals("CN=cmdimage-client"));
    }

    @Test
    void withoutTlsTheTlsEngineCannotBeReachedAndTheMessageSaysWhere() throws Exception {
        try (DockerEngine engine = DockerEngine.builder().environment(Map.of("DOCKER_HOST", host())).home(dir)
                .build()) {
            assertThatThrownBy(() -> new DockerImageStore(engine).inspect(ImageRef.parse("app:1"), null))
                    .isInstanceOf(ImageStoreException.class)
                    .hasMessageStartingWith("Cannot reach the Docker engine at " + host() + " (from DOCKER_HOST)");
        }
    }
}

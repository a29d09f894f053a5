package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.PushException;
import dev.cmdimage.core.OciLayoutStore;
import dev.cmdimage.core.RegistryHttpPusher;
import dev.cmdimage.core.internal.registryhttp.RegistryTrust;
import dev.cmdimage.core.internal.tls.Pem;
import dev.cmdimage.spi.Cancellation;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * PEM files read with the JDK (certificates, PKCS#8 and PKCS#1 keys, refused key forms), the certs.d rules, and the
 * sentences for TLS failures a real TLS server (the JDK's, with certificates made by openssl) provokes.
 */
class TlsMaterialTest {
    @TempDir
    Path dir;
    Openssl openssl;

    @BeforeEach
    void setUp() {
        openssl = new Openssl(dir);
    }

    @Test
    void anRsaKeyReadsTheSameInPkcs8AndInPkcs1() throws Exception {
        openssl.run("genrsa", "-traditional", "-out", "pkcs1.pem", "2048");
        openssl.run("pkcs8", "-topk8", "-nocrypt", "-in", "pkcs1.pem", "-out", "pkcs8.pem");
        assertThat(Files.readString(dir.resolve("pkcs1.pem"))).contains("BEGIN RSA PRIVATE KEY");
        assertThat(Files.readString(dir.resolve("pkcs8.pem"))).contains("BEGIN PRIVATE KEY");

        PrivateKey pkcs1 = Pem.privateKey(dir.resolve("pkcs1.pem"));
        PrivateKey pkcs8 = Pem.privateKey(dir.resolve("pkcs8.pem"));

        assertThat(pkcs1.getAlgorithm()).isEqualTo("RSA");
        assertThat(pkcs1.getEncoded()).isEqualTo(pkcs8.getEncoded());
    }

    @Test
    void anEcKeyInPkcs8IsReadAndMatchedWithItsCertificate() throws Exception {
        openssl.run("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ec-key.pem");
        openssl.run("req", "-x509", "-key", "ec-key.pem", "-out", "ec.pem", "-days", "2", "-subj", "/CN=ec");

        PrivateKey key = Pem.privateKey(dir.resolve("ec-key.pem"));
        Pem.checkPair(Pem.certificates(dir.resolve("ec.pem")).get(0), dir.resolve("ec.pem"), key,
                dir.resolve("ec-key.pem"));

        assertThat(key.getAlgorithm()).isEqualTo("EC");
    }

    @Test
    void anEcKeyInSec1FormIsRefusedSayingHowToConvertIt() throws Exception {
        openssl.run("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem");
        Path key = dir.resolve("sec1.pem");

        assertThatThrownBy(() -> Pem.privateKey(key))
                .hasMessageContaining(key + " holds an EC PRIVATE KEY")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt -in " + key);
    }

    @Test
    void anEncryptedKeyIsRefusedSayingHowToConvertIt() throws Exception {
        openssl.run("genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-aes256", "-pass",
                "pass:secret-pass", "-out", "enc.pem");
        Path key = dir.resolve("enc.pem");

        assertThatThrownBy(() -> Pem.privateKey(key))
                .hasMessageContaining(key + " holds an ENCRYPTED PRIVATE KEY")
                .hasMessageContaining("openssl pkcs8 -topk8 -nocrypt");
    }

    @Test
    void aKeyThatIsNotTheCertificatesIsRefusedNamingBothFiles() throws Exception {
        openssl.ca("ca");
        openssl.cert("client", "ca", 2, "extendedKeyUsage=clientAuth");
        Path cert = dir.resolve("client.pem");
        Path otherKey = dir.resolve("ca-key.pem");

        assertThatThrownBy(() -> Pem.checkPair(Pem.certificates(cert).get(0), cert, Pem.privateKey(otherKey),
                otherKey))
                .hasMessage(otherKey + " is not the private key of the certificate in " + cert);
    }

    @Test
    void aBundleGivesEveryCertificateAndAFileWithoutOneIsRefused() throws Exception {
        openssl.ca("one");
        openssl.ca("two");
        Path bundle = dir.resolve("bundle.pem");
        Files.writeString(bundle, "# two CAs\n" + Files.readString(dir.resolve("one.pem"))
                + Files.readString(dir.resolve("two.pem")));

        assertThat(Pem.certificates(bundle)).hasSize(2);
        assertThatThrownBy(() -> Pem.certificates(dir.resolve("one-key.pem")))
                .hasMessageStartingWith(dir.resolve("one-key.pem").toString());
        assertThatThrownBy(() -> Pem.certificates(dir.resolve("missing.pem")))
                .hasMessage(dir.resolve("missing.pem") + " does not exist");
    }

    @Test
    void aCertsDirectoryClientCertificateWithoutItsKeyIsRefused() throws Exception {
        openssl.ca("ca");
        Path host = Files.createDirectories(dir.resolve("certs.d").resolve("registry.example.com:5000"));
        Files.copy(dir.resolve("ca.pem"), host.resolve("client.cert"));
        RegistryTrust trust = new RegistryTrust(List.of(), Map.of(), Map.of(), List.of(dir.resolve("certs.d")));

        assertThatThrownBy(() -> trust.material("registry.example.com:5000"))
                .hasMessageContaining("missing key " + host.resolve("client.key"))
                .hasMessageContaining("CA certificates must end in .crt");
        assertThat(trust.material("registry.example.com").isEmpty()).isTrue();
    }

    @Test
    void aCaGivenForAHostAppliesToEveryPortAndOneForHostAndPortOnlyToThatPort() throws Exception {
        openssl.ca("a");
        openssl.ca("b");
        RegistryTrust trust = new RegistryTrust(List.of(), Map.of("registry.lan", List.of(dir.resolve("a.pem")),
                "other.lan:5000", List.of(dir.resolve("b.pem"))), Map.of(), List.of());

        assertThat(trust.material("registry.lan:5000").caSources()).containsExactly(dir.resolve("a.pem"));
        assertThat(trust.material("REGISTRY.lan").caSources()).containsExactly(dir.resolve("a.pem"));
        assertThat(trust.material("other.lan:5000").caSources()).containsExactly(dir.resolve("b.pem"));
        assertThat(trust.material("other.lan:5001").isEmpty()).isTrue();
    }

    @Test
    void anExpiredServerCertificateFailsThePushSayingSo() throws Exception {
        openssl.ca("ca");
        openssl.cert("server", "ca", -1, "subjectAltName=IP:127.0.0.1");
        try (TlsServer server = new TlsServer(dir, "server")) {
            assertThatThrownBy(() -> push(server.domain(), RegistryHttpPusher.builder(store())
                    .caCertificates(dir.resolve("ca.pem"))))
                    .isInstanceOf(PushException.class)
                    .hasMessageContaining("TLS failed talking to " + server.domain())
                    .hasMessageContaining("a certificate of the registry has expired")
                    .hasMessageContaining("must be renewed");
        }
    }

    @Test
    void aRenewedCaFileIsReadByTheSamePusherAtTheNextPush() throws Exception {
        openssl.ca("ca");
        openssl.cert("server", "ca", 2, "subjectAltName=IP:127.0.0.1");
        openssl.ca("unrelated");
        Path trusted = dir.resolve("trusted.pem");
        Files.copy(dir.resolve("unrelated.pem"), trusted);
        try (TlsServer server = new TlsServer(dir, "server")) {
            RegistryHttpPusher pusher = RegistryHttpPusher.builder(store()).certsDirectories(List.of())
                    .caCertificates(trusted).build();
            assertThatThrownBy(() -> push(server.domain(), pusher))
                    .hasMessageContaining("untrusted issuer (trusted: the JVM's default CAs and " + trusted + ")");

            Files.copy(dir.resolve("ca.pem"), trusted, StandardCopyOption.REPLACE_EXISTING);

            // trusted now: the server's answer (HTTP 404 on GET /v2/) is the next thing that fails
            assertThatThrownBy(() -> push(server.domain(), pusher))
                    .hasMessageContaining("no Registry HTTP API v2 at https://" + server.domain());
        }
    }

    @Test
    void aServerThatClosesTheConnectionAfterTheHandshakeGetsTheClientCertificateHint() throws Exception {
        // what a TLS 1.3 registry that requires a client certificate may do instead of sending its alert
        openssl.ca("ca");
        openssl.cert("server", "ca", 2, "subjectAltName=IP:127.0.0.1");
        try (TlsServer server = new TlsServer(dir, "server");
                ClosingTlsServer closing = new ClosingTlsServer(server.context)) {
            assertThatThrownBy(() -> push(closing.domain(), RegistryHttpPusher.builder(store())
                    .caCertificates(dir.resolve("ca.pem")).retries(1, Duration.ofMillis(10))))
                    .isInstanceOf(PushException.class)
                    .hasMessageContaining("the connection to the registry at https://" + closing.domain() + " broke")
                    .hasMessageContaining("if the registry requires a client certificate (mutual TLS), none was"
                            + " offered: give one (cmdimage --registry-cert " + closing.domain() + "=CERT,KEY");
        }
    }

    @Test
    void hostNamesAreVerifiedEvenInAJvmThatTurnsThatOffForItsHttpClient() throws Exception {
        openssl.ca("ca");
        openssl.cert("server", "ca", 2, "subjectAltName=IP:127.0.0.1");
        try (TlsServer server = new TlsServer(dir, "server", InetAddress.getByName("127.0.0.2"))) {
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-Djdk.internal.httpclient.disableHostnameVerification=true", "-cp",
                    System.getProperty("java.class.path"), PushMain.class.getName(), dir.resolve("layout").toString(),
                    server.domain(), dir.resolve("ca.pem").toString()).redirectErrorStream(true).start();
            p.getOutputStream().close();
            String out;
            try (InputStream in = p.getInputStream()) {
                out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

            assertThat(out).contains("failed: ").contains("not for the host name 127.0.0.2 (wrong host name");
        }
    }

    /** Completes each TLS handshake, then closes the connection without a word. */
    static final class ClosingTlsServer implements AutoCloseable {
        final SSLServerSocket socket;

        ClosingTlsServer(SSLContext context) throws Exception {
            socket = (SSLServerSocket) context.getServerSocketFactory()
                    .createServerSocket(0, 50, InetAddress.getLoopbackAddress());
            Thread t = new Thread(() -> {
                while (!socket.isClosed()) {
                    try (SSLSocket s = (SSLSocket) socket.accept()) {
                        s.startHandshake();
                    } catch (IOException e) {
                        // plain HTTP probes and closed sockets end here
                    }
                }
            }, "closing-tls-server");
            t.setDaemon(true);
            t.start();
        }

        String domain() {
            return "127.0.0.1:" + socket.getLocalPort();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private OciLayoutStore store() {
        return new OciLayoutStore(dir.resolve("layout"), "amd64");
    }

    private void push(String domain, RegistryHttpPusher.Builder builder) throws Exception {
        push(domain, builder.certsDirectories(List.of()).build());
    }

    private void push(String domain, RegistryHttpPusher pusher) throws Exception {
        TestLayout layout = new TestLayout(dir.resolve("layout"));
        TestLayout.Image image = layout.image("amd64");
        ImageRef ref = ImageRef.parse(domain + "/app:v1");
        layout.entry(image.descriptor(), ref.familiarString());
        pusher.push(ref, line -> {}, Cancellation.never());
    }

    /** The JDK's HTTPS server with {@code name.pem}/{@code name-key.pem}, answering 404 to everything. */
    static final class TlsServer implements AutoCloseable {
        final HttpsServer server;
        final SSLContext context;

        TlsServer(Path dir, String name) throws Exception {
            this(dir, name, InetAddress.getLoopbackAddress());
        }

        TlsServer(Path dir, String name, InetAddress bind) throws Exception {
            new Openssl(dir).run("pkcs12", "-export", "-in", name + ".pem", "-inkey", name + "-key.pem", "-out",
                    name + ".p12", "-passout", "pass:changeit");
            char[] pw = "changeit".toCharArray();
            KeyStore keys = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(dir.resolve(name + ".p12"))) {
                keys.load(in, pw);
            }
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(keys, pw);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(kmf.getKeyManagers(), null, null);
            context = ssl;
            server = HttpsServer.create(new InetSocketAddress(bind, 0), 0);
            server.setHttpsConfigurator(new HttpsConfigurator(ssl));
            server.createContext("/", ex -> {
                ex.sendResponseHeaders(404, -1);
                ex.close();
            });
            server.start();
        }

        String domain() {
            return server.getAddress().getAddress().getHostAddress() + ":" + server.getAddress().getPort();
        }

        @Override
        public void close() {
            server.stop(0);
        }
    }
}

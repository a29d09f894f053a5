package dev.cmdimage.docker.internal;

import com.github.dockerjava.core.SSLConfig;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.core.internal.tls.Pem;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Locale;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to a Docker engine, read like the Docker CLI reads {@code DOCKER_CERT_PATH} (or a context's TLS material):
 * {@code ca.pem}, when present, is the only CA trusted (else the JVM's default CAs); {@code cert.pem} and
 * {@code key.pem}, when both are present, are the client certificate. The connection always uses TLS and verifies
 * the engine's certificate and host name; a missing client certificate is the engine's to refuse, not a reason to
 * fall back to plain HTTP (docker-java's {@code LocalDirectorySSLConfig} speaks plain HTTP unless all three files
 * exist, and registers BouncyCastle JVM-wide). The files are read once, when the engine is first used, with the
 * JDK alone (core's {@link Pem}: X.509 certificates, PKCS#8 RSA/EC or PKCS#1 RSA keys).
 */
@SuppressWarnings("deprecation")
public final class EngineTls implements SSLConfig {
    private final Path dir;
    private final boolean clientCertificate;
    private final SSLContext context;

    private EngineTls(Path dir, boolean clientCertificate, SSLContext context) {
        this.dir = dir;
        this.clientCertificate = clientCertificate;
        this.context = context;
    }

    /**
     * Reads the TLS material in {@code dir}.
     *
     * @param engine names the engine and where its address came from, for the messages
     * @throws ImageStoreException naming the file that cannot be used
     */
    public static EngineTls load(Path dir, String engine) throws ImageStoreException {
        Path ca = dir.resolve("ca.pem");
        Path cert = dir.resolve("cert.pem");
        Path key = dir.resolve("key.pem");
        try {
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            if (Files.isRegularFile(ca)) {
                KeyStore anchors = KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                List<X509Certificate> cas = Pem.certificates(ca);
                for (int i = 0; i < cas.size(); i++) {
                    anchors.setCertificateEntry("ca-" + i, cas.get(i));
                }
                trust.init(anchors);
            } else {
                trust.init((KeyStore) null);
            }
            KeyManager[] keys = null;
            boolean client = Files.isRegularFile(cert) && Files.isRegularFile(key);
            if (client) {
                List<X509Certificate> chain = Pem.certificates(cert);
                PrivateKey k = Pem.privateKey(key);
                Pem.checkPair(chain.get(0), cert, k, key);
                char[] password = "in-memory".toCharArray();
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                ks.setKeyEntry("client", k, password, chain.toArray(new X509Certificate[0]));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, password);
                keys = kmf.getKeyManagers();
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys, trust.getTrustManagers(), null);
            return new EngineTls(dir, client, context);
        } catch (Pem.PemException e) {
            throw new ImageStoreException("Cannot use the TLS material for the " + engine + ": " + e.getMessage()
                    + ". DOCKER_CERT_PATH (or the Docker context's TLS directory) holds ca.pem, cert.pem and key.pem",
                    e);
        } catch (IOException | GeneralSecurityException e) {
            throw new ImageStoreException("Cannot use the TLS material in " + dir + " for the " + engine + ": "
                    + Causes.describe(e), e);
        }
    }

    @Override
    public SSLContext getSSLContext() {
        return context;
    }

    /**
     * The sentence for a TLS failure talking to the engine, or {@code null} when {@code t} is none.
     *
     * @param engine names the engine and where its address came from
     * @param host   the host name or address connected to
     */
    public String problem(Throwable t, String engine, String host) {
        String head = "TLS failed talking to the " + engine + ": ";
        SSLException ssl = find(t, SSLException.class);
        if (ssl == null) {
            // with TLS 1.3 an engine that requires a client certificate checks it after the handshake and closes
            // the connection: the client sees a broken pipe or a reset, not the alert
            SocketException closed = find(t, SocketException.class);
            if (closed != null && !(closed instanceof ConnectException) && !clientCertificate) {
                return head + "the engine closed the connection (" + closed.getMessage() + ") and no client"
                        + " certificate was offered; an engine started with --tlsverify requires one: put cert.pem"
                        + " and key.pem in " + dir + " (DOCKER_CERT_PATH, or the Docker context's TLS directory)";
            }
            return null;
        }
        Path ca = dir.resolve("ca.pem");
        if (find(t, CertificateExpiredException.class) != null) {
            return head + "a certificate of the engine has expired (" + find(t, CertificateExpiredException.class)
                    .getMessage() + "); the engine's certificate must be renewed";
        }
        if (find(t, CertificateNotYetValidException.class) != null) {
            return head + "a certificate of the engine is not valid yet; check this machine's clock";
        }
        if (find(t, CertPathBuilderException.class) != null) {
            return head + "its certificate is signed by an untrusted issuer (trusted: "
                    + (Files.isRegularFile(ca) ? ca : "the JVM's default CAs, as there is no " + ca) + "); "
                    + ca.getFileName() + " in DOCKER_CERT_PATH (or in the Docker context's TLS directory) must be"
                    + " the CA that signed the engine's certificate";
        }
        String wrongHost = message(t, "no subject alternative", "no name matching", "doesn't match any of the subject");
        if (wrongHost != null) {
            return head + "its certificate is not for " + host + " (wrong host name: " + wrongHost + "); use an"
                    + " address the certificate lists";
        }
        String alert = message(t, "certificate_required", "bad_certificate", "certificate_unknown", "unknown_ca",
                "certificate required");
        if (alert != null) {
            return clientCertificate
                    ? head + "the engine refused the client certificate " + dir.resolve("cert.pem") + " (" + alert
                            + "); it must be signed by a CA the engine accepts (dockerd --tlscacert)"
                    : head + "the engine requires a client certificate and none was offered (" + alert + "): put"
                            + " cert.pem and key.pem in " + dir + " (DOCKER_CERT_PATH, or the Docker context's TLS"
                            + " directory)";
        }
        return head + ssl.getMessage();
    }

    private static <T extends Throwable> T find(Throwable t, Class<T> type) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (type.isInstance(c)) {
                return type.cast(c);
            }
        }
        return null;
    }

    private static String message(Throwable t, String... parts) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            for (String p : parts) {
                if (m != null && m.toLowerCase(Locale.ROOT).contains(p)) {
                    return m;
                }
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return "EngineTls[" + dir + "]";
    }
}

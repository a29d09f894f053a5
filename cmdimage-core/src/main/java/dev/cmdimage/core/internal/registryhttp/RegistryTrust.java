package dev.cmdimage.core.internal.registryhttp;

import dev.cmdimage.core.internal.tls.Pem;
import dev.cmdimage.core.internal.tls.Pem.PemException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which certificates a push to a registry trusts and which client certificate it offers, in this order: the CA files
 * and client certificates given for every registry or for this one; the certs.d directories ({@code
 * <root>/<host[:port]>/}: {@code *.crt} CA certificates, {@code *.cert} client certificates each with the
 * {@code *.key} of the same name, as docker and the containers tools read them); then the JVM's default trust.
 * CA certificates are added to the JVM's trust, never replace it. A client certificate given explicitly wins over
 * the certs.d ones.
 *
 * @param caFiles          CA files for every registry
 * @param registryCaFiles  CA files per registry ({@code host} for any port, or {@code host:port})
 * @param clientFiles      a client certificate and key per registry ({@code host} or {@code host:port})
 * @param certsDirectories the certs.d roots, in order
 */
public record RegistryTrust(List<Path> caFiles, Map<String, List<Path>> registryCaFiles,
        Map<String, ClientFiles> clientFiles, List<Path> certsDirectories) {

    /** A client certificate (chain) and its private key, both PEM files. */
    public record ClientFiles(Path certificate, Path key) {}

    public RegistryTrust {
        caFiles = List.copyOf(caFiles);
        registryCaFiles = Map.copyOf(registryCaFiles);
        clientFiles = Map.copyOf(clientFiles);
        certsDirectories = List.copyOf(certsDirectories);
    }

    /**
     * The certs.d roots docker and the containers tools read: {@code /etc/docker/certs.d},
     * {@code /etc/containers/certs.d}, and the per-user {@code $HOME/.config/containers/certs.d}.
     *
     * @param home the user's home directory, or {@code null} for none
     */
    public static List<Path> defaultCertsDirectories(Path home) {
        List<Path> roots = new ArrayList<>(List.of(Path.of("/etc/docker/certs.d"), Path.of("/etc/containers/certs.d")));
        if (home != null) {
            roots.add(home.resolve(".config").resolve("containers").resolve("certs.d"));
        }
        return List.copyOf(roots);
    }

    /**
     * What was read for one registry.
     *
     * @param cas          the CA certificates to add to the JVM's trust
     * @param caSources    the files they came from
     * @param keys         the client keys, each with its certificate chain
     * @param clientSource the files the client certificates came from
     */
    public record Material(List<X509Certificate> cas, List<Path> caSources, List<ClientKey> keys,
            List<Path> clientSource) {
        /** Nothing beyond the JVM's defaults. */
        public static final Material NONE = new Material(List.of(), List.of(), List.of(), List.of());

        public Material {
            cas = List.copyOf(cas);
            caSources = List.copyOf(caSources);
            keys = List.copyOf(keys);
            clientSource = List.copyOf(clientSource);
        }

        /** Whether there is nothing beyond the JVM's defaults. */
        public boolean isEmpty() {
            return cas.isEmpty() && keys.isEmpty();
        }

        /** Whether a client certificate is offered. */
        public boolean offersClientCertificate() {
            return !keys.isEmpty();
        }

        /** Identifies the content (certificates and keys), so that a changed file gives a new TLS context. */
        public String fingerprint() {
            try {
                MessageDigest d = MessageDigest.getInstance("SHA-256");
                for (X509Certificate c : cas) {
                    d.update(c.getEncoded());
                }
                for (ClientKey k : keys) {
                    d.update(k.key().getEncoded());
                    for (X509Certificate c : k.chain()) {
                        d.update(c.getEncoded());
                    }
                }
                return HexFormat.of().formatHex(d.digest());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException(e);
            }
        }

        /**
         * A TLS context trusting the JVM's default CAs plus {@link #cas()}, offering {@link #keys()} to servers
         * that ask. Host names are verified by the HTTP client (always on).
         */
        public SSLContext sslContext() throws GeneralSecurityException {
            try {
                TrustManagerFactory jvm = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                jvm.init((KeyStore) null);
                KeyStore anchors = KeyStore.getInstance("PKCS12");
                anchors.load(null, null);
                int n = 0;
                for (TrustManager tm : jvm.getTrustManagers()) {
                    if (tm instanceof X509TrustManager) {
                        for (X509Certificate c : ((X509TrustManager) tm).getAcceptedIssuers()) {
                            anchors.setCertificateEntry("jvm-" + n++, c);
                        }
                    }
                }
                for (X509Certificate c : cas) {
                    anchors.setCertificateEntry("added-" + n++, c);
                }
                TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(anchors);
                KeyManager[] keyManagers = null;
                if (!keys.isEmpty()) {
                    char[] password = "in-memory".toCharArray();
                    KeyStore ks = KeyStore.getInstance("PKCS12");
                    ks.load(null, null);
                    for (int i = 0; i < keys.size(); i++) {
                        ks.setKeyEntry("client-" + i, keys.get(i).key(), password,
                                keys.get(i).chain().toArray(new X509Certificate[0]));
                    }
                    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                    kmf.init(ks, password);
                    keyManagers = kmf.getKeyManagers();
                }
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers, trust.getTrustManagers(), null);
                return context;
            } catch (IOException e) {
                throw new GeneralSecurityException(e.getMessage(), e);
            }
        }

        @Override
        public String toString() {
            return "Material[cas=" + caSources + ", clientCertificates=" + clientSource + "]";
        }
    }

    /** A client private key and its certificate chain. */
    public record ClientKey(PrivateKey key, List<X509Certificate> chain) {
        public ClientKey {
            chain = List.copyOf(chain);
        }

        @Override
        public String toString() {
            return "ClientKey[" + chain.get(0).getSubjectX500Principal() + "]";
        }
    }

    /** Reads what applies to {@code registry} ({@code host} or {@code host:port}, as in the image ref). */
    public Material material(String registry) throws PemException {
        List<X509Certificate> cas = new ArrayList<>();
        List<Path> caSources = new ArrayList<>();
        List<ClientKey> keys = new ArrayList<>();
        List<Path> clientSources = new ArrayList<>();
        List<Path> files = new ArrayList<>(caFiles);
        files.addAll(forRegistry(registryCaFiles, registry, List.of()));
        for (Path f : files) {
            cas.addAll(Pem.certificates(f));
            caSources.add(f);
        }
        ClientFiles explicit = forRegistry(clientFiles, registry, null);
        if (explicit != null) {
            keys.add(clientKey(explicit.certificate(), explicit.key()));
            clientSources.add(explicit.certificate());
        }
        String dirName = registry.toLowerCase(Locale.ROOT);
        boolean usableName = !dirName.isEmpty() && !dirName.contains("/") && !dirName.contains("\\")
                && !dirName.equals(".") && !dirName.equals("..");
        for (Path root : usableName ? certsDirectories : List.<Path>of()) {
            Path dir = root.resolve(dirName);
            if (!Files.isDirectory(dir)) {
                continue;
            }
            TreeSet<String> names = new TreeSet<>();
            try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
                for (Path e : entries) {
                    names.add(e.getFileName().toString());
                }
            } catch (IOException e) {
                throw new PemException("cannot list " + dir + ": " + e.getClass().getSimpleName());
            }
            for (String name : names) {
                Path f = dir.resolve(name);
                if (name.endsWith(".crt")) {
                    cas.addAll(Pem.certificates(f));
                    caSources.add(f);
                } else if (name.endsWith(".cert")) {
                    String base = name.substring(0, name.length() - ".cert".length());
                    if (!names.contains(base + ".key")) {
                        throw new PemException("missing key " + dir.resolve(base + ".key") + " for client"
                                + " certificate " + f + " (CA certificates must end in .crt)");
                    }
                    if (explicit == null) {
                        keys.add(clientKey(f, dir.resolve(base + ".key")));
                        clientSources.add(f);
                    }
                } else if (name.endsWith(".key")) {
                    String base = name.substring(0, name.length() - ".key".length());
                    if (!names.contains(base + ".cert")) {
                        throw new PemException("missing client certificate " + dir.resolve(base + ".cert")
                                + " for key " + f);
                    }
                }
            }
        }
        return new Material(cas, caSources, keys, clientSources);
    }

    private static ClientKey clientKey(Path certificate, Path key) throws PemException {
        List<X509Certificate> chain = Pem.certificates(certificate);
        PrivateKey k = Pem.privateKey(key);
        Pem.checkPair(chain.get(0), certificate, k, key);
        return new ClientKey(k, chain);
    }

    /** The value for {@code registry}: given for {@code host:port} exactly, else for its {@code host}. */
    private static <T> T forRegistry(Map<String, T> byRegistry, String registry, T otherwise) {
        for (Map.Entry<String, T> e : byRegistry.entrySet()) {
            if (e.getKey().equalsIgnoreCase(registry)) {
                return e.getValue();
            }
        }
        String host = PushSettings.hostOf(registry);
        for (Map.Entry<String, T> e : byRegistry.entrySet()) {
            if (e.getKey().equalsIgnoreCase(host)) {
                return e.getValue();
            }
        }
        return otherwise;
    }
}

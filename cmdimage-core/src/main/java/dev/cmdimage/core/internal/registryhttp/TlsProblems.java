package dev.cmdimage.core.internal.registryhttp;

import java.nio.file.Path;
import java.security.cert.CertPathBuilderException;
import java.security.cert.CertificateExpiredException;
import java.security.cert.CertificateNotYetValidException;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import javax.net.ssl.SSLException;

/**
 * The sentence for a TLS failure talking to a registry: what failed (untrusted issuer, expired, wrong host name,
 * client certificate required or refused) and what to do about it.
 */
public final class TlsProblems {
    private TlsProblems() {}

    /**
     * @param e        the failure
     * @param registry the registry as in the ref ({@code host[:port]})
     * @param apiHost  where its API is
     * @param what     the request, e.g. {@code GET /v2/}
     * @param material what the push trusted and offered
     * @return the sentence, or {@code null} when the failure is none of the known kinds
     */
    public static String describe(SSLException e, String registry, String apiHost, String what,
            RegistryTrust.Material material) {
        String certsD = "/etc/docker/certs.d/" + registry + "/";
        String trusted = material.caSources().isEmpty() ? "the JVM's default CAs"
                : "the JVM's default CAs and " + files(material.caSources());
        String head = "TLS failed talking to " + apiHost + " (" + what + "): ";
        if (has(e, CertificateExpiredException.class)) {
            return head + "a certificate of the registry has expired (" + cause(e, CertificateExpiredException.class)
                    + "); the registry's certificate must be renewed";
        }
        if (has(e, CertificateNotYetValidException.class)) {
            return head + "a certificate of the registry is not valid yet ("
                    + cause(e, CertificateNotYetValidException.class) + "); check this machine's clock";
        }
        if (has(e, CertPathBuilderException.class)) {
            return head + "its certificate is signed by an untrusted issuer (trusted: " + trusted + "); give the"
                    + " registry's CA certificate (cmdimage --registry-ca FILE, or RegistryHttpPusher.Builder"
                    + ".caCertificates), or put it in " + certsD + "ca.crt";
        }
        String wrongHost = messageStarting(e, "No subject alternative", "No name matching");
        if (wrongHost != null) {
            return head + "its certificate is not for the host name " + PushSettings.hostOf(apiHost) + " (wrong host"
                    + " name: " + wrongHost + "); use a name the certificate lists, or have the certificate"
                    + " reissued with this name";
        }
        String alert = messageContaining(e, "certificate_required", "bad_certificate", "certificate_unknown",
                "unknown_ca", "certificate required");
        if (alert != null) {
            if (material.offersClientCertificate()) {
                return head + "the registry refused the client certificate " + files(material.clientSource()) + " ("
                        + alert + "); it must be signed by a CA the registry accepts (http.tls.clientcas)";
            }
            return head + "the registry requires a client certificate and none was offered (" + alert + "); "
                    + giveClientCertificate(registry);
        }
        return null;
    }

    /**
     * With TLS 1.3 a server checks the client certificate after the handshake, and one that requires a certificate
     * and got none may just close the connection: the client sees a reset or a broken pipe, not the alert. The
     * hint to add to such a failure when no client certificate was offered, else {@code null}.
     */
    public static String closedHint(String registry, RegistryTrust.Material material) {
        return material.offersClientCertificate() ? null
                : "if the registry requires a client certificate (mutual TLS), none was offered: "
                        + giveClientCertificate(registry);
    }

    private static String giveClientCertificate(String registry) {
        return "give one (cmdimage --registry-cert " + registry + "=CERT,KEY, or RegistryHttpPusher.Builder"
                + ".clientCertificate), or put client.cert and client.key in /etc/docker/certs.d/" + registry + "/";
    }

    private static String files(List<Path> paths) {
        return paths.stream().map(Path::toString).collect(Collectors.joining(", "));
    }

    private static boolean has(Throwable e, Class<? extends Throwable> type) {
        return cause(e, type) != null;
    }

    private static String cause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return String.valueOf(t.getMessage());
            }
        }
        return null;
    }

    private static String messageStarting(Throwable e, String... prefixes) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            for (String p : prefixes) {
                if (m != null && m.startsWith(p)) {
                    return m;
                }
            }
        }
        return null;
    }

    private static String messageContaining(Throwable e, String... parts) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            for (String p : parts) {
                if (m != null && m.toLowerCase(Locale.ROOT).contains(p)) {
                    return m;
                }
            }
        }
        return null;
    }
}

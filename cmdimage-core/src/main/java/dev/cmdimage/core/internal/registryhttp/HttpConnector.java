package dev.cmdimage.core.internal.registryhttp;

import java.security.GeneralSecurityException;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;

/**
 * How a push's connections are made: directly (no proxy), within a connect timeout, and for HTTPS with a TLS
 * context (one made for a registry's certificates, or the JVM's default, taken on the first HTTPS connection so a
 * push over plain HTTP loads no TLS), host names verified and the server's name sent (SNI). Thread-safe.
 */
public final class HttpConnector {
    private final Duration connectTimeout;
    private volatile SSLContext context;

    /**
     * @param connectTimeout the longest wait for a TCP connection
     * @param context        the TLS context, or {@code null} for the JVM's default
     */
    public HttpConnector(Duration connectTimeout, SSLContext context) {
        this.connectTimeout = connectTimeout;
        this.context = context;
    }

    /** The longest wait for a TCP connection. */
    public Duration connectTimeout() {
        return connectTimeout;
    }

    /** The TLS context: the one given, else the JVM's default. */
    public SSLContext tlsContext() throws SSLException {
        SSLContext c = context;
        if (c == null) {
            try {
                c = SSLContext.getDefault();
            } catch (GeneralSecurityException e) {
                throw new SSLException("the JVM has no default TLS context: " + e.getMessage(), e);
            }
            context = c;
        }
        return c;
    }

    /**
     * The TLS parameters of a connection to {@code host} (without brackets): the context's defaults, the host name
     * verified against the certificate ({@code HTTPS} endpoint identification), and SNI naming the host unless it
     * is an IP address.
     */
    public SSLParameters tlsParameters(String host) throws SSLException {
        SSLParameters p = tlsContext().getDefaultSSLParameters();
        p.setEndpointIdentificationAlgorithm("HTTPS");
        if (!host.contains(":") && !host.matches("[0-9.]+")) {
            try {
                p.setServerNames(List.of(new SNIHostName(host)));
            } catch (IllegalArgumentException e) {
                // a name SNI cannot carry: the handshake goes without it, as with the JDK's HTTP client
            }
        }
        return p;
    }
}

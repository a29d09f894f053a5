package dev.cmdimage.core.internal.registryhttp;

import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.util.Locale;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;

/**
 * An open HTTP/1.1 connection to one origin: what a {@link RegistryExchange} talks on, and what a push keeps between
 * its requests to the same origin until it ends.
 */
final class RegistryConnection implements Closeable {
    private final String origin;
    private final Socket raw;
    private final InputStream in;
    private final OutputStream out;
    private final SSLSession session;

    /**
     * @param raw    the TCP socket (what closing closes)
     * @param socket what to talk on: {@code raw}, or the TLS socket over it
     */
    RegistryConnection(String origin, Socket raw, Socket socket) throws IOException {
        this.origin = origin;
        this.raw = raw;
        this.in = new BufferedInputStream(socket.getInputStream(), 8192);
        this.out = socket.getOutputStream();
        this.session = socket instanceof SSLSocket ? ((SSLSocket) socket).getSession() : null;
    }

    /** {@code scheme://host:port} of {@code uri}, the port made explicit: what a connection can be reused for. */
    static String origin(URI uri) {
        String scheme = uri.getScheme().toLowerCase(Locale.ROOT);
        int port = uri.getPort() != -1 ? uri.getPort() : scheme.equals("https") ? 443 : 80;
        return scheme + "://" + uri.getHost().toLowerCase(Locale.ROOT) + ":" + port;
    }

    String origin() {
        return origin;
    }

    Socket raw() {
        return raw;
    }

    InputStream in() {
        return in;
    }

    OutputStream out() {
        return out;
    }

    /** The TLS session, or {@code null} over plain HTTP. */
    SSLSession session() {
        return session;
    }

    @Override
    public void close() {
        try {
            raw.close();
        } catch (IOException ignored) {
            // closed either way
        }
    }
}

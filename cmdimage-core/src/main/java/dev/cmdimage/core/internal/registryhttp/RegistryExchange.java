package dev.cmdimage.core.internal.registryhttp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;

/**
 * One HTTP/1.1 request and its answer, on a new connection made by an {@link HttpConnector} or on one kept from an
 * earlier request to the same origin. With keep-alive the connection is handed back ({@link #kept()}) when the
 * answer was read to its end and the registry did not close it; without, the request says {@code Connection: close}.
 * A kept connection the registry closed meanwhile fails with {@link StaleConnection} before anything was answered,
 * so the request can go again on a new one.
 *
 * <p>A body is streamed from a stream of known length in buffers of a fixed size, so memory stays the same whatever
 * its size; its last bytes go out only after the stream reached its end, so a stream that fails there (a blob whose
 * hash is wrong) never sends a complete body. A failure of the stream is a {@link SourceFailure}. The answer is read
 * by {@link RegistryAnswer}.
 *
 * <p>Everything, from connecting to the end of the answer, ends by the timeout: then the connection is closed (also
 * when the registry stopped reading the body or never answers) and the exchange fails with an
 * {@link HttpTimeoutException} ({@link HttpConnectTimeoutException} when connecting took longer than the connect
 * timeout). {@link #abort()} closes it at once, and so does an interrupt of the thread exchanging. Redirects are
 * answers like any other.
 */
final class RegistryExchange {
    /** The size of the buffer a body is sent from. */
    static final int BUFFER = 256 * 1024;

    /** A kept connection that the registry closed before answering: the request may go again on a new one. */
    static final class StaleConnection extends IOException {
        private static final long serialVersionUID = 1L;

        StaleConnection(IOException cause) {
            super("the kept connection was closed: " + cause.getMessage(), cause);
        }
    }

    /** A failure reading the body's stream (the layout), not the connection's. */
    static final class SourceFailure extends IOException {
        private static final long serialVersionUID = 1L;

        SourceFailure(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    private static final long INTERRUPT_CHECK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private final HttpConnector connector;
    private final String method;
    private final URI uri;
    private final Duration timeout;
    private final boolean keepAlive;
    private final RegistryConnection reuse;
    private final Object lock = new Object();
    private Socket socket;
    private boolean closed;
    private volatile boolean timedOut;
    private RegistryConnection kept;

    /**
     * @param method    the request method, e.g. {@code PUT}
     * @param uri       the request's URI, {@code http} or {@code https}
     * @param timeout   the bound of the whole exchange
     * @param keepAlive whether the connection may stay open for the next request
     * @param reuse     a connection kept to {@code uri}'s origin, or {@code null} for a new one
     */
    RegistryExchange(HttpConnector connector, String method, URI uri, Duration timeout, boolean keepAlive,
            RegistryConnection reuse) {
        this.connector = connector;
        this.method = method;
        this.uri = uri;
        this.timeout = timeout;
        this.keepAlive = keepAlive;
        this.reuse = reuse;
    }

    /** The connection to keep for the next request to the same origin, once the exchange ended well; or null. */
    RegistryConnection kept() {
        return kept;
    }

    /** Closes the connection at once; the exchange in progress fails. Any thread. */
    void abort() {
        synchronized (lock) {
            closed = true;
            closeQuietly(socket);
        }
    }

    /**
     * Sends the request with {@code headers} (besides {@code Host}, {@code Content-Length} and {@code Connection})
     * and {@code length} bytes of {@code body}, and reads the answer.
     *
     * @param body {@code null} for none
     * @throws HttpTimeoutException        when the timeout ended the exchange
     * @throws HttpConnectTimeoutException when connecting took longer than the connect timeout
     * @throws SourceFailure               when reading {@code body} failed
     * @throws IllegalArgumentException    when a header holds a line break
     */
    HttpResponse<InputStream> send(Map<String, String> headers, InputStream body, long length) throws IOException {
        headers.forEach((name, value) -> {
            if (name.indexOf('\r') >= 0 || name.indexOf('\n') >= 0 || value.indexOf('\r') >= 0
                    || value.indexOf('\n') >= 0) {
                throw new IllegalArgumentException("invalid header " + name);
            }
        });
        long deadline = System.nanoTime() + timeout.toNanos();
        Thread watchdog = watchdog(deadline);
        try {
            return exchange(headers, body, length, deadline);
        } catch (SourceFailure e) {
            throw e;
        } catch (IOException e) {
            if (timedOut) {
                HttpTimeoutException t = new HttpTimeoutException("request timed out");
                t.initCause(e);
                throw t;
            }
            throw e;
        } finally {
            watchdog.interrupt();
            try {
                watchdog.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (lock) {
                if (closed || watchdog.isAlive()) {
                    kept = null; // cut off by the deadline, an interrupt or cancellation
                } else if (kept != null) {
                    socket = null; // no longer this exchange's to close
                }
            }
            if (kept == null) {
                abort();
            }
        }
    }

    /**
     * Closes the connection at {@code deadline}, or as soon as the exchanging thread is interrupted (blocking socket
     * I/O does not notice), unless the exchange ended first (which interrupts the watchdog).
     */
    private Thread watchdog(long deadline) {
        Thread caller = Thread.currentThread();
        Thread t = new Thread(() -> {
            try {
                for (long left = deadline - System.nanoTime(); left > 0; left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.sleep(Math.min(left, INTERRUPT_CHECK_NANOS));
                    if (caller.isInterrupted()) {
                        abort();
                        return;
                    }
                }
                timedOut = true;
                abort();
            } catch (InterruptedException e) {
                // the exchange ended first
            }
        }, "cmdimage-registry-http-watchdog");
        t.setDaemon(true);
        t.setContextClassLoader(null);
        t.start();
        return t;
    }

    private HttpResponse<InputStream> exchange(Map<String, String> headers, InputStream body, long length,
            long deadline) throws IOException {
        RegistryConnection c = reuse;
        Socket raw = reuse != null ? reuse.raw() : new Socket(Proxy.NO_PROXY);
        synchronized (lock) {
            if (closed) {
                raw.close();
                throw new IOException("closed");
            }
            socket = raw;
        }
        if (c == null) {
            c = connect(raw, deadline);
        }
        try {
            OutputStream out = c.out();
            out.write(head(headers, body == null ? -1 : length));
            if (body != null) {
                sendBody(body, length, out);
            }
            out.flush();
        } catch (SourceFailure e) {
            throw e;
        } catch (IOException e) {
            if (reuse != null && !aborted()) {
                throw new StaleConnection(e);
            }
            // a registry may answer an error before reading the whole body and close the connection, or a TLS
            // registry send an alert (a client certificate required) after the handshake
            try {
                return RegistryAnswer.read(c.in(), method, uri, c.session());
            } catch (SSLException alert) {
                throw alert;
            } catch (IOException none) {
                throw e;
            }
        }
        if (reuse != null) {
            awaitAnswer(c.in());
        }
        RegistryAnswer answer = RegistryAnswer.read(c.in(), method, uri, c.session());
        if (keepAlive && answer.reusable()) {
            kept = c;
        }
        return answer;
    }

    /** Waits for the first byte of the answer on a kept connection: none (it was closed) is a stale connection. */
    private void awaitAnswer(InputStream in) throws IOException {
        int first;
        try {
            in.mark(1);
            first = in.read();
            in.reset();
        } catch (IOException e) {
            if (aborted()) {
                throw e;
            }
            throw new StaleConnection(e);
        }
        if (first < 0) {
            throw new StaleConnection(new EOFException("closed before answering"));
        }
    }

    private boolean aborted() {
        synchronized (lock) {
            return closed;
        }
    }

    /**
     * Connects {@code raw} and, for HTTPS, completes the TLS handshake on it, both within the connect timeout (as
     * the JDK's HTTP client counts it) and the exchange's deadline.
     */
    private RegistryConnection connect(Socket raw, long deadline) throws IOException {
        boolean https = "https".equalsIgnoreCase(uri.getScheme());
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        InetSocketAddress address = new InetSocketAddress(host, port);
        if (address.isUnresolved()) {
            throw new ConnectException("unknown host " + host);
        }
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        long limit = connector.connectTimeout().toMillis();
        boolean byConnectTimeout = limit <= left;
        long connectDeadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.min(limit, left));
        try {
            raw.connect(address, millisUntil(connectDeadline));
            raw.setTcpNoDelay(true);
            if (!https) {
                return new RegistryConnection(RegistryConnection.origin(uri), raw, raw);
            }
            SSLSocket tls = (SSLSocket) connector.tlsContext().getSocketFactory().createSocket(raw, host, port, true);
            tls.setSSLParameters(connector.tlsParameters(host));
            raw.setSoTimeout(millisUntil(connectDeadline));
            tls.startHandshake();
            raw.setSoTimeout(0);
            return new RegistryConnection(RegistryConnection.origin(uri), raw, tls);
        } catch (SocketTimeoutException e) {
            IOException t = byConnectTimeout ? new HttpConnectTimeoutException("HTTP connect timed out")
                    : new HttpTimeoutException("request timed out");
            t.initCause(e);
            throw t;
        }
    }

    private static int millisUntil(long nanoTime) {
        long millis = TimeUnit.NANOSECONDS.toMillis(nanoTime - System.nanoTime());
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, millis));
    }

    /** The request line and headers; {@code length} -1: no body. */
    private byte[] head(Map<String, String> headers, long length) {
        String target = uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        StringBuilder b = new StringBuilder(256 + target.length())
                .append(method).append(' ').append(target).append(" HTTP/1.1\r\n")
                .append("Host: ").append(uri.getHost()).append(uri.getPort() == -1 ? "" : ":" + uri.getPort())
                .append("\r\n");
        headers.forEach((name, value) -> b.append(name).append(": ").append(value).append("\r\n"));
        if (length >= 0 || !method.equals("GET") && !method.equals("HEAD")) {
            b.append("Content-Length: ").append(Math.max(0, length)).append("\r\n");
        }
        b.append(keepAlive ? "\r\n" : "Connection: close\r\n\r\n");
        return b.toString().getBytes(StandardCharsets.ISO_8859_1);
    }

    /** The body; its last bytes are sent only once {@code body} has ended where it should. */
    private static void sendBody(InputStream body, long length, OutputStream out) throws IOException {
        byte[] buf = new byte[(int) Math.min(BUFFER, Math.max(1, length))];
        if (length == 0) {
            expectEnd(body, length);
        }
        for (long sent = 0; sent < length; ) {
            int want = (int) Math.min(buf.length, length - sent);
            int filled = fill(body, buf, want);
            if (filled < want) {
                throw new SourceFailure(new EOFException("the blob ended after " + (sent + filled) + " of its "
                        + length + " bytes"));
            }
            if (sent + filled == length) {
                expectEnd(body, length);
            }
            out.write(buf, 0, filled);
            sent += filled;
        }
    }

    private static int fill(InputStream body, byte[] buf, int want) throws SourceFailure {
        int filled = 0;
        try {
            while (filled < want) {
                int n = body.read(buf, filled, want - filled);
                if (n < 0) {
                    break;
                }
                filled += n;
            }
        } catch (IOException e) {
            throw new SourceFailure(e);
        }
        return filled;
    }

    private static void expectEnd(InputStream body, long length) throws SourceFailure {
        int next;
        try {
            next = body.read();
        } catch (IOException e) {
            throw new SourceFailure(e);
        }
        if (next >= 0) {
            throw new SourceFailure(new IOException("the blob is longer than its " + length + " bytes"));
        }
    }

    private static void closeQuietly(Socket s) {
        if (s != null) {
            try {
                s.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }
    }
}

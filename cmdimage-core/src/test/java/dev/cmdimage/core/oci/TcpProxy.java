package dev.cmdimage.core.oci;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A byte-for-byte TCP proxy on loopback in front of a registry: counts the HTTP requests it passes (by their
 * request lines) and can drop dead, closing every connection and its port, once a number of bytes went through.
 */
final class TcpProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicLong upstreamBytes = new AtomicLong();
    private final StringBuffer clientText = new StringBuffer();
    volatile long dieAfterBytes = Long.MAX_VALUE;
    private volatile boolean dead;

    TcpProxy(String targetDomain) throws IOException {
        this(targetDomain, InetAddress.getLoopbackAddress());
    }

    /** A proxy listening on {@code bind} (e.g. 127.0.0.2, a loopback address a certificate does not name). */
    TcpProxy(String targetDomain, InetAddress bind) throws IOException {
        int colon = targetDomain.lastIndexOf(':');
        target = new InetSocketAddress(targetDomain.substring(0, colon),
                Integer.parseInt(targetDomain.substring(colon + 1)));
        server = new ServerSocket(0, 50, bind);
        Thread accept = new Thread(this::acceptLoop, "tcp-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    String domain() {
        return server.getInetAddress().getHostAddress() + ":" + server.getLocalPort();
    }

    boolean dead() {
        return dead;
    }

    /** How many requests starting with {@code prefix} (e.g. {@code "POST /v2/"}) passed. */
    int count(String prefix) {
        String text = clientText.toString();
        int n = 0;
        for (int i = text.indexOf(prefix); i >= 0; i = text.indexOf(prefix, i + 1)) {
            if (i == 0 || text.charAt(i - 1) == '\n') {
                n++;
            }
        }
        return n;
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5000);
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream, true);
                pump(upstream, client, false);
            } catch (IOException e) {
                return;
            }
        }
    }

    private void pump(Socket from, Socket to, boolean fromClient) {
        Thread t = new Thread(() -> {
            byte[] buf = new byte[16 * 1024];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buf)) > 0) {
                    if (fromClient) {
                        // request lines and headers are ASCII; bodies add noise the counting ignores
                        // a request starts a read of its own (the client waits for each answer): mark the boundary
                        clientText.append('\n').append(new String(buf, 0, Math.min(n, 512),
                                StandardCharsets.ISO_8859_1));
                        if (upstreamBytes.addAndGet(n) > dieAfterBytes) {
                            die();
                            return;
                        }
                    }
                    out.write(buf, 0, n);
                    out.flush();
                }
            } catch (IOException ignored) {
                // a side closed
            } finally {
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "tcp-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    /** Closes the port and every connection at once, like a registry that crashed. */
    void die() {
        dead = true;
        closeQuietly(server);
        for (Socket s : sockets) {
            try {
                s.setSoLinger(true, 0); // RST, not FIN
            } catch (IOException ignored) {
                // closed already
            }
            closeQuietly(s);
        }
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // nothing to do
        }
    }

    @Override
    public void close() {
        die();
    }
}

package dev.cmdimage.core.oci;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;

/**
 * A registry stand-in on a {@link ServerSocket} that keeps connections alive unless told to close them:
 * {@code GET /v2/} answers 200, a blob's {@code HEAD} 404, {@code POST} opens an upload, a manifest's {@code PUT} is
 * stored; what a blob upload's {@code PUT} gets is up to the test ({@link #upload}), which sees every byte of it and
 * writes every byte of the answer. Lower level than {@link FakeRegistry}: for the wire behaviour.
 */
final class StandInRegistry implements AutoCloseable {
    /** What the stand-in does with a blob upload's {@code PUT} once its head was read. */
    interface Upload {
        void handle(Request request, InputStream body, OutputStream out) throws IOException;
    }

    /** A request's head. */
    record Request(String method, String target, Map<String, String> headers) {
        String path() {
            int q = target.indexOf('?');
            return q < 0 ? target : target.substring(0, q);
        }

        String digestParameter() {
            return target.replaceAll(".*[?&]digest=([^&]+).*", "$1").replace("%3A", ":");
        }

        long contentLength() {
            return Long.parseLong(headers.getOrDefault("content-length", "0"));
        }
    }

    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    /** {@code METHOD path} of every request, in order. */
    final List<String> requests = new CopyOnWriteArrayList<>();
    /** Every blob upload's head. */
    final List<Request> uploads = new CopyOnWriteArrayList<>();
    /** The body bytes of each blob upload that arrived before its end or the connection's. */
    final List<Long> uploadBytes = new CopyOnWriteArrayList<>();
    volatile Upload upload = this::store;
    /** Connections accepted, and still open. */
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger open = new AtomicInteger();
    /** When set, each connection is closed after one answer that did not say so (as after an idle timeout). */
    volatile boolean closeAfterEachAnswer;
    /** When set, the scheme and authority of the upload locations (else they are relative). */
    volatile String uploadOrigin;
    /** When set, the base64 {@code user:password} every request must bring (else 401 with a Basic challenge). */
    volatile String basicAuth;

    StandInRegistry() throws IOException {
        this(null);
    }

    /** A stand-in speaking TLS with {@code tls}'s key and certificate ({@code null}: plain HTTP). */
    StandInRegistry(SSLContext tls) throws IOException {
        server = tls == null ? new ServerSocket() : tls.getServerSocketFactory().createServerSocket();
        // a small, fixed receive buffer: a stand-in that stops reading makes the client's writes block soon
        server.setReceiveBufferSize(64 * 1024);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
        Thread accept = new Thread(this::acceptLoop, "stand-in-registry-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** {@code 127.0.0.1:<port>}. */
    String domain() {
        return "127.0.0.1:" + server.getLocalPort();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                sockets.add(s);
                Thread t = new Thread(() -> serve(s), "stand-in-registry");
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        connections.incrementAndGet();
        open.incrementAndGet();
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = s.getOutputStream();
            for (Request r = readHead(in); r != null; r = readHead(in)) {
                handle(r, in, out);
                out.flush();
                if (closeAfterEachAnswer || "close".equalsIgnoreCase(r.headers().get("connection"))) {
                    return;
                }
            }
        } catch (IOException e) {
            // the client went away
        } finally {
            open.decrementAndGet();
        }
    }

    private void handle(Request r, InputStream in, OutputStream out) throws IOException {
        requests.add(r.method() + " " + r.path());
        String path = r.path();
        String auth = basicAuth;
        if (auth != null && !("Basic " + auth).equals(r.headers().get("authorization"))) {
            out.write(("HTTP/1.1 401 Unauthorized\r\nWWW-Authenticate: Basic realm=\"stand-in\"\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } else if (path.equals("/v2/")) {
            answer(out, 200, "application/json", "{}");
        } else if (r.method().equals("HEAD")) {
            answer(out, 404, null, null);
        } else if (r.method().equals("POST") && path.endsWith("/blobs/uploads/")) {
            String id = UUID.randomUUID().toString();
            String origin = uploadOrigin == null ? "" : uploadOrigin;
            out.write(("HTTP/1.1 202 Accepted\r\nLocation: " + origin + path + id + "?_state=s-" + id
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } else if (r.method().equals("PUT") && path.contains("/blobs/uploads/")) {
            uploads.add(r);
            upload.handle(r, in, out);
        } else if (r.method().equals("PUT") && path.contains("/manifests/")) {
            byte[] body = in.readNBytes((int) r.contentLength());
            out.write(("HTTP/1.1 201 Created\r\nDocker-Content-Digest: " + sha256(body)
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        } else {
            answer(out, 404, "application/json", errors("NOT_FOUND", "no route"));
        }
    }

    /** The default upload: the whole body, then 201 with the digest asked for as the registry's. */
    void store(Request r, InputStream body, OutputStream out) throws IOException {
        if (drain(body, r.contentLength()) == r.contentLength()) {
            out.write(("HTTP/1.1 201 Created\r\nDocker-Content-Digest: " + r.digestParameter()
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        }
    }

    /** Reads up to {@code n} body bytes, records how many came (until the end or a closed connection). */
    long drain(InputStream body, long n) {
        byte[] buf = new byte[64 * 1024];
        long got = 0;
        try {
            while (got < n) {
                int r = body.read(buf, 0, (int) Math.min(buf.length, n - got));
                if (r < 0) {
                    break;
                }
                got += r;
            }
        } catch (IOException e) {
            // the connection closed under the read
        }
        uploadBytes.add(got);
        return got;
    }

    static void answer(OutputStream out, int status, String contentType, String body) throws IOException {
        byte[] b = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
        out.write(("HTTP/1.1 " + status + " X\r\n" + (contentType == null ? "" : "Content-Type: " + contentType
                + "\r\n") + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
    }

    /** An answer with a chunked body, cut into pieces of {@code piece} bytes. */
    static void answerChunked(OutputStream out, int status, String body, int piece) throws IOException {
        out.write(("HTTP/1.1 " + status + " X\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        for (int i = 0; i < b.length; i += piece) {
            int n = Math.min(piece, b.length - i);
            out.write((Integer.toHexString(n) + ";ext=1\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(b, i, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }

    static String errors(String code, String message) {
        return "{\"errors\":[{\"code\":\"" + code + "\",\"message\":\"" + message + "\",\"detail\":null}]}";
    }

    private static Request readHead(InputStream in) throws IOException {
        String first = line(in);
        if (first == null || first.isEmpty()) {
            return null;
        }
        String[] parts = first.split(" ");
        Map<String, String> headers = new TreeMap<>();
        for (String l = line(in); l != null && !l.isEmpty(); l = line(in)) {
            int colon = l.indexOf(':');
            headers.put(l.substring(0, colon).trim().toLowerCase(Locale.ROOT), l.substring(colon + 1).trim());
        }
        return new Request(parts[0], parts[1], headers);
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
            }
            if (c != '\r') {
                b.write(c);
            }
        }
        return b.toString(StandardCharsets.ISO_8859_1);
    }

    static String sha256(byte[] bytes) {
        try {
            return "sha256:" + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }
}

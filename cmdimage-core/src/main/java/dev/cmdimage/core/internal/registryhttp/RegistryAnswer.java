package dev.cmdimage.core.internal.registryhttp;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLSession;

/**
 * A registry's answer to one request of a {@link RegistryExchange}: the status and headers (interim 1xx answers
 * skipped; at most {@link #MAX_HEAD} bytes of them) and at most {@link #MAX_BODY} bytes of the body, in memory, read
 * by its {@code Content-Length}, chunked, or until the connection closes. A body cut short gives what came: the
 * status counts, and error text is quoted only when it is whole.
 *
 * @param method   the request's method
 * @param uri      the request's URI
 * @param reusable whether the connection may carry another request: HTTP/1.1, not {@code Connection: close}, and the
 *                 body read to its end
 */
record RegistryAnswer(String method, int statusCode, HttpHeaders headers, InputStream body, URI uri,
        Optional<SSLSession> sslSession, boolean reusable) implements HttpResponse<InputStream> {
    /** At most this much of an answer's body is kept. */
    static final int MAX_BODY = 64 * 1024;
    /** The largest status line and headers read. */
    static final int MAX_HEAD = 64 * 1024;

    /** Reads the answer to a {@code method} request from {@code in}. */
    static RegistryAnswer read(InputStream in, String method, URI uri, SSLSession session) throws IOException {
        int[] budget = {MAX_HEAD};
        while (true) {
            String statusLine = line(in, budget, true);
            int status = statusCode(statusLine);
            Map<String, List<String>> headers = headers(in, budget);
            if (status >= 200) {
                HttpHeaders h = HttpHeaders.of(headers, (name, value) -> true);
                Body body = method.equals("HEAD") || status == 204 || status == 304 ? new Body(new byte[0], true)
                        : body(in, h);
                boolean close = h.allValues("Connection").stream()
                        .anyMatch(v -> v.toLowerCase(Locale.ROOT).contains("close"));
                boolean reusable = statusLine.startsWith("HTTP/1.1 ") && !close && body.complete();
                return new RegistryAnswer(method, status, h, new ByteArrayInputStream(body.bytes()), uri,
                        Optional.ofNullable(session), reusable);
            }
            // an interim answer (100 Continue): the real one follows
        }
    }

    /** What was kept of a body, and whether it was read to its end. */
    private record Body(byte[] bytes, boolean complete) {}

    @Override
    public HttpRequest request() {
        return HttpRequest.newBuilder(uri).method(method, HttpRequest.BodyPublishers.noBody()).build();
    }

    @Override
    public Optional<HttpResponse<InputStream>> previousResponse() {
        return Optional.empty();
    }

    @Override
    public HttpClient.Version version() {
        return HttpClient.Version.HTTP_1_1;
    }

    private static int statusCode(String line) throws IOException {
        // HTTP/1.1 201 Created
        if (!line.startsWith("HTTP/1.") || line.length() < 12 || line.charAt(8) != ' ') {
            throw new IOException("the registry's answer does not start with an HTTP/1.x status line");
        }
        try {
            return Integer.parseInt(line.substring(9, 12));
        } catch (NumberFormatException e) {
            throw new IOException("the registry's answer has no status code in its status line", e);
        }
    }

    private static Map<String, List<String>> headers(InputStream in, int[] budget) throws IOException {
        Map<String, List<String>> headers = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
        for (String line = line(in, budget, false); !line.isEmpty(); line = line(in, budget, false)) {
            int colon = line.indexOf(':');
            if (colon <= 0) {
                continue; // not a header; as lenient as the JDK's client with folded lines
            }
            headers.computeIfAbsent(line.substring(0, colon).trim(), k -> new ArrayList<>())
                    .add(line.substring(colon + 1).trim());
        }
        return headers;
    }

    /** One line without its CRLF; the head may not exceed {@link #MAX_HEAD} bytes. */
    private static String line(InputStream in, int[] budget, boolean first) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream(64);
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0) {
                throw new EOFException(first && b.size() == 0 ? "the registry closed the connection without answering"
                        : "the registry closed the connection in the middle of its answer's head");
            }
            if (--budget[0] < 0) {
                throw new IOException("the head of the registry's answer is larger than " + MAX_HEAD + " bytes");
            }
            b.write(c);
        }
        String line = b.toString(StandardCharsets.ISO_8859_1);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /**
     * At most {@link #MAX_BODY} bytes of the body; what came when it was cut short. Complete only when its length
     * was known (by {@code Content-Length} or chunks) and it was read to its end, trailers included.
     */
    private static Body body(InputStream in, HttpHeaders h) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        try {
            if (h.firstValue("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))
                    .orElse(false)) {
                int[] budget = {MAX_HEAD};
                while (true) {
                    String size = line(in, budget, false);
                    int semicolon = size.indexOf(';');
                    long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                    if (n == 0) {
                        while (!line(in, budget, false).isEmpty()) {
                            // a trailer: dropped
                        }
                        return new Body(kept.toByteArray(), true);
                    }
                    if (copy(in, kept, n) < n) {
                        return new Body(kept.toByteArray(), false);
                    }
                    line(in, budget, false);
                }
            }
            long n = h.firstValueAsLong("Content-Length").orElse(-1);
            boolean whole = copy(in, kept, n < 0 ? Long.MAX_VALUE : n) == n;
            return new Body(kept.toByteArray(), whole);
        } catch (IOException | NumberFormatException e) {
            // what came is what there is
            return new Body(kept.toByteArray(), false);
        }
    }

    /**
     * Reads {@code n} bytes (fewer at the end of the stream, or once {@link #MAX_BODY} are kept), keeping them in
     * {@code kept}; how many were read.
     */
    private static long copy(InputStream in, ByteArrayOutputStream kept, long n) throws IOException {
        byte[] buf = new byte[8192];
        long read = 0;
        while (read < n && kept.size() < MAX_BODY) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, Math.min(n - read, MAX_BODY - kept.size())));
            if (r < 0) {
                break;
            }
            kept.write(buf, 0, r);
            read += r;
        }
        return read;
    }
}

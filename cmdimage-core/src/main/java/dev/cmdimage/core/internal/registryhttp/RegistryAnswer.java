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
 * @param method the request's method
 * @param uri    the request's URI
 */
record RegistryAnswer(String method, int statusCode, HttpHeaders headers, InputStream body, URI uri,
        Optional<SSLSession> sslSession) implements HttpResponse<InputStream> {
    /** At most this much of an answer's body is kept. */
    static final int MAX_BODY = 64 * 1024;
    /** The largest status line and headers read. */
    static final int MAX_HEAD = 64 * 1024;

    /** Reads the answer to a {@code method} request from {@code in}. */
    static RegistryAnswer read(InputStream in, String method, URI uri, SSLSession session) throws IOException {
        int[] budget = {MAX_HEAD};
        while (true) {
            int status = statusCode(line(in, budget, true));
            Map<String, List<String>> headers = headers(in, budget);
            if (status >= 200) {
                HttpHeaders h = HttpHeaders.of(headers, (name, value) -> true);
                byte[] body = method.equals("HEAD") || status == 204 || status == 304 ? new byte[0] : body(in, h);
                return new RegistryAnswer(method, status, h, new ByteArrayInputStream(body), uri,
                        Optional.ofNullable(session));
            }
            // an interim answer (100 Continue): the real one follows
        }
    }

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

    /** At most {@link #MAX_BODY} bytes of the body; what came when it was cut short. */
    private static byte[] body(InputStream in, HttpHeaders h) {
        ByteArrayOutputStream kept = new ByteArrayOutputStream();
        try {
            if (h.firstValue("Transfer-Encoding").map(v -> v.toLowerCase(Locale.ROOT).contains("chunked"))
                    .orElse(false)) {
                int[] budget = {MAX_HEAD};
                while (kept.size() < MAX_BODY) {
                    String size = line(in, budget, false);
                    int semicolon = size.indexOf(';');
                    long n = Long.parseLong((semicolon < 0 ? size : size.substring(0, semicolon)).trim(), 16);
                    if (n == 0) {
                        break;
                    }
                    copy(in, kept, n);
                    line(in, budget, false);
                }
            } else {
                long n = h.firstValueAsLong("Content-Length").orElse(Long.MAX_VALUE);
                copy(in, kept, n);
            }
        } catch (IOException | NumberFormatException e) {
            // what came is what there is
        }
        return kept.toByteArray();
    }

    /** Copies {@code n} bytes (fewer at the end of the stream), keeping up to {@link #MAX_BODY} in {@code kept}. */
    private static void copy(InputStream in, ByteArrayOutputStream kept, long n) throws IOException {
        byte[] buf = new byte[8192];
        for (long left = n; left > 0 && kept.size() < MAX_BODY; ) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, Math.min(left, MAX_BODY - kept.size())));
            if (r < 0) {
                return;
            }
            kept.write(buf, 0, r);
            left -= r;
        }
    }
}

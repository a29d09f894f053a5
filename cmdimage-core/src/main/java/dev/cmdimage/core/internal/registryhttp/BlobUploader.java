package dev.cmdimage.core.internal.registryhttp;

import dev.cmdimage.api.PushException;
import dev.cmdimage.core.internal.oci.Descriptor;
import dev.cmdimage.core.internal.oci.LayoutException;
import dev.cmdimage.core.internal.oci.OciLayout;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The blobs of one push: whether the registry has one ({@code HEAD}; only a 200 counts, also at the end of a
 * redirect), and the upload of one that it lacks (a {@code POST} to open the upload, then one streaming {@code PUT}
 * with the digest; the bytes are hashed while read and the upload fails if they are not the descriptor's).
 */
public final class BlobUploader {
    private static final Logger LOG = LoggerFactory.getLogger(BlobUploader.class);
    /** Redirects followed from a blob's {@code HEAD} before giving up and uploading. */
    static final int MAX_REDIRECTS = 5;

    private final RegistryClient client;
    private final RegistryTransport transport;
    private final PushFailures failures;

    /** Blobs pushed through {@code client}, which has been {@linkplain RegistryClient#start() started}. */
    public BlobUploader(RegistryClient client) {
        this.client = client;
        this.transport = client.transport();
        this.failures = client.failures();
    }

    /**
     * Whether the registry already has the blob: its {@code HEAD} answers 200 (404: it has not). A redirect (a
     * registry whose blobs live in object storage) is followed, without the registry's credentials unless it stays
     * on the registry's origin, and counts only when its target answers 200; any other end means "upload it".
     */
    public boolean exists(Descriptor d) throws PushException {
        String path = client.repositoryPath() + "/blobs/" + d.digest();
        HttpResponse<InputStream> r = client.send("HEAD", URI.create(client.base() + path), null, null, true);
        RegistryTransport.close(r);
        int s = r.statusCode();
        if (s == 200) {
            return true;
        }
        if (s == 404) {
            return false;
        }
        if (isRedirect(s)) {
            return existsAfterRedirect(r, d);
        }
        throw failures.fail(failures.statusProblem(r, "HEAD " + path, null));
    }

    private static boolean isRedirect(int s) {
        return s == 301 || s == 302 || s == 303 || s == 307 || s == 308;
    }

    private boolean existsAfterRedirect(HttpResponse<InputStream> redirect, Descriptor d) throws PushException {
        HttpResponse<InputStream> r = redirect;
        for (int hop = 1; hop <= MAX_REDIRECTS; hop++) {
            String location = r.headers().firstValue("Location").orElse(null);
            if (location == null) {
                LOG.debug("HEAD of {} answered HTTP {} without a Location; uploading it", d.digest(), r.statusCode());
                return false;
            }
            URI target;
            try {
                target = r.uri().resolve(location);
            } catch (IllegalArgumentException e) {
                LOG.debug("HEAD of {} redirected to an unusable Location; uploading it", d.digest());
                return false;
            }
            if (!transport.schemeAllowed(target)) {
                LOG.debug("HEAD of {} redirected to {}://{}, not HTTPS; uploading it", d.digest(), target.getScheme(),
                        target.getRawAuthority());
                return false;
            }
            Map<String, String> headers = new LinkedHashMap<>();
            client.authenticator().header(target).ifPresent(h -> headers.put("Authorization", h));
            try {
                r = transport.exchange("HEAD", target, headers, null, transport.settings().requestTimeout(),
                        "HEAD " + target.getRawPath());
            } catch (IOException e) {
                LOG.debug("HEAD of {} at its redirect target failed ({}); uploading it", d.digest(),
                        failures.mask(e.toString()));
                return false;
            }
            RegistryTransport.close(r);
            if (!isRedirect(r.statusCode())) {
                return r.statusCode() == 200;
            }
        }
        LOG.debug("HEAD of {} redirected more than {} times; uploading it", d.digest(), MAX_REDIRECTS);
        return false;
    }

    /**
     * Uploads a blob from the layout: POST to open an upload, then one streaming PUT with the digest; the bytes
     * are hashed while read and the upload fails if they are not the descriptor's. Retried as a whole on 5xx
     * and broken connections.
     */
    public void upload(Descriptor d, OciLayout layout) throws PushException {
        String post = client.repositoryPath() + "/blobs/uploads/";
        PushSettings settings = transport.settings();
        for (int attempt = 1; ; attempt++) {
            HttpResponse<InputStream> opened = client.send("POST", URI.create(client.base() + post), null, null,
                    true);
            if (opened.statusCode() != 202) {
                throw failures.fail(failures.statusProblem(opened, "POST " + post, transport.readErrors(opened)));
            }
            RegistryTransport.close(opened);
            String location = opened.headers().firstValue("Location").orElse(null);
            if (location == null) {
                throw failures.fail("the registry opened an upload (POST " + post + ") but sent no Location");
            }
            URI uploadUri = client.base().resolve(location);
            transport.checkScheme(uploadUri, "upload location");
            String sep = uploadUri.getRawQuery() == null ? "?" : "&";
            URI put = URI.create(uploadUri + sep + "digest=" + URLEncoder.encode(d.digest(), StandardCharsets.UTF_8));
            String what = "PUT " + uploadUri.getRawPath();

            Duration timeout = settings.requestTimeout()
                    .plusSeconds(d.size() / settings.minimumUploadRate());
            HttpResponse<InputStream> done;
            VerifyingInputStream stream = null;
            try {
                stream = new VerifyingInputStream(layout.openBlob(d.digest()), d.digest(), d.size());
                done = transport.putBlob(put, client.authenticator().header(put).orElse(null), stream, d.size(),
                        timeout, what);
            } catch (IOException | LayoutException e) {
                if (stream != null && stream.failure() != null) {
                    throw failures.fail(stream.failure().getMessage());
                }
                IOException local = RegistryTransport.localCause(e);
                if (e instanceof RegistryExchange.SourceFailure || e instanceof LayoutException || local != null) {
                    String why = local != null ? local.getMessage() : e.getMessage();
                    throw failures.fail("cannot read blob " + d.digest() + " from the layout: " + why);
                }
                IOException io = (IOException) e;
                if (RegistryTransport.retryable(io) && attempt < settings.maxAttempts()) {
                    LOG.debug("upload of {} to {} failed ({}); attempt {} of {}", d.digest(), client.registry(),
                            failures.mask(io.toString()), attempt + 1, settings.maxAttempts());
                    transport.backoff(attempt);
                    continue;
                }
                throw failures.fail(transport.ioProblem(io, what, attempt, timeout));
            } finally {
                closeQuietly(stream);
            }
            int s = done.statusCode();
            if (s == 201 || s == 204) {
                RegistryTransport.close(done);
                String stored = done.headers().firstValue("Docker-Content-Digest").orElse(d.digest());
                if (!stored.equals(d.digest())) {
                    throw failures.fail("the registry stored blob " + d.digest() + " under the digest " + stored);
                }
                return;
            }
            if (RegistryTransport.isRetryableStatus(s) && attempt < settings.maxAttempts()) {
                RegistryTransport.close(done);
                transport.backoff(attempt);
                continue;
            }
            throw failures.fail(failures.statusProblem(done, what, transport.readErrors(done)));
        }
    }

    private static void closeQuietly(InputStream in) {
        if (in != null) {
            try {
                in.close();
            } catch (IOException ignored) {
                // a file read to its end or abandoned
            }
        }
    }
}

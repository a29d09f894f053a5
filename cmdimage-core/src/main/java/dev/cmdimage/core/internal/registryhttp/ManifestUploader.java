package dev.cmdimage.core.internal.registryhttp;

import dev.cmdimage.api.PushException;
import dev.cmdimage.core.internal.oci.Descriptor;
import dev.cmdimage.core.internal.oci.Digests;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpResponse;

/** The manifests and indexes of one push: each {@code PUT} with its media type, its digest checked. */
public final class ManifestUploader {
    private final RegistryClient client;
    private final PushFailures failures;

    /** Manifests pushed through {@code client}, which has been {@linkplain RegistryClient#start() started}. */
    public ManifestUploader(RegistryClient client) {
        this.client = client;
        this.failures = client.failures();
    }

    /**
     * Uploads a manifest or index with its media type under {@code reference} (a tag or its digest) and returns
     * the digest the registry reports, checked against the bytes sent.
     */
    public String put(Descriptor d, byte[] bytes, String reference) throws PushException {
        String path = client.repositoryPath() + "/manifests/" + reference;
        HttpResponse<InputStream> r = client.send("PUT", URI.create(client.base() + path), bytes, d.mediaType(),
                true);
        if (r.statusCode() != 201 && r.statusCode() != 200 && r.statusCode() != 202) {
            throw failures.fail(failures.statusProblem(r, "PUT " + path, client.transport().readErrors(r)));
        }
        RegistryTransport.close(r);
        String sent = Digests.of(bytes);
        String stored = r.headers().firstValue("Docker-Content-Digest").orElse(sent);
        if (!stored.equals(sent)) {
            throw failures.fail("the registry stored the manifest under the digest " + stored
                    + ", but the bytes sent hash to " + sent);
        }
        return sent;
    }
}

package dev.cmdimage.core.internal.registryhttp;

import dev.cmdimage.api.PushException;
import dev.cmdimage.spi.RegistryCredentials;
import java.net.http.HttpResponse;

/**
 * The sentences one push fails with: each names the ref and the registry, quotes the registry's own words, and
 * passes through the push's {@link CredentialMask}, so no credential value reaches a message, a status or a log.
 */
public final class PushFailures {
    private final String refText;
    private final String registry;
    private final RegistryCredentials credentials;
    private final CredentialMask mask;

    /**
     * @param refText     the ref for messages
     * @param registry    the registry domain as in the ref
     * @param credentials the credentials, or {@code null} for anonymous
     * @param mask        the credential values to hide
     */
    public PushFailures(String refText, String registry, RegistryCredentials credentials, CredentialMask mask) {
        this.refText = refText;
        this.registry = registry;
        this.credentials = credentials;
        this.mask = mask;
    }

    /** {@code cannot push <ref> to <registry>: <problem>}, masked. */
    public PushException fail(String problem) {
        return new PushException(mask.mask("cannot push " + refText + " to " + registry + ": " + problem), refText);
    }

    /** The push was cancelled. */
    public PushException cancelled() {
        return new PushException("push of " + refText + " to " + registry + " cancelled", refText);
    }

    /** {@code text} masked, for debug logs. */
    public String mask(String text) {
        return mask.mask(text);
    }

    /** What an unexpected status on {@code what} means, with the registry's {@code errors} ({@code null}: none). */
    public String statusProblem(HttpResponse<?> r, String what, String errors) {
        int s = r.statusCode();
        String says = saying(errors);
        switch (s) {
            case 401:
                return credentials == null
                        ? "the registry requires authentication (HTTP 401 on " + what + ") and no credentials were"
                                + " found for " + registry + says
                        : "the registry rejected the credentials of user " + credentials.username() + " (HTTP 401 on "
                                + what + ")" + says;
            case 403:
                return "access denied (HTTP 403 on " + what + ")" + says;
            case 404:
                return "not found (HTTP 404 on " + what + ")" + says;
            default:
                return "unexpected HTTP " + s + " on " + what + says;
        }
    }

    /** {@code : registry says <errors>}, or nothing. */
    public static String saying(String errors) {
        return errors == null ? "" : ": registry says " + errors;
    }
}

package dev.cmdimage.docker.internal;

import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.model.PushResponseItem;
import com.github.dockerjava.api.model.ResponseItem;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the engine's push response stream. docker-java completes such a stream normally even when the engine
 * reports a failure inside it ({@code errorDetail} / {@code error} items), so this callback collects those
 * errors, the pushed manifest digest ({@code aux.Digest}, else the {@code "<tag>: digest: sha256:... size: n"}
 * status line), and forwards one progress line per layer status change.
 */
public final class PushStream extends ResultCallback.Adapter<PushResponseItem> {
    private static final Pattern DIGEST_STATUS = Pattern.compile("digest: (sha256:[0-9a-f]{64})");

    private final Consumer<String> progress;
    private final List<String> errors = new ArrayList<>();
    private final Map<String, String> lastStatus = new HashMap<>();
    private volatile String digest;

    public PushStream(Consumer<String> progress) {
        this.progress = progress;
    }

    @Override
    public void onNext(PushResponseItem item) {
        if (item == null) {
            return;
        }
        if (item.isErrorIndicated()) {
            ResponseItem.ErrorDetail detail = item.getErrorDetail();
            String msg = detail != null && detail.getMessage() != null ? detail.getMessage() : legacyError(item);
            synchronized (errors) {
                errors.add(msg == null ? "the engine reported an error without a message" : msg.trim());
            }
            return;
        }
        ResponseItem.AuxDetail aux = item.getAux();
        if (aux != null && aux.getDigest() != null) {
            digest = aux.getDigest();
        }
        String status = item.getStatus();
        if (status == null || status.isBlank()) {
            return;
        }
        Matcher m = DIGEST_STATUS.matcher(status);
        if (m.find() && digest == null) {
            digest = m.group(1);
        }
        String id = item.getId();
        String key = id == null ? "" : id;
        String previous = lastStatus.put(key, status);
        if (!status.equals(previous)) {
            emit(id == null ? status : id + ": " + status);
        }
    }

    /** The old {@code error} field, for engines that send no {@code errorDetail}. */
    @SuppressWarnings("deprecation")
    private static String legacyError(PushResponseItem item) {
        return item.getError();
    }

    private void emit(String line) {
        try {
            progress.accept(line);
        } catch (RuntimeException ignored) {
            // a consumer's failure must not break the push
        }
    }

    /** The errors the engine reported inside the stream, in order. */
    public List<String> errors() {
        synchronized (errors) {
            return List.copyOf(errors);
        }
    }

    /** The pushed manifest digest, or {@code null} when the stream named none. */
    public String digest() {
        return digest;
    }
}

package dev.cmdimage.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.model.PushResponseItem;
import dev.cmdimage.docker.internal.PushStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The push response stream as the engine sends it (JSON lines captured from Docker 20.10). */
class PushStreamTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DIGEST = "sha256:f1779d8843899b14f5bd0630e0b6aca598afc91defbe8e2ef83f9ac62bdff179";

    private static void feed(PushStream s, String... lines) throws Exception {
        for (String l : lines) {
            s.onNext(JSON.readValue(l, PushResponseItem.class));
        }
        s.onComplete();
    }

    @Test
    void aSuccessfulStreamGivesTheDigestFromAuxAndOneLinePerStatusChange() throws Exception {
        List<String> progress = new ArrayList<>();
        PushStream s = new PushStream(progress::add);
        feed(s,
                "{\"status\":\"The push refers to repository [127.0.0.1:5000/app]\"}",
                "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"027491a208c4\"}",
                "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":512,\"total\":1024},\"id\":\"027491a208c4\"}",
                "{\"status\":\"Pushing\",\"progressDetail\":{\"current\":1024,\"total\":1024},\"id\":\"027491a208c4\"}",
                "{\"status\":\"Pushed\",\"progressDetail\":{},\"id\":\"027491a208c4\"}",
                "{\"status\":\"v1: digest: " + DIGEST + " size: 524\"}",
                "{\"progressDetail\":{},\"aux\":{\"Tag\":\"v1\",\"Digest\":\"" + DIGEST + "\",\"Size\":524}}");
        assertThat(s.errors()).isEmpty();
        assertThat(s.digest()).isEqualTo(DIGEST);
        assertThat(progress).containsExactly(
                "The push refers to repository [127.0.0.1:5000/app]",
                "027491a208c4: Preparing",
                "027491a208c4: Pushing",
                "027491a208c4: Pushed",
                "v1: digest: " + DIGEST + " size: 524");
    }

    @Test
    void theDigestStatusLineIsEnoughWithoutAux() throws Exception {
        PushStream s = new PushStream(l -> {});
        feed(s, "{\"status\":\"v1: digest: " + DIGEST + " size: 524\"}");
        assertThat(s.digest()).isEqualTo(DIGEST);
    }

    @Test
    void errorsInsideTheStreamAreCollected() throws Exception {
        PushStream s = new PushStream(l -> {});
        feed(s,
                "{\"status\":\"The push refers to repository [127.0.0.1:5001/app]\"}",
                "{\"status\":\"Preparing\",\"progressDetail\":{},\"id\":\"027491a208c4\"}",
                "{\"errorDetail\":{\"message\":\"no basic auth credentials\"},\"error\":\"no basic auth credentials\"}");
        assertThat(s.errors()).containsExactly("no basic auth credentials");
        assertThat(s.digest()).isNull();
    }

    @Test
    void anErrorWithoutDetailStillCounts() throws Exception {
        PushStream s = new PushStream(l -> {});
        feed(s, "{\"error\":\"unknown blob\"}");
        assertThat(s.errors()).containsExactly("unknown blob");
    }

    @Test
    void aThrowingProgressConsumerDoesNotBreakTheStream() throws Exception {
        PushStream s = new PushStream(l -> {
            throw new IllegalStateException("ui gone");
        });
        feed(s, "{\"status\":\"Pushed\",\"id\":\"a\"}", "{\"aux\":{\"Digest\":\"" + DIGEST + "\"}}");
        assertThat(s.digest()).isEqualTo(DIGEST);
    }
}

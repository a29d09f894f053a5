package dev.cmdimage.core;

import static org.assertj.core.api.Assertions.assertThat;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The state of an object nobody has looked at yet is {@code Pending} in Java and nothing at all on the wire. */
class PendingStatusCodecTest {
    private final CmdImageCodec codec = CmdImageCodec.create();

    @Test
    void aFreshCmdImageIsWrittenWithAnEmptyStatus() {
        CmdImage fresh = CmdImage.of("a", CmdImageSpec.builder().ref("a").args("true").build());

        assertThat(codec.toJsonLine(fresh)).endsWith(",\"status\":{}}");
    }

    @Test
    void anEmptyOrMissingStatusReadsAsPendingAndARefAloneKeepsItsRef() throws Exception {
        String head = "{\"apiVersion\":\"tilt.dev/v1alpha1\",\"kind\":\"CmdImage\",\"metadata\":{\"name\":\"a\"},"
                + "\"spec\":{\"ref\":\"a\",\"args\":[\"true\"]}";

        List<ApiObject> read = codec.read(head + ",\"status\":{}}\n" + head + "}\n"
                + head + ",\"status\":{\"ref\":\"a:v1\"}}\n", "objects.json");

        assertThat(read).extracting(o -> ((CmdImage) o).status().state())
                .allSatisfy(s -> assertThat(s).isInstanceOf(CmdImageStatus.Pending.class));
        assertThat(((CmdImage) read.get(2)).status().ref()).isEqualTo("a:v1");
        assertThat(codec.toJsonLine(read.get(2))).endsWith(",\"status\":{\"ref\":\"a:v1\"}}");
    }
}

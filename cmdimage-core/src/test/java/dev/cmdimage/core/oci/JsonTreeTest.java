package dev.cmdimage.core.oci;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.cmdimage.core.internal.oci.JsonTree;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The streaming tree reader gives what {@code ObjectMapper.readTree} gives, node types included. */
class JsonTreeTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    @ParameterizedTest
    @ValueSource(strings = {
        "{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\","
                + "\"digest\":\"sha256:0123\",\"size\":528,\"annotations\":{\"org.opencontainers.image.ref.name\":"
                + "\"app:v1\"},\"platform\":{\"architecture\":\"amd64\",\"os\":\"linux\"}}]}",
        "{\"size\":9223372036854775807,\"big\":92233720368547758070,\"neg\":-1,\"frac\":1.5,\"exp\":2e3}",
        "{\"a\":1,\"a\":2}",
        "{\"t\":true,\"f\":false,\"n\":null,\"s\":\"\\u00e9\\n\",\"e\":{},\"l\":[[],[1,[2]]]}",
        "[1,\"x\",null]",
        "\"text\"",
        "{\"first\":1} trailing garbage",
        "",
        "   "
    })
    void readsWhatTheObjectMapperReads(String json) throws Exception {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        JsonNode expected = MAPPER.readTree(bytes);

        JsonNode actual = JsonTree.read(bytes);

        assertThat(actual).isEqualTo(expected);
        assertThat(actual.getNodeType()).isEqualTo(expected.getNodeType());
        assertThat(actual.toString()).isEqualTo(expected.toString());
        if (actual.has("size")) {
            assertThat(actual.get("size").getClass()).isEqualTo(expected.get("size").getClass());
            assertThat(actual.get("big").getClass()).isEqualTo(expected.get("big").getClass());
            assertThat(actual.get("frac").getClass()).isEqualTo(expected.get("frac").getClass());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"{\"a\":", "{\"a\":[1,2", "{\"a\" 1}", "[1,]x", "{'a':1}"})
    void whatTheObjectMapperRefusesIsRefused(String json) {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        assertThatThrownBy(() -> MAPPER.readTree(bytes)).isInstanceOf(JsonProcessingException.class);

        assertThatThrownBy(() -> JsonTree.read(bytes)).isInstanceOf(JsonProcessingException.class);
    }
}

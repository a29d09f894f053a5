package dev.cmdimage.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The {@code extra} maps of the API records are immutable all the way down, so the records are real values. */
class ExtraFieldsTest {
    @Test
    void aCallersLaterChangeToANestedMapOrListDoesNotReachTheRecord() {
        Map<String, Object> docker = new LinkedHashMap<>(Map.of("host", "unix:///run/docker.sock"));
        List<Object> ports = new ArrayList<>(List.of(5000L));
        Map<String, Object> connection = new LinkedHashMap<>();
        connection.put("docker", docker);
        connection.put("ports", ports);
        Map<String, Object> extra = new LinkedHashMap<>(Map.of("connection", connection));
        Cluster cluster = new Cluster(ObjectMeta.named("default"), new Cluster.Spec(null, extra), null);
        Cluster before = new Cluster(ObjectMeta.named("default"), new Cluster.Spec(null, extra), null);

        docker.put("host", "tcp://elsewhere:2375");
        ports.add(5001L);
        extra.put("other", "x");

        assertThat(cluster).isEqualTo(before);
        assertThat(cluster.spec().extra()).isEqualTo(Map.of("connection",
                Map.of("docker", Map.of("host", "unix:///run/docker.sock"), "ports", List.of(5000L))));
    }

    @Test
    void nestedValuesCannotBeChangedThroughTheRecord() {
        ObjectMeta meta = new ObjectMeta("app", null, null, null, null, null, null,
                Map.of("managedFields", List.of(Map.of("manager", "tilt"))));

        List<Object> fields = list(meta.extra().get("managedFields"));
        Map<String, Object> first = map(fields.get(0));

        assertThatThrownBy(() -> fields.add("x")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> first.put("manager", "me")).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> meta.extra().put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void jsonNullsAndOrderAreKept() {
        Map<String, Object> nested = new LinkedHashMap<>();
        nested.put("z", null);
        nested.put("a", Arrays.asList(null, "b"));
        Map<String, Object> extra = new LinkedHashMap<>();
        extra.put("second", nested);
        extra.put("first", null);

        ListMeta meta = new ListMeta(null, extra);

        assertThat(meta.extra().keySet()).containsExactly("second", "first");
        assertThat(meta.extra().get("first")).isNull();
        Map<String, Object> second = map(meta.extra().get("second"));
        assertThat(second.keySet()).containsExactly("z", "a");
        assertThat(second.get("z")).isNull();
        assertThat(list(second.get("a"))).containsExactly(null, "b");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        return (Map<String, Object>) value;
    }

    @SuppressWarnings("unchecked")
    private static List<Object> list(Object value) {
        return (List<Object>) value;
    }
}

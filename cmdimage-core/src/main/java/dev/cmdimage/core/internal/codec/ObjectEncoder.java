package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.Cluster;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageList;
import dev.cmdimage.api.CmdImageSpec;
import dev.cmdimage.api.CmdImageStatus;
import dev.cmdimage.api.FileWatch;
import dev.cmdimage.api.ImageMap;
import dev.cmdimage.api.ListMeta;
import dev.cmdimage.api.MicroTime;
import dev.cmdimage.api.ObjectMeta;
import dev.cmdimage.api.RegistryHosting;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns API objects into Jackson trees in the field order and with the omissions of Tilt's API server
 * (Go encoding/json over Tilt's types):
 * <ul>
 *   <li>{@code kind}, {@code apiVersion}, {@code metadata}, {@code spec}, {@code status}: Go's TypeMeta writes
 *       kind first; metadata, spec and status are structs, which {@code omitempty} never omits, so they are
 *       always written ({@code "status": {}} for a CmdImage nobody has built);</li>
 *   <li>fields tagged {@code omitempty} are left out when empty; fields without it are always written, even
 *       empty: CmdImageSpec {@code ref}, ImageMapSpec {@code selector}, ImageMapStatus {@code image},
 *       RegistryHosting {@code host}, a list's {@code items};</li>
 *   <li>an unset time is left out (Go would write {@code null} for a zero {@code metav1.Time}).</li>
 * </ul>
 */
public final class ObjectEncoder {
    private static final JsonNodeFactory NODES = JsonValues.nodes();

    private ObjectEncoder() {}

    /** The tree of one object. */
    public static ObjectNode encode(ApiObject object) {
        if (object instanceof CmdImage c) {
            return cmdImage(c, true);
        }
        if (object instanceof CmdImageList l) {
            ObjectNode o = header(CmdImageList.KIND, ApiObject.API_VERSION);
            o.set("metadata", listMeta(l.metadata()));
            ArrayNode items = o.putArray("items");
            for (CmdImage item : l.items()) {
                items.add(cmdImage(item, false)); // the API server leaves kind/apiVersion off list items
            }
            return o;
        }
        if (object instanceof ImageMap m) {
            return imageMap(m);
        }
        if (object instanceof Cluster c) {
            return cluster(c);
        }
        if (object instanceof FileWatch w) {
            return fileWatch(w);
        }
        throw new IllegalArgumentException("not an API object: " + object);
    }

    /** A {@code v1 List} holding the given objects. */
    public static ObjectNode encodeList(List<? extends ApiObject> items) {
        ObjectNode o = header(Wire.LIST_KIND, Wire.LIST_API_VERSION);
        o.putObject("metadata");
        ArrayNode arr = o.putArray("items");
        for (ApiObject item : items) {
            arr.add(encode(item));
        }
        return o;
    }

    private static ObjectNode header(String kind, String apiVersion) {
        ObjectNode o = NODES.objectNode();
        o.put("kind", kind);
        o.put("apiVersion", apiVersion);
        return o;
    }

    private static ObjectNode cmdImage(CmdImage c, boolean withHeader) {
        ObjectNode o = withHeader ? header(CmdImage.KIND, ApiObject.API_VERSION) : NODES.objectNode();
        o.set("metadata", objectMeta(c.metadata()));
        o.set("spec", cmdImageSpec(c.spec()));
        o.set("status", cmdImageStatus(c.status()));
        return o;
    }

    private static ObjectNode cmdImageSpec(CmdImageSpec s) {
        Map<String, JsonNode> f = new LinkedHashMap<>();
        f.put("ref", NODES.textNode(s.ref() == null ? "" : s.ref()));
        putStrings(f, "args", s.args());
        put(f, "dir", s.dir());
        putStrings(f, "env", s.env());
        putStrings(f, "imageMaps", s.imageMaps());
        put(f, "outputMode", s.outputMode());
        put(f, "outputTag", s.outputTag());
        put(f, "outputsImageRefTo", s.outputsImageRefTo());
        put(f, "cluster", s.cluster());
        put(f, "clusterNeeds", s.clusterNeeds());
        return ordered(Wire.CMD_IMAGE_SPEC, f, Map.of());
    }

    private static ObjectNode cmdImageStatus(CmdImageStatus s) {
        ObjectNode o = NODES.objectNode();
        if (s.ref() != null) {
            o.put("ref", s.ref());
        }
        if (s.state() instanceof CmdImageStatus.Waiting w) {
            ObjectNode n = o.putObject("waiting");
            putIf(n, "reason", w.reason());
        } else if (s.state() instanceof CmdImageStatus.Building b) {
            ObjectNode n = o.putObject("building");
            putIf(n, "reason", b.reason());
            putIf(n, "startedAt", b.startedAt());
        } else if (s.state() instanceof CmdImageStatus.Completed c) {
            ObjectNode n = o.putObject("completed");
            putIf(n, "reason", c.reason());
            putIf(n, "error", c.error());
            putIf(n, "startedAt", c.startedAt());
            putIf(n, "finishedAt", c.finishedAt());
        }
        return o;
    }

    private static ObjectNode imageMap(ImageMap m) {
        ObjectNode o = header(ImageMap.KIND, ApiObject.API_VERSION);
        o.set("metadata", objectMeta(m.metadata()));
        Map<String, JsonNode> spec = new LinkedHashMap<>();
        spec.put("selector", NODES.textNode(m.spec().selector() == null ? "" : m.spec().selector()));
        if (m.spec().matchExact()) {
            spec.put("matchExact", NODES.booleanNode(true));
        }
        if (m.spec().matchInEnvVars()) {
            spec.put("matchInEnvVars", NODES.booleanNode(true));
        }
        o.set("spec", ordered(Wire.IMAGE_MAP_SPEC, spec, m.spec().extra()));
        Map<String, JsonNode> status = new LinkedHashMap<>();
        ImageMap.Status st = m.status();
        status.put("image", NODES.textNode(st.image() == null ? "" : st.image()));
        put(status, "imageFromLocal", st.imageFromLocal());
        put(status, "imageFromCluster", st.imageFromCluster());
        if (st.buildStartTime() != null) {
            status.put("buildStartTime", NODES.textNode(st.buildStartTime().format()));
        }
        o.set("status", ordered(Wire.IMAGE_MAP_STATUS, status, Map.of()));
        return o;
    }

    private static ObjectNode cluster(Cluster c) {
        ObjectNode o = header(Cluster.KIND, ApiObject.API_VERSION);
        o.set("metadata", objectMeta(c.metadata()));
        Map<String, JsonNode> spec = new LinkedHashMap<>();
        if (c.spec().defaultRegistry() != null) {
            spec.put("defaultRegistry", registry(c.spec().defaultRegistry()));
        }
        o.set("spec", ordered(Wire.CLUSTER_SPEC, spec, c.spec().extra()));
        Map<String, JsonNode> status = new LinkedHashMap<>();
        put(status, "arch", c.status().arch());
        put(status, "error", c.status().error());
        if (c.status().registry() != null) {
            status.put("registry", registry(c.status().registry()));
        }
        o.set("status", ordered(Wire.CLUSTER_STATUS, status, c.status().extra()));
        return o;
    }

    private static ObjectNode fileWatch(FileWatch w) {
        ObjectNode o = header(FileWatch.KIND, ApiObject.API_VERSION);
        o.set("metadata", objectMeta(w.metadata()));
        Map<String, JsonNode> spec = new LinkedHashMap<>();
        ArrayNode paths = NODES.arrayNode(); // no omitempty: always written, as null when empty in Go; [] here
        w.spec().watchedPaths().forEach(paths::add);
        spec.put("watchedPaths", paths);
        if (!w.spec().ignores().isEmpty()) {
            ArrayNode ignores = NODES.arrayNode();
            for (FileWatch.IgnoreDef i : w.spec().ignores()) {
                ObjectNode n = ignores.addObject();
                n.put("basePath", i.basePath() == null ? "" : i.basePath());
                if (!i.patterns().isEmpty()) {
                    i.patterns().forEach(n.putArray("patterns")::add);
                }
            }
            spec.put("ignores", ignores);
        }
        if (w.spec().disableSource() != null) {
            FileWatch.DisableSource d = w.spec().disableSource();
            ObjectNode n = NODES.objectNode();
            if (d.configMap() != null) {
                n.set("configMap", configMapSource(d.configMap()));
            }
            if (!d.everyConfigMap().isEmpty()) {
                ArrayNode every = n.putArray("everyConfigMap");
                d.everyConfigMap().forEach(c -> every.add(configMapSource(c)));
            }
            spec.put("disableSource", n);
        }
        o.set("spec", ordered(Wire.FILE_WATCH_SPEC, spec, w.spec().extra()));
        Map<String, JsonNode> status = new LinkedHashMap<>();
        FileWatch.Status st = w.status();
        if (st.monitorStartTime() != null) {
            status.put("monitorStartTime", NODES.textNode(st.monitorStartTime().format()));
        }
        if (st.lastEventTime() != null) {
            status.put("lastEventTime", NODES.textNode(st.lastEventTime().format()));
        }
        if (!st.fileEvents().isEmpty()) {
            ArrayNode events = NODES.arrayNode();
            for (FileWatch.FileEvent e : st.fileEvents()) {
                ObjectNode n = events.addObject();
                putIf(n, "time", e.time());
                e.seenFiles().forEach(n.putArray("seenFiles")::add);
            }
            status.put("fileEvents", events);
        }
        put(status, "error", st.error());
        o.set("status", ordered(Wire.FILE_WATCH_STATUS, status, st.extra()));
        return o;
    }

    private static ObjectNode configMapSource(FileWatch.ConfigMapDisableSource c) {
        ObjectNode n = NODES.objectNode();
        n.put("name", c.name() == null ? "" : c.name());
        n.put("key", c.key() == null ? "" : c.key());
        return n;
    }

    private static ObjectNode registry(RegistryHosting r) {
        ObjectNode o = NODES.objectNode();
        o.put("host", r.host() == null ? "" : r.host());
        putIf(o, "hostFromClusterNetwork", r.hostFromClusterNetwork());
        putIf(o, "hostFromContainerRuntime", r.hostFromContainerRuntime());
        putIf(o, "help", r.help());
        putIf(o, "singleName", r.singleName());
        return o;
    }

    private static ObjectNode objectMeta(ObjectMeta m) {
        Map<String, JsonNode> f = new LinkedHashMap<>();
        put(f, "name", m.name());
        put(f, "namespace", m.namespace());
        put(f, "uid", m.uid());
        put(f, "resourceVersion", m.resourceVersion());
        put(f, "creationTimestamp", m.creationTimestamp());
        putMap(f, "labels", m.labels());
        putMap(f, "annotations", m.annotations());
        return ordered(Wire.OBJECT_META, f, m.extra());
    }

    private static ObjectNode listMeta(ListMeta m) {
        Map<String, JsonNode> f = new LinkedHashMap<>();
        put(f, "resourceVersion", m.resourceVersion());
        return ordered(Wire.LIST_META, f, m.extra());
    }

    /**
     * The known fields and the extras in Go declaration order; extras the Go type does not declare follow, in
     * the order they were read. A known field wins over an extra of the same name.
     */
    private static ObjectNode ordered(List<String> order, Map<String, JsonNode> known, Map<String, Object> extra) {
        ObjectNode o = NODES.objectNode();
        for (String name : order) {
            if (known.containsKey(name)) {
                o.set(name, known.get(name));
            } else if (extra.containsKey(name)) {
                o.set(name, JsonValues.toNode(extra.get(name)));
            }
        }
        known.forEach((k, v) -> {
            if (!o.has(k)) {
                o.set(k, v);
            }
        });
        extra.forEach((k, v) -> {
            if (!o.has(k)) {
                o.set(k, JsonValues.toNode(v));
            }
        });
        return o;
    }

    private static void put(Map<String, JsonNode> f, String name, String value) {
        if (value != null && !value.isEmpty()) {
            f.put(name, NODES.textNode(value));
        }
    }

    private static void putStrings(Map<String, JsonNode> f, String name, List<String> values) {
        if (!values.isEmpty()) {
            ArrayNode a = NODES.arrayNode();
            values.forEach(a::add);
            f.put(name, a);
        }
    }

    private static void putMap(Map<String, JsonNode> f, String name, Map<String, String> values) {
        if (!values.isEmpty()) {
            ObjectNode o = NODES.objectNode();
            new java.util.TreeMap<>(values).forEach(o::put); // Go writes map keys sorted
            f.put(name, o);
        }
    }

    private static void putIf(ObjectNode o, String name, String value) {
        if (value != null && !value.isEmpty()) {
            o.put(name, value);
        }
    }

    private static void putIf(ObjectNode o, String name, MicroTime value) {
        if (value != null) {
            o.put(name, value.format());
        }
    }
}

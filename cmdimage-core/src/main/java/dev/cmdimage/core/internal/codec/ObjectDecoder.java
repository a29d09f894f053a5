package dev.cmdimage.core.internal.codec;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
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
import dev.cmdimage.api.Problem;
import dev.cmdimage.api.RegistryHosting;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one parsed document (a Jackson tree) into API objects, collecting every problem with its field path
 * instead of stopping at the first. Unknown fields are ignored, except in {@code metadata} and in the spec and
 * status of ImageMap and Cluster, where they are kept so that a round trip loses nothing.
 */
public final class ObjectDecoder {
    /** The kinds a document may hold, in the order error messages list them. */
    public static final List<String> KINDS =
            List.of(CmdImage.KIND, CmdImageList.KIND, ImageMap.KIND, Cluster.KIND, FileWatch.KIND, Wire.LIST_KIND);

    /** The field of a problem about a whole document (it is not an object). */
    public static final String ROOT = "(document)";

    private static final Set<String> OBJECT_META_FIELDS = Set.of(
            "name", "namespace", "labels", "annotations", "uid", "resourceVersion", "creationTimestamp");
    private static final Set<String> LIST_META_FIELDS = Set.of("resourceVersion");
    private static final Set<String> IMAGE_MAP_SPEC_FIELDS = Set.of("selector", "matchExact", "matchInEnvVars");
    private static final Set<String> CLUSTER_SPEC_FIELDS = Set.of("defaultRegistry");
    private static final Set<String> CLUSTER_STATUS_FIELDS = Set.of("registry", "arch", "error");
    private static final Set<String> FILE_WATCH_SPEC_FIELDS = Set.of("watchedPaths", "ignores", "disableSource");
    private static final Set<String> FILE_WATCH_STATUS_FIELDS =
            Set.of("monitorStartTime", "lastEventTime", "fileEvents", "error");

    private ObjectDecoder() {}

    /**
     * Decodes a document's root.
     *
     * @param root     the parsed document
     * @param problems receives every problem, paths relative to the document
     * @return the objects (a v1 List flattened), meaningful only when no problem was added
     */
    public static List<ApiObject> decodeDocument(JsonNode root, List<Problem> problems) {
        if (!root.isObject()) {
            problems.add(new Problem(ROOT, Problem.Type.INVALID, null,
                    "must be an object with apiVersion and kind, not " + Fields.describeType(root)));
            return List.of();
        }
        Fields f = new Fields((com.fasterxml.jackson.databind.node.ObjectNode) root, "", problems);
        String kind = f.string("kind");
        if (kind == null) {
            if (!f.has("kind")) {
                problems.add(new Problem("kind", Problem.Type.REQUIRED, null,
                        "one of " + String.join(", ", KINDS)));
            }
            return List.of();
        }
        if (kind.equals(Wire.LIST_KIND)) {
            checkApiVersion(f, Wire.LIST_API_VERSION);
            ArrayNode items = f.array("items", "a list of objects");
            List<ApiObject> out = new ArrayList<>();
            if (items != null) {
                for (int i = 0; i < items.size(); i++) {
                    String p = Paths.index("items", i);
                    Fields item = Fields.of(items.get(i), p, problems, "an object");
                    if (item == null) {
                        if (items.get(i).isNull()) {
                            problems.add(Problem.required(p));
                        }
                        continue;
                    }
                    String itemKind = item.string("kind");
                    if (itemKind == null) {
                        if (!item.has("kind")) {
                            problems.add(Problem.required(item.child("kind")));
                        }
                    } else if (itemKind.equals(Wire.LIST_KIND) || !KINDS.contains(itemKind)) {
                        problems.add(Problem.unsupported(item.child("kind"), itemKind,
                                KINDS.subList(0, KINDS.size() - 1)));
                    } else {
                        checkApiVersion(item, ApiObject.API_VERSION);
                        out.add(decodeKind(itemKind, item));
                    }
                }
            }
            return out;
        }
        if (!KINDS.contains(kind)) {
            problems.add(Problem.unsupported("kind", kind, KINDS));
            return List.of();
        }
        checkApiVersion(f, ApiObject.API_VERSION);
        return List.of(decodeKind(kind, f));
    }

    /** {@code Kind "name"} of a document, for messages, or {@code null} when it has no usable kind. */
    public static String subject(JsonNode root) {
        if (root == null || !root.isObject() || !root.path("kind").isTextual()) {
            return null;
        }
        String kind = root.path("kind").textValue();
        JsonNode name = root.path("metadata").path("name");
        return name.isTextual() && !name.textValue().isEmpty() ? kind + " \"" + name.textValue() + "\"" : kind;
    }

    private static void checkApiVersion(Fields f, String expected) {
        String v = f.string("apiVersion");
        if (v == null) {
            if (!f.has("apiVersion")) {
                problems(f).add(new Problem(f.child("apiVersion"), Problem.Type.REQUIRED, null,
                        "must be \"" + expected + "\""));
            }
        } else if (!v.equals(expected)) {
            problems(f).add(Problem.unsupported(f.child("apiVersion"), v, List.of(expected)));
        }
    }

    private static List<Problem> problems(Fields f) {
        return f.problems();
    }

    private static ApiObject decodeKind(String kind, Fields f) {
        return switch (kind) {
            case CmdImage.KIND -> cmdImage(f);
            case CmdImageList.KIND -> cmdImageList(f);
            case ImageMap.KIND -> imageMap(f);
            case Cluster.KIND -> cluster(f);
            case FileWatch.KIND -> fileWatch(f);
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static CmdImage cmdImage(Fields f) {
        ObjectMeta meta = objectMeta(f.object("metadata", "an object"), f.path());
        Fields s = f.object("spec", "an object");
        CmdImageSpec spec = s == null ? CmdImageSpec.builder().build() : new CmdImageSpec(
                s.string("ref"),
                s.strings("args", false),
                s.string("dir"),
                s.strings("env", true),
                s.strings("imageMaps", false),
                s.string("outputMode"),
                s.string("outputTag"),
                s.string("outputsImageRefTo"),
                s.string("cluster"),
                s.string("clusterNeeds"));
        CmdImageStatus status = cmdImageStatus(f.object("status", "an object"));
        return new CmdImage(meta, spec, status);
    }

    private static CmdImageStatus cmdImageStatus(Fields s) {
        if (s == null) {
            return CmdImageStatus.EMPTY;
        }
        String ref = s.string("ref");
        List<CmdImageStatus.State> states = new ArrayList<>();
        List<String> names = new ArrayList<>();
        Fields w = s.object("waiting", "an object");
        if (w != null) {
            states.add(new CmdImageStatus.Waiting(w.string("reason")));
            names.add("waiting");
        }
        Fields b = s.object("building", "an object");
        if (b != null) {
            states.add(new CmdImageStatus.Building(b.string("reason"), b.time("startedAt")));
            names.add("building");
        }
        Fields c = s.object("completed", "an object");
        if (c != null) {
            states.add(new CmdImageStatus.Completed(c.string("reason"), c.string("error"), c.time("startedAt"),
                    c.time("finishedAt")));
            names.add("completed");
        }
        if (states.size() > 1) {
            s.problems().add(Problem.forbidden(s.path(),
                    "may hold only one of waiting, building, completed; found " + String.join(", ", names)));
        }
        return new CmdImageStatus(ref, states.isEmpty() ? new CmdImageStatus.Pending() : states.get(0));
    }

    private static CmdImageList cmdImageList(Fields f) {
        Fields m = f.object("metadata", "an object");
        ListMeta meta = m == null ? ListMeta.EMPTY
                : new ListMeta(m.string("resourceVersion"), m.extras(LIST_META_FIELDS));
        List<CmdImage> items = new ArrayList<>();
        ArrayNode arr = f.array("items", "a list of CmdImage objects");
        if (arr != null) {
            for (int i = 0; i < arr.size(); i++) {
                String p = Paths.child(f.path(), Paths.index("items", i));
                Fields item = Fields.of(arr.get(i), p, f.problems(), "a CmdImage object");
                if (item == null) {
                    if (arr.get(i).isNull()) {
                        f.problems().add(Problem.required(p));
                    }
                    continue;
                }
                String kind = item.string("kind");
                if (kind != null && !kind.equals(CmdImage.KIND)) {
                    f.problems().add(Problem.unsupported(item.child("kind"), kind, List.of(CmdImage.KIND)));
                }
                if (item.has("apiVersion")) {
                    checkApiVersion(item, ApiObject.API_VERSION);
                }
                items.add(cmdImage(item));
            }
        }
        return new CmdImageList(meta, items);
    }

    private static ImageMap imageMap(Fields f) {
        ObjectMeta meta = objectMeta(f.object("metadata", "an object"), f.path());
        Fields s = f.object("spec", "an object");
        ImageMap.Spec spec = s == null ? ImageMap.Spec.EMPTY : new ImageMap.Spec(
                s.string("selector"), s.bool("matchExact"), s.bool("matchInEnvVars"),
                s.extras(IMAGE_MAP_SPEC_FIELDS));
        Fields st = f.object("status", "an object");
        ImageMap.Status status = st == null ? ImageMap.Status.EMPTY : new ImageMap.Status(
                st.string("image"), st.string("imageFromLocal"), st.string("imageFromCluster"),
                st.time("buildStartTime"));
        return new ImageMap(meta, spec, status);
    }

    private static Cluster cluster(Fields f) {
        ObjectMeta meta = objectMeta(f.object("metadata", "an object"), f.path());
        Fields s = f.object("spec", "an object");
        Cluster.Spec spec = s == null ? Cluster.Spec.EMPTY : new Cluster.Spec(
                registry(s.object("defaultRegistry", "an object")), s.extras(CLUSTER_SPEC_FIELDS));
        Fields st = f.object("status", "an object");
        Cluster.Status status = st == null ? Cluster.Status.EMPTY : new Cluster.Status(
                registry(st.object("registry", "an object")), st.string("arch"), st.string("error"),
                st.extras(CLUSTER_STATUS_FIELDS));
        return new Cluster(meta, spec, status);
    }

    private static FileWatch fileWatch(Fields f) {
        ObjectMeta meta = objectMeta(f.object("metadata", "an object"), f.path());
        Fields s = f.object("spec", "an object");
        FileWatch.Spec spec = FileWatch.Spec.EMPTY;
        if (s != null) {
            List<FileWatch.IgnoreDef> ignores = new ArrayList<>();
            ArrayNode arr = s.array("ignores", "a list of objects with basePath and patterns");
            if (arr != null) {
                for (int i = 0; i < arr.size(); i++) {
                    Fields ignore = Fields.of(arr.get(i), Paths.index(s.child("ignores"), i), f.problems(),
                            "an object with basePath and patterns");
                    if (ignore != null) {
                        ignores.add(new FileWatch.IgnoreDef(ignore.string("basePath"),
                                ignore.strings("patterns", false)));
                    }
                }
            }
            spec = new FileWatch.Spec(s.strings("watchedPaths", false), ignores,
                    disableSource(s.object("disableSource", "an object")), s.extras(FILE_WATCH_SPEC_FIELDS));
        }
        Fields st = f.object("status", "an object");
        FileWatch.Status status = FileWatch.Status.EMPTY;
        if (st != null) {
            List<FileWatch.FileEvent> events = new ArrayList<>();
            ArrayNode arr = st.array("fileEvents", "a list of objects with time and seenFiles");
            if (arr != null) {
                for (int i = 0; i < arr.size(); i++) {
                    Fields event = Fields.of(arr.get(i), Paths.index(st.child("fileEvents"), i), f.problems(),
                            "an object with time and seenFiles");
                    if (event != null) {
                        events.add(new FileWatch.FileEvent(event.time("time"), event.strings("seenFiles", false)));
                    }
                }
            }
            status = new FileWatch.Status(st.time("monitorStartTime"), st.time("lastEventTime"), events,
                    st.string("error"), st.extras(FILE_WATCH_STATUS_FIELDS));
        }
        return new FileWatch(meta, spec, status);
    }

    private static FileWatch.DisableSource disableSource(Fields d) {
        if (d == null) {
            return null;
        }
        List<FileWatch.ConfigMapDisableSource> every = new ArrayList<>();
        ArrayNode arr = d.array("everyConfigMap", "a list of objects with name and key");
        if (arr != null) {
            for (int i = 0; i < arr.size(); i++) {
                FileWatch.ConfigMapDisableSource c = configMapSource(Fields.of(arr.get(i),
                        Paths.index(d.child("everyConfigMap"), i), d.problems(), "an object with name and key"));
                if (c != null) {
                    every.add(c);
                }
            }
        }
        return new FileWatch.DisableSource(configMapSource(d.object("configMap", "an object with name and key")),
                every);
    }

    private static FileWatch.ConfigMapDisableSource configMapSource(Fields c) {
        return c == null ? null : new FileWatch.ConfigMapDisableSource(c.string("name"), c.string("key"));
    }

    private static RegistryHosting registry(Fields r) {
        if (r == null) {
            return null;
        }
        return new RegistryHosting(r.string("host"), r.string("hostFromClusterNetwork"),
                r.string("hostFromContainerRuntime"), r.string("help"), r.string("singleName"));
    }

    private static ObjectMeta objectMeta(Fields m, String parent) {
        if (m == null) {
            return new ObjectMeta(null, null, null, null, null, null, null, null);
        }
        String creation = m.string("creationTimestamp");
        if (creation != null) {
            try {
                MicroTime.parse(creation);
            } catch (IllegalArgumentException e) {
                m.problems().add(Problem.invalid(m.child("creationTimestamp"), creation,
                        "must be an RFC 3339 time, e.g. 2026-11-26T18:57:50Z"));
            }
        }
        Map<String, Object> extra = m.extras(OBJECT_META_FIELDS);
        return new ObjectMeta(m.string("name"), m.string("namespace"), m.stringMap("labels"),
                m.stringMap("annotations"), m.string("uid"), m.string("resourceVersion"), creation, extra);
    }
}

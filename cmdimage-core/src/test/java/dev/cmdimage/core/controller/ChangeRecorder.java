package dev.cmdimage.core.controller;

import dev.cmdimage.api.ApiObject;
import dev.cmdimage.api.CmdImage;
import dev.cmdimage.api.CmdImageController;
import dev.cmdimage.api.CmdImageStatus;
import java.util.ArrayList;
import java.util.List;

/** Records every change a controller delivers, with the thread it arrived on. */
final class ChangeRecorder implements CmdImageController.Listener {
    record Change(ApiObject object, boolean deleted, Thread thread) {}

    private final List<Change> changes = new ArrayList<>();

    @Override
    public synchronized void changed(ApiObject object, boolean deleted) {
        changes.add(new Change(object, deleted, Thread.currentThread()));
    }

    synchronized List<Change> changes() {
        return List.copyOf(changes);
    }

    synchronized void clear() {
        changes.clear();
    }

    /** The statuses CmdImage {@code name} went through, as short strings: {@code waiting: <reason>}, ... */
    synchronized List<String> statuses(String name) {
        List<String> out = new ArrayList<>();
        for (Change c : changes) {
            if (c.object() instanceof CmdImage ci && ci.name().equals(name) && !c.deleted()) {
                String s = describe(ci.status());
                if (out.isEmpty() || !out.get(out.size() - 1).equals(s)) {
                    out.add(s);
                }
            }
        }
        return out;
    }

    /** Changes of objects of that kind and name. */
    synchronized List<Change> of(String kind, String name) {
        return changes.stream().filter(c -> c.object().kind().equals(kind) && c.object().name().equals(name))
                .toList();
    }

    static String describe(CmdImageStatus s) {
        if (s.state() instanceof CmdImageStatus.Waiting w) {
            return "waiting: " + w.reason();
        } else if (s.state() instanceof CmdImageStatus.Building b) {
            return "building: " + b.reason();
        } else if (s.state() instanceof CmdImageStatus.Completed c) {
            return c.error() == null ? "completed: " + s.ref() : "failed: " + c.error();
        }
        return "empty";
    }
}

package dev.cmdimage.core.internal.pipeline;

import java.time.Clock;
import java.util.HashMap;
import java.util.Map;

/**
 * Generates {@code tilt-build-<unix seconds>} tags, never the same one twice for the same image: a second build of
 * an image within the same second (or after the clock went back) gets {@code tilt-build-<seconds>-<n>}. Shared by
 * all builds of one builder; thread-safe. Keeps one entry per image name.
 */
final class BuildTags {
    static final String PREFIX = "tilt-build-";

    private final Clock clock;
    private final Map<String, long[]> lastByImage = new HashMap<>();

    BuildTags(Clock clock) {
        this.clock = clock;
    }

    /** A fresh tag for the image named {@code imageName} (its repository, without tag). */
    synchronized String next(String imageName) {
        long now = clock.instant().getEpochSecond();
        long[] last = lastByImage.get(imageName);
        if (last == null || now > last[0]) {
            lastByImage.put(imageName, new long[] {now, 0});
            return PREFIX + now;
        }
        last[1]++;
        return PREFIX + last[0] + "-" + last[1];
    }
}

package dev.cmdimage.testing;

import dev.cmdimage.api.ImageRef;
import dev.cmdimage.api.ImageStoreException;
import dev.cmdimage.spi.ImageStore;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * An in-memory {@link ImageStore}: a map from full refs ({@code docker.io/library/app:tag}) to image IDs. Looks up
 * exact refs only, records every {@link #inspect} and {@link #tag} call, and fails on demand.
 *
 * <pre>{@code
 * FakeImageStore store = new FakeImageStore();
 * store.put("localhost:5000/app:tilt-build-1795719470", FakeImageStore.imageId("ab"));
 * ...
 * assertThat(store.imageIdOf("localhost:5000/app:tilt-ab00000000000000")).isEqualTo(FakeImageStore.imageId("ab"));
 * }</pre>
 */
public final class FakeImageStore implements ImageStore {
    private final Map<String, String> images = new ConcurrentHashMap<>();
    private final AtomicLong imageCounter = new AtomicLong();
    private final List<Inspection> inspections = new CopyOnWriteArrayList<>();
    private final List<Tagging> taggings = new CopyOnWriteArrayList<>();
    private volatile Map<String, String> commandEnvironment = Map.of();
    private volatile String description = "fake image store";
    private volatile String displayName;
    private volatile RuntimeException inspectRuntimeFailure;
    private volatile ImageStoreException inspectFailure;
    private volatile RuntimeException tagRuntimeFailure;
    private volatile ImageStoreException tagFailure;

    /**
     * An image ID {@code sha256:<hex>} whose 64 hex digits start with {@code hexPrefix}, padded with {@code 0}.
     * {@code imageId("ab")} has the content tag {@code tilt-ab00000000000000}.
     */
    public static String imageId(String hexPrefix) {
        if (!hexPrefix.matches("[0-9a-f]{1,64}")) {
            throw new IllegalArgumentException("hexPrefix must be 1..64 lowercase hex digits: " + hexPrefix);
        }
        return "sha256:" + hexPrefix + "0".repeat(64 - hexPrefix.length());
    }

    /**
     * A new image ID on every call of this store ({@code sha256:0000000000000001000...}, then {@code ...02...}),
     * for fakes that build a new image each time: each has its own content tag ({@code tilt-0000000000000001}).
     */
    public String newImageId() {
        return imageId(String.format("%016x", imageCounter.incrementAndGet()));
    }

    /** Stores {@code imageId} under {@code ref} (any form; normalized), as a build command would. */
    public FakeImageStore put(String ref, String imageId) {
        images.put(ImageRef.parse(ref).fullString(), Objects.requireNonNull(imageId, "imageId"));
        return this;
    }

    /** The image ID stored under {@code ref}, or {@code null}. */
    public String imageIdOf(String ref) {
        return images.get(ImageRef.parse(ref).fullString());
    }

    /** Every ref stored, in full form, sorted. */
    public List<String> refs() {
        return images.keySet().stream().sorted().toList();
    }

    /** What {@link #commandEnvironment()} returns. */
    public FakeImageStore commandEnvironment(Map<String, String> env) {
        this.commandEnvironment = new LinkedHashMap<>(env);
        return this;
    }

    /** What {@link #description()} returns (default {@code fake image store}). */
    public FakeImageStore description(String text) {
        this.description = text;
        return this;
    }

    /** What {@link #displayName()} returns (default: the SPI's default, {@code the image store}). */
    public FakeImageStore displayName(String text) {
        this.displayName = text;
        return this;
    }

    /** Makes every later {@link #inspect} throw {@code e} (a store that cannot answer). */
    public FakeImageStore failInspect(ImageStoreException e) {
        this.inspectFailure = e;
        return this;
    }

    /** Makes every later {@link #inspect} throw {@code e} (a broken store). */
    public FakeImageStore failInspect(RuntimeException e) {
        this.inspectRuntimeFailure = e;
        return this;
    }

    /** Makes every later {@link #tag} throw {@code e}. */
    public FakeImageStore failTag(ImageStoreException e) {
        this.tagFailure = e;
        return this;
    }

    /** Makes every later {@link #tag} throw {@code e} (a broken store). */
    public FakeImageStore failTag(RuntimeException e) {
        this.tagRuntimeFailure = e;
        return this;
    }

    /** Every {@link #inspect} call, in order. */
    public List<Inspection> inspections() {
        return List.copyOf(inspections);
    }

    /** Every {@link #tag} call, in order. */
    public List<Tagging> taggings() {
        return List.copyOf(taggings);
    }

    /** The number of {@link #inspect} and {@link #tag} calls. */
    public int imageCalls() {
        return inspections.size() + taggings.size();
    }

    @Override
    public String description() {
        return description;
    }

    @Override
    public String displayName() {
        String name = displayName;
        return name != null ? name : ImageStore.super.displayName();
    }

    @Override
    public Optional<String> inspect(ImageRef ref, String arch) throws ImageStoreException {
        inspections.add(new Inspection(ref.familiarString(), arch));
        if (inspectRuntimeFailure != null) {
            throw inspectRuntimeFailure;
        }
        if (inspectFailure != null) {
            throw inspectFailure;
        }
        return Optional.ofNullable(images.get(ref.fullString()));
    }

    @Override
    public void tag(String imageId, ImageRef ref) throws ImageStoreException {
        taggings.add(new Tagging(imageId, ref.familiarString()));
        if (tagRuntimeFailure != null) {
            throw tagRuntimeFailure;
        }
        if (tagFailure != null) {
            throw tagFailure;
        }
        images.put(ref.fullString(), imageId);
    }

    @Override
    public Map<String, String> commandEnvironment() {
        return commandEnvironment;
    }

    /**
     * One {@link #inspect} call.
     *
     * @param ref  the ref looked up, familiar form
     * @param arch the architecture asked for, or {@code null}
     */
    public record Inspection(String ref, String arch) {}

    /**
     * One {@link #tag} call.
     *
     * @param imageId the image tagged
     * @param ref     the new ref, familiar form
     */
    public record Tagging(String imageId, String ref) {}
}

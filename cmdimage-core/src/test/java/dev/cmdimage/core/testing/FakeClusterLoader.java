package dev.cmdimage.core.testing;

import dev.cmdimage.api.ClusterLoadException;
import dev.cmdimage.api.ImageRef;
import dev.cmdimage.spi.Cancellation;
import dev.cmdimage.spi.ClusterImageLoader;
import dev.cmdimage.spi.ClusterTarget;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link ClusterImageLoader} that loads nothing: it serves the given products, records each ref with the
 * cluster's name, reports the configured progress lines and returns the ref's full name, or fails on demand.
 */
public final class FakeClusterLoader implements ClusterImageLoader {
    private final Set<String> products;
    private final List<String> loaded = new CopyOnWriteArrayList<>();
    private volatile List<String> progressLines = List.of();
    private volatile String failure;

    /** A loader serving {@code products}. */
    public FakeClusterLoader(String... products) {
        this.products = Set.of(products);
    }

    /** Lines later loads report. */
    public FakeClusterLoader progress(String... lines) {
        this.progressLines = List.of(lines);
        return this;
    }

    /** Later loads fail with this tool output as the cause. */
    public FakeClusterLoader fail(String toolWords) {
        this.failure = toolWords;
        return this;
    }

    /** {@code <ref> -> <cluster>} for each load, in order. */
    public List<String> loaded() {
        return List.copyOf(loaded);
    }

    @Override
    public boolean serves(ClusterTarget target) {
        return target.product() != null && products.contains(target.product());
    }

    @Override
    public String describeLoad(ClusterTarget target) {
        return target.product() + " load into " + target.displayName();
    }

    @Override
    public String load(ImageRef ref, ClusterTarget target, Consumer<String> progress, Cancellation cancellation)
            throws ClusterLoadException {
        loaded.add(ref.familiarString() + " -> " + target.displayName());
        progressLines.forEach(progress);
        if (failure != null) {
            throw new ClusterLoadException(failure, target.displayName(), target.product(), ref.familiarString(),
                    List.of(failure), null);
        }
        return ref.fullString();
    }
}

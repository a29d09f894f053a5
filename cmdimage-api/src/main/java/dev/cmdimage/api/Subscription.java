package dev.cmdimage.api;

/**
 * A registration that ends when closed: a controller subscription, a cancellation callback. Unlike a plain
 * {@link AutoCloseable}, closing throws nothing, so try-with-resources needs no {@code catch (Exception e)}.
 * Closing twice does nothing.
 */
@FunctionalInterface
public interface Subscription extends AutoCloseable {
    /** Ends the registration. */
    @Override
    void close();
}

package dev.cmdimage.core.internal.pipeline;

import dev.cmdimage.spi.ImageStore;

/**
 * How errors name the image store: by its {@link ImageStore#description()}, or, when it gives none (null, blank, or
 * it throws, as a mock does), by its class; and by its {@link ImageStore#displayName()}, or {@code the image store}.
 */
final class StoreNames {
    static final String DEFAULT_DISPLAY_NAME = "the image store";

    private StoreNames() {}

    /** The store's description, else its class name (never {@code null}). */
    static String description(ImageStore store) {
        try {
            String description = store.description();
            if (description != null && !description.isBlank()) {
                return description;
            }
        } catch (RuntimeException e) {
            // named by its class below
        }
        return store.getClass().getName();
    }

    /** The store's name for the first words of an error, else {@value #DEFAULT_DISPLAY_NAME}. */
    static String displayName(ImageStore store) {
        try {
            String name = store.displayName();
            return name == null || name.isBlank() ? DEFAULT_DISPLAY_NAME : name;
        } catch (RuntimeException e) {
            return DEFAULT_DISPLAY_NAME;
        }
    }
}

/**
 * The public contract of cmdimage: the Tilt API objects, the builder and controller interfaces, events, exceptions
 * ({@code dev.cmdimage.api}) and the service provider interfaces a caller plugs in ({@code dev.cmdimage.spi}).
 * Depends on nothing but {@code java.base}; the JSpecify nullness annotations are read at compile time only.
 */
module dev.cmdimage.api {
    requires static org.jspecify;

    exports dev.cmdimage.api;
    exports dev.cmdimage.spi;
    // FinalStatus: how the pipeline (and the test kit's FakeCmdImageBuilder) records a build's final status on its
    // exception (no public mutator)
    exports dev.cmdimage.api.internal to dev.cmdimage.core, dev.cmdimage.testing;
}

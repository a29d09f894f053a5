// An embedder's module that reaches into cmdimage's implementation: must not compile.
module internalapp {
    requires dev.cmdimage.core;
}

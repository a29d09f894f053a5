// An embedder's module: it names cmdimage's core and nothing else (no Jackson, no java.net.http, no
// --add-modules); the API's types come through core's `requires transitive dev.cmdimage.api`.
module app {
    requires dev.cmdimage.core;
}

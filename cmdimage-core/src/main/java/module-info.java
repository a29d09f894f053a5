/**
 * cmdimage's implementation: the builder ({@code CmdImages}), the controller, the JDK process runner, the JSON/YAML
 * codec, the OCI image layout store and the registry HTTP pusher, all in {@code dev.cmdimage.core}. A daemonless
 * builder on its own. Its {@code internal} packages are not exported.
 */
// "module": the qualified export below names dev.cmdimage.docker, which is not there when this module compiles
@SuppressWarnings("module")
module dev.cmdimage.core {
    requires transitive dev.cmdimage.api;
    requires com.fasterxml.jackson.databind;
    requires com.fasterxml.jackson.dataformat.yaml;
    requires org.yaml.snakeyaml;
    requires org.slf4j;
    requires java.net.http;
    // RecordMethodCaches links a JDK record (jdk.net.UnixDomainPrincipal) to release the JDK 17 record-method
    // caches that would pin an embedder's class loader; on the module path jdk.net must be resolved for that
    requires jdk.net;
    requires static org.jspecify;

    exports dev.cmdimage.core;
    // PEM reading, shared with the Docker engine's TLS (DOCKER_CERT_PATH); not part of the API
    exports dev.cmdimage.core.internal.tls to dev.cmdimage.docker;
    // CredentialMask: the Docker pusher masks the credentials in what the engine relays, as the HTTP pusher does
    exports dev.cmdimage.core.internal.registryhttp to dev.cmdimage.docker;
}

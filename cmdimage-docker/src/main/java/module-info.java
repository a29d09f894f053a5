/**
 * The Docker engine as cmdimage's image store and pusher ({@code dev.cmdimage.docker}), through docker-java. Its
 * {@code internal} package is not exported, and no docker-java type appears in its public signatures.
 *
 * <p>docker-java's jars have no descriptor, only stable {@code Automatic-Module-Name}s (hence the suppressed
 * warning).
 */
@SuppressWarnings("requires-automatic")
module dev.cmdimage.docker {
    requires transitive dev.cmdimage.api;
    requires dev.cmdimage.core;
    requires com.github.dockerjava.api;
    requires com.github.dockerjava.core;
    requires com.github.dockerjava.transport.httpclient5;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires static org.jspecify;

    exports dev.cmdimage.docker;
}

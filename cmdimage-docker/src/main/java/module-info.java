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
    // docker-java's automatic modules cannot say which named modules they load at run time; required here so that
    // `requires dev.cmdimage.docker` alone resolves them (an automatic module reads every module in the graph)
    requires com.google.common;
    requires org.apache.commons.compress;
    requires org.apache.commons.io;
    requires org.apache.commons.lang3;
    requires org.bouncycastle.pkix;
    requires org.bouncycastle.provider;
    requires static org.jspecify;

    exports dev.cmdimage.docker;
}

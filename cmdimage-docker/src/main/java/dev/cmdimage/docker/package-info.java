/**
 * The Docker engine as cmdimage's image store and pusher (docker-java, Apache HttpClient 5 transport).
 * {@link dev.cmdimage.docker.DockerEngine} finds and connects to the engine, {@link dev.cmdimage.docker.DockerImageStore}
 * verifies and retags images in it, {@link dev.cmdimage.docker.DockerRegistryPusher} pushes them with credentials
 * from the Docker config ({@link dev.cmdimage.core.DockerConfigCredentials}). Nothing else in cmdimage knows
 * docker-java exists.
 */
@NullMarked
package dev.cmdimage.docker;

import org.jspecify.annotations.NullMarked;

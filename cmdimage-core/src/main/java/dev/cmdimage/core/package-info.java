/**
 * cmdimage's implementation of the {@link dev.cmdimage.api} contract: {@link dev.cmdimage.core.CmdImages} makes a
 * {@link dev.cmdimage.api.CmdImageBuilder}, {@link dev.cmdimage.core.CmdImageControllers} a
 * {@link dev.cmdimage.api.CmdImageController}; {@link dev.cmdimage.core.JdkProcessRunner} runs commands,
 * {@link dev.cmdimage.core.OciLayoutStore} and {@link dev.cmdimage.core.RegistryHttpPusher} store and push images
 * without a Docker engine, {@link dev.cmdimage.core.DockerConfigCredentials} reads registry credentials, and
 * {@link dev.cmdimage.core.CmdImageCodec} and {@link dev.cmdimage.core.Validation} read and check API objects.
 *
 * <p>Every type here is {@code @NullMarked} (JSpecify): what may be {@code null} says {@code @Nullable}.
 */
@NullMarked
package dev.cmdimage.core;

import org.jspecify.annotations.NullMarked;

/**
 * Service provider interfaces: what a caller plugs into a {@link dev.cmdimage.api.CmdImageBuilder}.
 * {@link dev.cmdimage.spi.ProcessRunner} runs the command, {@link dev.cmdimage.spi.ImageStore} holds images (the
 * Docker engine, an OCI image layout), {@link dev.cmdimage.spi.RegistryPusher} pushes them, and
 * {@link dev.cmdimage.spi.CredentialsProvider} finds registry credentials.
 */
@NullMarked
package dev.cmdimage.spi;

import org.jspecify.annotations.NullMarked;

/**
 * Service provider interfaces: what a caller plugs into a {@link dev.cmdimage.api.CmdImageBuilder}.
 * {@link dev.cmdimage.spi.ProcessRunner} runs the command, {@link dev.cmdimage.spi.ImageStore} holds images (the
 * Docker engine, an OCI image layout), {@link dev.cmdimage.spi.RegistryPusher} pushes them, and
 * {@link dev.cmdimage.spi.CredentialsProvider} finds registry credentials.
 *
 * <p>One instance of each serves every build of a builder, and builds run in parallel: every SPI is called
 * concurrently, from the builds' threads, and must be thread-safe (each type says which threads call it). Methods
 * added to these interfaces later come with a default, so implementations keep compiling and linking.
 */
@NullMarked
package dev.cmdimage.spi;

import org.jspecify.annotations.NullMarked;

/**
 * TLS material read with the JDK alone (not exported; opened to {@code dev.cmdimage.docker} for the Docker engine's
 * TLS files): PEM certificates and private keys ({@link dev.cmdimage.core.internal.tls.Pem}).
 */
package dev.cmdimage.core.internal.tls;

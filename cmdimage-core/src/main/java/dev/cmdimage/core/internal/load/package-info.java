/**
 * Loading images into clusters without a registry: the tool each product needs ({@code kind}, {@code k3d},
 * {@code minikube}, {@code ctr}) and the OCI archive handed to them. Not exported.
 */
package dev.cmdimage.core.internal.load;

/**
 * Registry rules of BEHAVIOUR.md section 3 (not exported): which registry a build uses
 * ({@link dev.cmdimage.core.internal.registry.RegistryResolver}) and how image names move into it
 * ({@link dev.cmdimage.core.internal.registry.RefRewriter}).
 */
package dev.cmdimage.core.internal.registry;

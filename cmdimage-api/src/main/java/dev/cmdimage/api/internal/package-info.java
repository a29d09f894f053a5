/**
 * Not API: what cmdimage's own modules need from the API module and no user should call. The module exports this
 * package only to {@code dev.cmdimage.core}; it may change in any release.
 */
package dev.cmdimage.api.internal;

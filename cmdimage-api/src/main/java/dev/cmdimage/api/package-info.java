/**
 * The public contract of cmdimage: the Tilt {@code tilt.dev/v1alpha1} API objects ({@link dev.cmdimage.api.CmdImage},
 * {@link dev.cmdimage.api.ImageMap}, {@link dev.cmdimage.api.Cluster}, ...), the {@link dev.cmdimage.api.CmdImageBuilder}
 * that runs one build, the {@link dev.cmdimage.api.CmdImageController} that keeps many built, the
 * {@link dev.cmdimage.api.BuildListener} and the {@link dev.cmdimage.api.CmdImageException} hierarchy.
 *
 * <p>Every value type here (the records) is immutable, and every type depends on nothing but the JDK. Collections in
 * values are never {@code null}; absent optional strings are {@code null} on the wire objects (as in Tilt's JSON,
 * where empty fields are omitted) and are normalized to {@code null} when empty.
 *
 * <p>Nullness is stated with JSpecify: every type here is {@code @NullMarked}, so a parameter, return value or
 * record component that may be {@code null} says {@code @Nullable}; everything else is never {@code null}. The
 * annotations are read at compile time only (an optional dependency): cmdimage needs no JSpecify jar at run time.
 */
@NullMarked
package dev.cmdimage.api;

import org.jspecify.annotations.NullMarked;

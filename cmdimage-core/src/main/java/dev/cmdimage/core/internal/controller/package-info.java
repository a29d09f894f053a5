/**
 * The CmdImage controller (BEHAVIOUR.md section 6), not exported: {@link
 * dev.cmdimage.core.internal.controller.DefaultCmdImageController} holds the objects and reconciles them;
 * {@code Decisions} decides what to do about one CmdImage (a pure function over a snapshot); {@code Inputs} is what
 * makes a build out of date; {@code DependencyGraph} gives the build order and the cycles.
 * Create one through {@link dev.cmdimage.core.CmdImageControllers}.
 */
package dev.cmdimage.core.internal.controller;

/**
 * The build pipeline behind {@link dev.cmdimage.core.CmdImages} (not exported). Start reading at
 * {@link dev.cmdimage.core.internal.pipeline.BuildRun#execute()}: it is BEHAVIOUR.md section 4 from top to bottom,
 * one small step class per job ({@code ValidateStep}, {@code ResolveStep}, {@code ExpectStep},
 * {@code EnvironmentStep}, {@code RunStep}, {@code RefFileStep}, {@code VerifyStep}, {@code RetagStep},
 * {@code PushStep}). {@code BuildExecution} is the handle and guarantees that every build ends {@code completed}
 * exactly once; {@code Messages} holds every error sentence.
 */
package dev.cmdimage.core.internal.pipeline;

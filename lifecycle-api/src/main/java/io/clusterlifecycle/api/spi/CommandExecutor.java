package io.clusterlifecycle.api.spi;

import java.util.concurrent.CompletionStage;

/**
 * Runs service commands on nodes: a local process, SSH, pod exec.
 *
 * <p>Contract: {@link #run} returns at once and completes when the command has ended. A non-zero
 * exit is a normal completion with that {@link CommandResult#exitCode()}, not an exception. The
 * command is killed and reported with {@link CommandResult#timedOut()} when it exceeds {@link
 * CommandRequest#timeout()}. Cancelling the returned stage (through {@link
 * java.util.concurrent.CompletableFuture#cancel}) kills the command. An exception means the command
 * could not be run at all; {@link TransientSpiException} asks for a retry. Killing a command kills
 * the processes it started and is still waiting for, not only its shell. Implementations pass
 * {@link CommandRequest#environment()} as environment variables and never interpolate it into the
 * command text. A null request is refused: {@link #run} throws {@link NullPointerException} or
 * fails its stage.
 *
 * <p>{@code io.clusterlifecycle.testkit.compat.CommandExecutorCompatibilityKit} (module {@code
 * lifecycle-testkit}) checks this contract.
 */
public interface CommandExecutor extends AutoCloseable {

  /**
   * Runs one command.
   *
   * @param request the node, script, environment and timeout
   * @return the command's result
   */
  CompletionStage<CommandResult> run(CommandRequest request);

  /**
   * Releases connections and threads the executor holds. Commands still running are killed or
   * abandoned, but their stages do not stay pending: each completes, normally or exceptionally. The
   * default does nothing, which suits executors that hold nothing and whose stages complete on
   * their own.
   */
  @Override
  default void close() {}
}

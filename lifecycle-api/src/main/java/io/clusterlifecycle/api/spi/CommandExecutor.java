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
   * Makes sure that no earlier run of a step is still going on a node, so that the step can be run
   * again without two runs of it at once (docs/design.md §5.8). The engine calls it before it runs
   * again a command step that a crashed or cancelled run of the operation had started.
   *
   * <p>Contract: the returned stage completes normally only once every run this executor, or
   * another instance of it on the same nodes (an engine that crashed), started with {@code runKey}
   * on {@code node} has ended: a run still going is killed together with every process it started,
   * and waited for; a run that already ended, or none at all, completes the stage at once. Runs
   * with other keys are not touched, nor are processes a finished run left behind on purpose
   * (daemons its script started and that outlived it). It completes exceptionally when it cannot
   * prove the earlier run gone (the node cannot be reached, say); the engine then fails the step
   * rather than risk a second run. A {@link TransientSpiException} is retried.
   *
   * @param node the node the step runs on, as the provider reported it
   * @param runKey the step's {@link CommandRequest#runKey()}; not empty
   * @return completes when no run with that key is alive on the node
   */
  CompletionStage<Void> fence(NodeResource node, String runKey);

  /**
   * Releases connections and threads the executor holds. Commands still running are killed or
   * abandoned, but their stages do not stay pending: each completes, normally or exceptionally. The
   * default does nothing, which suits executors that hold nothing and whose stages complete on
   * their own.
   */
  @Override
  default void close() {}
}

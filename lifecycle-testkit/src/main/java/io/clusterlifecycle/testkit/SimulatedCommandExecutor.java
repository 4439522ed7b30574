package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeResource;
import java.util.Objects;
import java.util.concurrent.CompletionStage;

/** A {@link CommandExecutor} decorated by a {@link Simulator}; see {@link Simulator#wrap}. */
final class SimulatedCommandExecutor implements CommandExecutor {
  private final Simulator sim;
  private final CommandExecutor delegate;

  SimulatedCommandExecutor(Simulator sim, CommandExecutor delegate) {
    this.sim = sim;
    this.delegate = delegate;
  }

  @Override
  public CompletionStage<CommandResult> run(CommandRequest request) {
    Objects.requireNonNull(request, "request");
    return sim.call(
        SpiMethod.COMMAND_RUN,
        request.node().ref().nodeId() + "/" + request.service(),
        () -> delegate.run(request));
  }

  @Override
  public CompletionStage<Void> fence(NodeResource node, String runKey) {
    Objects.requireNonNull(node, "node");
    return sim.call(
        SpiMethod.COMMAND_FENCE,
        node.ref().nodeId() + "/" + runKey,
        () -> delegate.fence(node, runKey));
  }

  /** Does not close the wrapped executor, which belongs to the caller. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Simulated[" + delegate + "]";
  }
}

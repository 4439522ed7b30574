package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.RoleAction;
import io.clusterlifecycle.api.state.NodeAction;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code action CLUSTER ROLE ACTION}: the service orchestrator's role actions (design §6.13). */
@Command(
    name = "action",
    description = {
      "Act on the nodes of a role, or on chosen nodes of it, in batches: terminate, undeploy,"
          + " hold, release, stop, suspend, resume, reboot, poweroff (each of terminate, undeploy,"
          + " reboot and poweroff also as -hard), snapshot-create, snapshot-revert,"
          + " snapshot-delete, disk-snapshot-create, disk-snapshot-revert, disk-snapshot-delete.",
      "An action the infrastructure does not support is refused before anything runs."
    })
final class ActionCommand extends ClusterCommands.ClusterOperation {
  @Parameters(index = "1", paramLabel = "ROLE", description = "The role.")
  String role;

  @Parameters(index = "2", paramLabel = "ACTION", description = "The action, such as suspend.")
  String action;

  @Option(
      names = "--number",
      paramLabel = "N",
      description = "Act on N nodes at a time (default: the engine's, 1).")
  Integer number;

  @Option(
      names = "--period",
      paramLabel = "SEC",
      description = "Wait SEC seconds between two batches (default: the engine's, 60).")
  Long periodSeconds;

  @Option(
      names = "--nodes",
      paramLabel = "ID,ID",
      split = ",",
      description = "Only these nodes of the role, in this order (default: all of them).")
  List<String> nodes = List.of();

  @Option(
      names = "--snapshot",
      paramLabel = "NAME",
      description = "The snapshot a snapshot action works on.")
  String snapshot = "";

  @Override
  OperationRequest request() {
    NodeAction parsed;
    try {
      parsed = NodeAction.parse(action);
    } catch (IllegalArgumentException e) {
      throw ClusterCommands.badInput("ACTION", e.getMessage());
    }
    RoleAction.Builder b =
        RoleAction.builder(cluster, role, parsed).nodes(nodes).snapshot(snapshot);
    if (number != null) {
      b.number(number);
    }
    if (periodSeconds != null) {
      b.period(Duration.ofSeconds(periodSeconds));
    }
    return timed(b.build(), t -> b.timeout(t).build());
  }
}

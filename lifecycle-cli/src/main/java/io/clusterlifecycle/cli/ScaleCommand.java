package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.request.ElasticScale;
import io.clusterlifecycle.api.request.OperationRequest;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code scale CLUSTER ROLE N}: sets a role's node count as the autoscaler does (design §6.14). */
@Command(
    name = "scale",
    description = {
      "Set the node count of a role that scales horizontally, as its elasticity policies would:"
          + " nodes are added, or the newest deleted, and the cluster then stays in COOLDOWN for"
          + " the cooldown (ended early by recover)."
    })
final class ScaleCommand extends ClusterCommands.ClusterOperation {
  @Parameters(index = "1", paramLabel = "ROLE", description = "The role.")
  String role;

  @Parameters(index = "2", paramLabel = "N", description = "The node count wanted.")
  int cardinality;

  @Option(
      names = "--cooldown",
      paramLabel = "SEC",
      description = "Seconds in COOLDOWN afterwards (default: 300).")
  Long cooldownSeconds;

  @Override
  OperationRequest request() {
    ElasticScale r = ElasticScale.of(cluster, role, cardinality);
    return cooldownSeconds == null ? r : r.withCooldown(Duration.ofSeconds(cooldownSeconds));
  }
}

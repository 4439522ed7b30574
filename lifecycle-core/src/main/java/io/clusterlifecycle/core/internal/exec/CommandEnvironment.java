package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spi.CommandRequest;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The {@code LC_*} variables of one operation's commands (docs/design.md §9.3). The variables every
 * command of a service shares (cluster, service, operation, app version) are built once per service
 * and version, so a stage of a thousand commands builds them once; each command adds its node's six
 * and gets one immutable map, which {@link CommandRequest} keeps without copying. Thread-safe.
 */
final class CommandEnvironment {
  private static final int PER_NODE = 6;

  /** What the shared variables depend on besides the operation. */
  private record Shared(String clusterId, String clusterName, String service, String version) {}

  private final String operationId;
  private final Map<Shared, Map.Entry<String, String>[]> shared = new ConcurrentHashMap<>();

  /**
   * @param operationId the operation whose commands these are; empty for a command run outside one
   */
  CommandEnvironment(String operationId) {
    this.operationId = operationId;
  }

  /** The variables of {@code service}'s command on {@code node}, as the cluster is recorded now. */
  Map<String, String> of(Cluster cluster, Node node, String service) {
    Map.Entry<String, String>[] common =
        shared.computeIfAbsent(
            new Shared(cluster.id(), cluster.name(), service, cluster.specOf(node).version()),
            this::common);
    Map.Entry<String, String>[] all = Arrays.copyOf(common, common.length + PER_NODE);
    int i = common.length;
    all[i++] = Map.entry(CommandRequest.LC_ROLE, node.role());
    all[i++] = Map.entry(CommandRequest.LC_NODE_ID, node.id());
    all[i++] = Map.entry(CommandRequest.LC_NODE_IP, node.address().orElse(""));
    all[i++] = Map.entry(CommandRequest.LC_NODE_CPU, String.valueOf(node.cpu()));
    all[i++] = Map.entry(CommandRequest.LC_NODE_MEMORY, String.valueOf(node.memory()));
    all[i] = Map.entry(CommandRequest.LC_NODE_VOLUME_SIZE, String.valueOf(node.volumeSize()));
    return Map.ofEntries(all);
  }

  @SuppressWarnings("unchecked")
  private Map.Entry<String, String>[] common(Shared s) {
    return new Map.Entry[] {
      Map.entry(CommandRequest.LC_CLUSTER_ID, s.clusterId()),
      Map.entry(CommandRequest.LC_CLUSTER_NAME, s.clusterName()),
      Map.entry(CommandRequest.LC_SERVICE, s.service()),
      Map.entry(CommandRequest.LC_OPERATION_ID, operationId),
      Map.entry(CommandRequest.LC_APP_VERSION, s.version())
    };
  }
}

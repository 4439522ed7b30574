package io.clusterlifecycle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.codec.RecordCodec;
import java.util.List;
import java.util.stream.Collectors;

/** The JSON and text views of clusters the CLI prints (docs/design.md §10). */
final class ClusterView {
  static final ObjectMapper JSON = new ObjectMapper();

  private ClusterView() {}

  static ObjectNode json(Cluster c, boolean withNodes) {
    ObjectNode o =
        JSON.createObjectNode()
            .put("id", c.id())
            .put("name", c.name())
            .put("namespace", c.namespace())
            .put("state", c.state().name())
            .put("app", c.spec().name())
            .put("version", c.spec().version())
            .put("created_at", RecordCodec.formatTime(c.createdAt()))
            .put("updated_at", RecordCodec.formatTime(c.updatedAt()));
    c.previousSpec().ifPresent(p -> o.put("previous_version", p.version()));
    ObjectNode roles = o.putObject("roles");
    c.roleStates().forEach((role, state) -> roles.put(role, state.name()));
    ObjectNode labels = o.putObject("labels");
    c.labels().forEach(labels::put);
    c.operation().ifPresent(id -> o.put("operation", id));
    ArrayNode plugins = o.putArray("plugins");
    c.plugins()
        .forEach(
            p ->
                plugins
                    .addObject()
                    .put("name", p.name())
                    .put("version", p.version())
                    .put("args", p.args()));
    if (withNodes) {
      ArrayNode nodes = o.putArray("nodes");
      for (Node n : c.nodes()) {
        ObjectNode node = nodes.addObject();
        n.workload()
            .ifPresent(
                w ->
                    node.putObject("workload")
                        .put("state", w.state().label())
                        .put("message", w.message())
                        .put("at", RecordCodec.formatTime(w.at())));
        n.problem().ifPresent(p -> node.put("problem", p));
        node.put("id", n.id())
            .put("role", n.role())
            .put("state", n.state().name())
            .put("ip", n.address().orElse(""))
            .put("cpu", n.cpu())
            .put("memory", n.memory())
            .put("volume_size", n.volumeSize())
            .put("version", version(c, n));
      }
    }
    return o;
  }

  /** The app version a node runs; records written before nodes had one run the cluster's. */
  static String version(Cluster c, Node n) {
    return n.version().orElse(c.spec().version());
  }

  static String text(Cluster c, List<Operation> operations) {
    StringBuilder b = new StringBuilder();
    b.append("cluster ")
        .append(c.name())
        .append(" (")
        .append(c.id())
        .append(")  ")
        .append(c.state())
        .append("  app ")
        .append(c.spec().name())
        .append(' ')
        .append(c.spec().version())
        .append("  namespace ")
        .append(c.namespace())
        .append('\n');
    if (!c.labels().isEmpty()) {
      b.append("labels: ")
          .append(
              c.labels().entrySet().stream()
                  .map(e -> e.getKey() + "=" + e.getValue())
                  .collect(Collectors.joining(",")))
          .append('\n');
    }
    if (!c.plugins().isEmpty()) {
      b.append("plugins: ")
          .append(
              c.plugins().stream()
                  .map(p -> p.version().isEmpty() ? p.name() : p.name() + ":" + p.version())
                  .collect(Collectors.joining(",")))
          .append('\n');
    }
    c.previousSpec()
        .ifPresent(p -> b.append("previous version: ").append(p.version()).append('\n'));
    b.append("roles: ")
        .append(
            c.roleStates().entrySet().stream()
                .map(e -> e.getKey() + " " + e.getValue())
                .collect(Collectors.joining(", ")))
        .append('\n');
    String format = "  %-28s %-10s %-9s %-15s %4s %8s %8s  %s%n";
    b.append(
        String.format(
            format, "NODE", "ROLE", "STATE", "IP", "CPU", "MEM_MIB", "VOL_GIB", "VERSION"));
    for (Node n : c.nodes()) {
      b.append(
          String.format(
              format,
              n.id(),
              n.role(),
              n.state(),
              n.address().orElse(""),
              n.cpu(),
              n.memory(),
              n.volumeSize(),
              version(c, n)));
    }
    for (Node n : c.nodes()) {
      n.problem()
          .ifPresent(
              p -> b.append("  ").append(n.id()).append("  unhealthy: ").append(p).append('\n'));
      n.workload()
          .ifPresent(
              w ->
                  b.append("  ")
                      .append(n.id())
                      .append("  workload ")
                      .append(w.describe())
                      .append('\n'));
    }
    if (!operations.isEmpty()) {
      b.append("operations:\n");
      for (Operation op : operations) {
        b.append("  ")
            .append(op.id())
            .append("  ")
            .append(op.type().displayName())
            .append("  ")
            .append(op.state())
            .append(op.refused() ? " (refused)" : "")
            .append(op.error().map(e -> "  " + e).orElse(""))
            .append('\n');
      }
    }
    return b.toString();
  }

  /** Adds what the operation's scripts reported per node, as {@code results}. */
  static void results(ObjectNode o, Operation op) {
    if (!op.results().isEmpty()) {
      ObjectNode all = o.putObject("results");
      op.results().forEach((node, values) -> values.forEach(all.putObject(node)::put));
    }
  }

  /** What the operation's scripts reported, one line per node: {@code result NODE: k=v ...}. */
  static String resultsText(Operation op) {
    StringBuilder b = new StringBuilder();
    op.results()
        .forEach(
            (node, values) ->
                b.append("result ")
                    .append(node)
                    .append(": ")
                    .append(
                        values.entrySet().stream()
                            .map(e -> e.getKey() + "=" + e.getValue())
                            .collect(Collectors.joining(" ")))
                    .append('\n'));
    return b.toString();
  }

  static String row(Cluster c) {
    return String.format(
        "%-20s %-22s %-18s %-10s %-12s %5d",
        c.name(),
        c.id(),
        c.state(),
        c.namespace(),
        c.spec().name() + " " + c.spec().version(),
        c.nodes().size());
  }

  static String header() {
    return String.format(
        "%-20s %-22s %-18s %-10s %-12s %5s", "NAME", "ID", "STATE", "NAMESPACE", "APP", "NODES");
  }
}

package io.clusterlifecycle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.model.Drift;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Compares a cluster's record with the infrastructure and reports the differences. */
@Command(
    name = "reconcile",
    description = {
      "Compare a cluster's record with what the infrastructure holds for it: nodes whose resource"
          + " is gone (MISSING), resources tagged with the cluster that the record does not know"
          + " (UNKNOWN), nodes whose running state or address differ. Reads only.",
      "Exits 0 when they agree and 1 when something differs."
    })
final class ReconcileCommand extends ClusterCommands.Base {
  @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
  String cluster;

  @Override
  boolean changesTheHome() {
    return false;
  }

  @Override
  int run(Session session) {
    Drift drift = session.engine.reconcile(cluster);
    if (parent.json) {
      ObjectNode o = new ObjectMapper().createObjectNode();
      o.put("cluster_id", drift.clusterId()).put("in_sync", drift.inSync());
      drift.operation().ifPresent(op -> o.put("operation", op));
      ArrayNode findings = o.putArray("findings");
      drift
          .findings()
          .forEach(
              f ->
                  findings
                      .addObject()
                      .put("kind", f.kind().name())
                      .put("node", f.nodeId())
                      .put("detail", f.detail()));
      out().println(o);
    } else if (drift.inSync()) {
      out().println("cluster " + cluster + ": the record and the infrastructure agree");
    } else {
      drift
          .operation()
          .ifPresent(
              op ->
                  out()
                      .println(
                          "note: operation " + op + " is under way; it may settle some of this"));
      drift.findings().forEach(f -> out().println(f.kind() + " " + f.nodeId() + ": " + f.detail()));
    }
    out().flush();
    return drift.inSync() ? ExitCodes.OK : ExitCodes.FAILED;
  }
}

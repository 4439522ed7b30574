package io.clusterlifecycle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Drift;
import io.clusterlifecycle.api.request.ReconcileCluster;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Compares a cluster's record with the infrastructure and reports the differences. */
@Command(
    name = "reconcile",
    description = {
      "Compare a cluster's record with what the infrastructure holds for it: nodes whose resource"
          + " is gone (MISSING), resources tagged with the cluster that the record does not know"
          + " (UNKNOWN), nodes whose running state or address differ. Reads only, unless --fix.",
      "With --fix, then makes the infrastructure match the record in a journaled operation:"
          + " re-creates lost nodes (and runs their init and start), starts or stops resources"
          + " whose state differs, records moved addresses, and deletes unknown resources, or"
          + " with --adopt takes those of a known role into the record.",
      "Exits 0 when they agree (after --fix: when the fix succeeded) and 1 otherwise."
    })
final class ReconcileCommand extends ClusterCommands.Base {
  @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
  String cluster;

  @Option(
      names = "--fix",
      description = "Fix what differs through an operation (--async runs it in the background).")
  boolean fix;

  @Option(
      names = "--adopt",
      description = "With --fix: adopt unknown resources of a known role instead of deleting them.")
  boolean adopt;

  @Override
  boolean changesTheHome() {
    return fix;
  }

  @Override
  void checkInput() {
    if (adopt && !fix) {
      throw new ValidationException(
          "command line", List.of(ValidationProblem.of("--adopt", "applies with --fix only")));
    }
  }

  @Override
  void checkAgainstEmptyHome(Session empty) {
    empty.engine.get(cluster);
  }

  @Override
  int run(Session session) {
    Drift drift = session.engine.reconcile(cluster);
    if (fix) {
      if (!parent.json) {
        report(drift);
      }
      ReconcileCluster request = ReconcileCluster.of(drift.clusterId());
      return execute(session, adopt ? request.adoptingUnknown() : request, drift.clusterId());
    }
    report(drift);
    return drift.inSync() ? ExitCodes.OK : ExitCodes.FAILED;
  }

  private void report(Drift drift) {
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
  }
}

package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ClusterQuery;
import io.clusterlifecycle.api.state.ClusterState;
import java.util.List;
import java.util.Locale;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The commands of docs/design.md §10 that read the records, or only drop DONE ones. */
final class QueryCommands {
  private QueryCommands() {}

  @Command(name = "list", description = "List clusters.")
  static final class ListClusters extends ClusterCommands.Base {
    @Option(names = "--selector", paramLabel = "K=V,...", description = "Label selector.")
    String selector;

    @Option(names = "--state", description = "Only clusters in this state.")
    String state;

    @Option(names = "--namespace", description = "Only clusters of this namespace.")
    String namespace;

    @Option(names = "--detailed", description = "Include the nodes.")
    boolean detailed;

    @Override
    boolean changesTheHome() {
      return false;
    }

    @Override
    int run(Session session) {
      ClusterQuery q = ClusterQuery.all();
      if (selector != null) {
        q = q.withSelector(selector);
      }
      if (namespace != null) {
        q = q.inNamespace(namespace);
      }
      if (state != null) {
        try {
          q = q.inState(ClusterState.valueOf(state.toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
          throw ClusterCommands.badInput(
              "--state",
              "unknown state '"
                  + state
                  + "'; one of "
                  + java.util.Arrays.toString(ClusterState.values()));
        }
      }
      List<Cluster> clusters = session.engine.list(q);
      if (parent.json) {
        var array = ClusterView.JSON.createArrayNode();
        clusters.forEach(c -> array.add(ClusterView.json(c, detailed)));
        out().println(array);
      } else {
        out().println(ClusterView.header());
        for (Cluster c : clusters) {
          out().println(ClusterView.row(c));
          if (detailed) {
            c.nodes()
                .forEach(
                    n ->
                        out()
                            .println(
                                "    "
                                    + n.id()
                                    + "  "
                                    + n.role()
                                    + "  "
                                    + n.state()
                                    + "  "
                                    + n.address().orElse("")));
          }
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", description = "Show a cluster with its nodes and operations.")
  static class Show extends ClusterCommands.Base {
    @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Override
    boolean changesTheHome() {
      return false;
    }

    /** The record to show. */
    Cluster load(Session session) {
      return session.engine.get(cluster);
    }

    /** The operations listed under the cluster in text form. */
    java.util.List<io.clusterlifecycle.api.model.Operation> operations(Session session, Cluster c) {
      return session.engine.operations(c.id());
    }

    @Override
    int run(Session session) {
      Cluster c = load(session);
      if (parent.json) {
        out().println(ClusterView.json(c, true));
      } else {
        out().print(ClusterView.text(c, operations(session, c)));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "health",
      description = {
        "Check the health of a running cluster's nodes: the provider's view of each instance and"
            + " the role's 'health' service, if it has one.",
        "The cluster shows WARNING while a node is unhealthy or reported itself blocked, and"
            + " RUNNING again once all are healthy. A busy or stopped cluster is shown as it is."
      })
  static final class Health extends Show {
    @Override
    Cluster load(Session session) {
      return session.engine.checkHealth(cluster);
    }

    @Override
    java.util.List<io.clusterlifecycle.api.model.Operation> operations(Session session, Cluster c) {
      return java.util.List.of();
    }
  }

  @Command(name = "purge-done", description = "Remove the records of deleted (DONE) clusters.")
  static final class PurgeDone extends ClusterCommands.Base {
    @Override
    boolean changesTheHome() {
      return false;
    }

    @Override
    int run(Session session) {
      int n = session.engine.purgeDone();
      out().println(parent.json ? "{\"purged\":" + n + "}" : "purged " + n + " DONE clusters");
      return ExitCodes.OK;
    }
  }
}

package io.clusterlifecycle.samples.cli;

import io.clusterlifecycle.api.LifecycleTimeoutException;
import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.ValidationException;
import io.clusterlifecycle.api.ValidationProblem;
import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ClusterQuery;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.AppSpecFiles;
import io.clusterlifecycle.api.state.ClusterState;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** The cluster commands of SPEC section 13 that run on the local infrastructure. */
final class ClusterCommands {
  private ClusterCommands() {}

  /** What every cluster command shares: the global options and an engine session. */
  abstract static class Base implements Callable<Integer> {
    @ParentCommand
    LifecycleCli parent;

    @Spec
    CommandSpec command;

    PrintWriter out() {
      return command.commandLine().getOut();
    }

    PrintWriter err() {
      return command.commandLine().getErr();
    }

    @Override
    public final Integer call() {
      try (Session session = new Session(parent.home, parent.trace, parent.store)) {
        return run(session);
      }
    }

    abstract int run(Session session);

    /** Runs an operation, printing each finished stage to stderr as progress. */
    int execute(Session session, OperationRequest request, String clusterRef) {
      return withProgress(session, clusterRef, () -> {
        Operation op = session.engine.execute(request);
        Cluster c = session.engine.get(op.clusterId());
        if (parent.json) {
          var o = ClusterView.json(c, true).put("operation_id", op.id());
          if (!op.keptVolumes().isEmpty()) {
            var kept = o.putArray("kept_volumes");
            op.keptVolumes().forEach(kept::add);
          }
          if (!op.warnings().isEmpty()) {
            var warnings = o.putArray("warnings");
            op.warnings().forEach(warnings::add);
          }
          out().println(o);
        } else {
          op.warnings().forEach(w -> out().println("warning: " + w));
          op.keptVolumes().forEach(v -> out().println("kept volume: " + v));
          out().print(ClusterView.text(c, List.of()));
        }
      });
    }

    /**
     * Runs {@code work} with stage progress on stderr (unless --json); an operation that failed
     * or timed out is reported with the cluster's state and exit code 1.
     */
    int withProgress(Session session, String clusterRef, Runnable work) {
      EventListener progress = e -> {
        if (e.event() == EventType.STAGE_FINISHED) {
          err().println("  " + e.stage() + " ... " + e.message());
          err().flush();
        } else if (e.event() == EventType.OPERATION_STARTED && e.message() != null
            && e.message().startsWith("resumed")) {
          err().println("  " + e.message());
        }
      };
      if (!parent.json) {
        session.engine.addListener(progress);
      }
      try {
        work.run();
        return ExitCodes.OK;
      } catch (OperationFailedException | LifecycleTimeoutException e) {
        Cluster c = session.engine.get(e instanceof OperationFailedException f
            ? f.operation().clusterId() : clusterRef);
        err().println("lifecycle: " + e.getMessage());
        err().println("cluster " + c.name() + " is " + c.state());
        return ExitCodes.FAILED;
      } finally {
        session.engine.removeListener(progress);
      }
    }
  }

  static Map<String, String> pairs(List<String> values, String option) {
    java.util.LinkedHashMap<String, String> m = new java.util.LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw new ValidationException("command line", List.of(ValidationProblem.of(option,
            "'" + v + "' is not KEY=VALUE")));
      }
      m.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return m;
  }

  static CreateCluster createRequest(Path specFile, String name, List<String> counts,
      List<String> labels, List<String> env, LifecycleCli parent) {
    AppSpec spec = AppSpecFiles.read(specFile);
    CreateCluster.Builder b = CreateCluster.builder(spec, name);
    pairs(counts, "--count").forEach((role, n) -> {
      try {
        b.count(role, Integer.parseInt(n));
      } catch (NumberFormatException e) {
        throw new ValidationException("command line", List.of(ValidationProblem.of("--count",
            "'" + n + "' for role " + role + " is not a whole number")));
      }
    });
    pairs(labels, "--label").forEach(b::label);
    pairs(env, "--env").forEach(b::env);
    parent.timeout().ifPresent(b::timeout);
    return b.build();
  }

  @Command(name = "create", description = "Create a cluster of an app spec on this machine.")
  static final class Create extends Base {
    @Parameters(paramLabel = "SPEC", description = "The app spec file.")
    Path spec;

    @Option(names = "--name", required = true, description = "The cluster name.")
    String name;

    @Option(names = "--count", paramLabel = "ROLE=N", description = "Node count of a role.")
    List<String> counts = List.of();

    @Option(names = "--label", paramLabel = "K=V", description = "A label of the cluster.")
    List<String> labels = List.of();

    @Option(names = "--env", paramLabel = "K=V", description = "Override a parameter.")
    List<String> env = List.of();

    @Override
    int run(Session session) {
      return execute(session, createRequest(spec, name, counts, labels, env, parent), name);
    }
  }

  @Command(name = "list", description = "List clusters.")
  static final class ListClusters extends Base {
    @Option(names = "--selector", paramLabel = "K=V,...", description = "Label selector.")
    String selector;

    @Option(names = "--state", description = "Only clusters in this state.")
    String state;

    @Option(names = "--namespace", description = "Only clusters of this namespace.")
    String namespace;

    @Option(names = "--detailed", description = "Include the nodes.")
    boolean detailed;

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
          throw new ValidationException("command line", List.of(ValidationProblem.of("--state",
              "unknown state '" + state + "'; one of " + java.util.Arrays.toString(
                  ClusterState.values()))));
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
            c.nodes().forEach(n -> out().println("    " + n.id() + "  " + n.role() + "  "
                + n.state() + "  " + n.address()));
          }
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "show", description = "Show a cluster with its nodes and operations.")
  static final class Show extends Base {
    @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Override
    int run(Session session) {
      Cluster c = session.engine.get(cluster);
      if (parent.json) {
        out().println(ClusterView.json(c, true));
      } else {
        out().print(ClusterView.text(c, session.engine.operations(c.id())));
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "add-nodes", description = "Add nodes to a role of a cluster.")
  static final class AddNodesCommand extends Base {
    @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Option(names = "--role", required = true, description = "The role to grow.")
    String role;

    @Option(names = "--count", required = true, description = "How many nodes to add.")
    int count;

    @Override
    int run(Session session) {
      AddNodes r = AddNodes.of(cluster, role, count);
      return execute(session, parent.timeout().map(r::withTimeout).orElse(r), cluster);
    }
  }

  @Command(name = "delete-nodes", description = "Delete nodes of a cluster.")
  static final class DeleteNodesCommand extends Base {
    @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Parameters(index = "1..*", paramLabel = "NODE_ID", description = "The nodes to delete.")
    List<String> nodes;

    @Option(names = "--force", description = "Record destroy/stop/scale_in failures as warnings.")
    boolean force;

    @Override
    int run(Session session) {
      DeleteNodes r = DeleteNodes.of(cluster, nodes.toArray(String[]::new));
      r = force ? r.forced() : r;
      return execute(session, parent.timeout().map(r::withTimeout).orElse(r), cluster);
    }
  }

  @Command(name = "recover", description = {"Finish what an interrupted or failed operation"
      + " left: resume it from its first unfinished step.",
      "With --delete: force-delete a cluster whose deletion failed."})
  static final class Recover extends Base {
    @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Option(names = "--delete", description = "Force-delete the cluster instead of resuming.")
    boolean delete;

    @Override
    int run(Session session) {
      if (delete) {
        DeleteCluster r = DeleteCluster.of(cluster).forced();
        return execute(session, parent.timeout().map(r::withTimeout).orElse(r), cluster);
      }
      return withProgress(session, cluster, () -> {
        Cluster c = session.engine.recover(cluster,
            parent.timeout().orElse(io.clusterlifecycle.core.LifecycleEngine.DEFAULT_TIMEOUT));
        if (parent.json) {
          out().println(ClusterView.json(c, true));
        } else {
          out().print(ClusterView.text(c, List.of()));
        }
      });
    }
  }

  @Command(name = "purge-done", description = "Remove the records of deleted (DONE) clusters.")
  static final class PurgeDone extends Base {
    @Override
    int run(Session session) {
      int n = session.engine.purgeDone();
      out().println(parent.json ? "{\"purged\":" + n + "}" : "purged " + n + " DONE clusters");
      return ExitCodes.OK;
    }
  }

  @Command(name = "delete", description = "Delete a cluster.")
  static final class Delete extends Base {
    @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Option(names = "--force", description = "Record destroy/stop failures as warnings.")
    boolean force;

    @Option(names = "--keep-volumes", description = "Leave the nodes' volumes in place.")
    boolean keepVolumes;

    @Override
    int run(Session session) {
      DeleteCluster r = DeleteCluster.of(cluster);
      r = force ? r.forced() : r;
      r = keepVolumes ? r.keepingVolumes() : r;
      return execute(session, parent.timeout().map(r::withTimeout).orElse(r), cluster);
    }
  }
}

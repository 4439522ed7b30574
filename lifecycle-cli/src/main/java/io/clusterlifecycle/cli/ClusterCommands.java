package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * The cluster commands of docs/design.md §10 that run operations, and what every command shares
 * ({@link Base}: the global options, an engine session on the infrastructure and stores they name).
 */
final class ClusterCommands {
  private ClusterCommands() {}

  /** How long a command waits for its operation to begin before it says what it waits for. */
  static final long WAIT_NOTICE_MILLIS = 500;

  /** What every cluster command shares: the global options and an engine session. */
  abstract static class Base implements Callable<Integer> {
    @ParentCommand LifecycleCli parent;

    @Spec CommandSpec command;

    PrintWriter out() {
      return command.commandLine().getOut();
    }

    PrintWriter err() {
      return command.commandLine().getErr();
    }

    @Override
    public final Integer call() {
      parent.checkGlobalOptions();
      checkInput();
      if (offline()) {
        try (Session empty = Session.empty()) {
          return run(empty);
        }
      }
      if (parent.homeMissing()) {
        try (Session empty = Session.empty()) {
          if (!changesTheHome()) {
            return run(empty);
          }
          checkAgainstEmptyHome(empty);
        }
      }
      try (Session session = parent.openSession(b -> {})) {
        return run(session);
      }
    }

    /**
     * Whether the command needs no store and no infrastructure at all: it then runs on an
     * {@linkplain Session#empty() empty session}, whatever the options say, and connects nowhere.
     */
    boolean offline() {
      return false;
    }

    /** Fails with a validation error on bad input, before the home is opened or created. */
    void checkInput() {}

    /**
     * Whether the command may write to the home. One that does not runs on an {@linkplain
     * Session#empty() empty session} while the home does not exist, and so never creates it.
     */
    boolean changesTheHome() {
      return true;
    }

    /**
     * Refuses the command, while the home does not exist, with the error the engine would give on
     * an empty home (a validation problem, an unknown cluster); returns when it would be accepted,
     * and the home is then created.
     */
    void checkAgainstEmptyHome(Session empty) {}

    abstract int run(Session session);

    /** Runs an operation, printing each finished stage to stderr as progress. */
    int execute(Session session, OperationRequest request, String clusterRef) {
      return withProgress(
          session,
          clusterRef,
          () -> {
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
              ClusterView.results(o, op);
              out().println(o);
            } else {
              op.warnings().forEach(w -> out().println("warning: " + w));
              op.keptVolumes().forEach(v -> out().println("kept volume: " + v));
              out().print(ClusterView.resultsText(op));
              out().print(ClusterView.text(c, List.of()));
            }
          });
    }

    /**
     * Prints on stderr, when the command's operation has not begun yet, which operation of the
     * cluster it waits for (docs/design.md §10.2); prints nothing when the cluster is idle or
     * unknown.
     */
    private void sayWhatItWaitsFor(Session session, String clusterRef, AtomicBoolean begun) {
      if (begun.get()) {
        return;
      }
      try {
        Cluster c = session.engine.get(clusterRef);
        Optional<String> busy = c.operation();
        if (busy.isPresent() && !begun.get()) {
          String what =
              session
                  .engine
                  .operation(busy.get())
                  .map(o -> o.type().displayName() + " " + o.id())
                  .orElse("operation " + busy.get());
          err()
              .println(
                  "  waiting for cluster "
                      + c.name()
                      + ": "
                      + what
                      + " is under way (state "
                      + c.state()
                      + ")");
          err().flush();
        }
      } catch (RuntimeException e) {
        // unknown or unreadable: the command itself reports what is wrong
      }
    }

    /**
     * Runs {@code work} with stage progress on stderr (unless --json); an operation that failed or
     * timed out is reported with the cluster's state and exit code 1. An operation the engine
     * starts after the first one (the rollback of an upgrade with --auto-rollback) is announced
     * before its stages.
     */
    int withProgress(Session session, String clusterRef, Runnable work) {
      Set<String> started = ConcurrentHashMap.newKeySet();
      EventListener progress =
          e -> {
            if (e.event() == EventType.STAGE_FINISHED) {
              err().println("  " + e.stage().orElse(null) + " ... " + e.message().orElse(null));
              err().flush();
            } else if (e.event() == EventType.OPERATION_STARTED
                && e.message().filter(m -> m.startsWith("resumed")).isPresent()) {
              err().println("  " + e.message().get());
            } else if (e.event() == EventType.OPERATION_STARTED
                && e.operation().isPresent()
                && started.add(e.operation().get())
                && started.size() > 1
                && e.opType().isPresent()) {
              err()
                  .println(
                      "  then "
                          + e.opType().get().displayName()
                          + " "
                          + e.operation().get()
                          + ": "
                          + e.message().orElse(""));
            }
          };
      if (!parent.json) {
        session.engine.addListener(progress);
      }
      AtomicBoolean begun = new AtomicBoolean();
      EventListener begin =
          e -> {
            if (e.event() == EventType.OPERATION_STARTED) {
              begun.set(true);
            }
          };
      session.engine.addListener(begin);
      ScheduledExecutorService waiting =
          Executors.newSingleThreadScheduledExecutor(
              r -> {
                Thread t = new Thread(r, "lifecycle-cli-waiting");
                t.setDaemon(true);
                return t;
              });
      waiting.schedule(
          () -> sayWhatItWaitsFor(session, clusterRef, begun),
          WAIT_NOTICE_MILLIS,
          TimeUnit.MILLISECONDS);
      try {
        CancelCommands.cancelOnSignal(session.engine, clusterRef, work);
        return ExitCodes.OK;
      } catch (OperationFailedException | LifecycleTimeoutException e) {
        Cluster c =
            session.engine.get(
                e instanceof OperationFailedException f ? f.operation().clusterId() : clusterRef);
        err().println("lifecycle: " + e.getMessage());
        err().println("cluster " + c.name() + " is " + c.state());
        return ExitCodes.FAILED;
      } finally {
        waiting.shutdownNow();
        session.engine.removeListener(begin);
        session.engine.removeListener(progress);
      }
    }
  }

  /**
   * A command that runs one operation request. {@code plan CLUSTER --op NAME} parses its own
   * arguments with the command NAME and shows the plan of the same {@link #request()}.
   */
  abstract static class OperationCommand extends Base {
    private OperationRequest request;

    /** The request the parsed arguments describe; throws a validation error for bad input. */
    abstract OperationRequest request();

    /** The cluster (name or id) the operation concerns, for reporting a failure. */
    abstract String cluster();

    @Override
    void checkInput() {
      request = request();
    }

    /** The request built before the session opened. */
    OperationRequest checkedRequest() {
      return request;
    }

    @Override
    void checkAgainstEmptyHome(Session empty) {
      empty.engine.plan(request);
    }

    @Override
    int run(Session session) {
      return execute(session, request, cluster());
    }

    /** The request with the --timeout of the command line, when one was given. */
    <R extends OperationRequest> R timed(R untimed, Function<Duration, R> withTimeout) {
      return parent.timeout().map(withTimeout).orElse(untimed);
    }
  }

  /** An operation on one existing cluster, named by the first parameter. */
  abstract static class ClusterOperation extends OperationCommand {
    @Parameters(index = "0", paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Override
    String cluster() {
      return cluster;
    }
  }

  /** A bad-input error about one command-line option (exit code 2). */
  static ValidationException badInput(String option, String reason) {
    return new ValidationException("command line", List.of(ValidationProblem.of(option, reason)));
  }

  static Map<String, String> pairs(List<String> values, String option) {
    Map<String, String> m = new LinkedHashMap<>();
    for (String v : values) {
      int eq = v.indexOf('=');
      if (eq <= 0) {
        throw badInput(option, "'" + v + "' is not KEY=VALUE");
      }
      m.put(v.substring(0, eq), v.substring(eq + 1));
    }
    return m;
  }

  /** Parses repeated ROLE=N options into node counts per role. */
  static Map<String, Integer> counts(List<String> values, String option) {
    Map<String, Integer> counts = new LinkedHashMap<>();
    pairs(values, option)
        .forEach(
            (role, n) -> {
              try {
                counts.put(role, Integer.parseInt(n));
              } catch (NumberFormatException e) {
                throw badInput(option, "'" + n + "' for role " + role + " is not a whole number");
              }
            });
    return counts;
  }

  @Command(
      name = "create",
      description = "Create a cluster of an app spec on the infrastructure --infra names.")
  static final class Create extends OperationCommand {
    @Parameters(
        arity = "0..1",
        paramLabel = "SPEC",
        description = "The app spec file; or give --archive, or --repo with --app and --version.")
    Path spec;

    @picocli.CommandLine.Mixin AppSourceOptions source = new AppSourceOptions();

    @Option(names = "--name", required = true, description = "The cluster name.")
    String name;

    @Option(names = "--count", paramLabel = "ROLE=N", description = "Node count of a role.")
    List<String> counts = List.of();

    @Option(names = "--env", paramLabel = "K=V", description = "Override a parameter.")
    List<String> env = List.of();

    @picocli.CommandLine.Mixin SettingsOptions settings = new SettingsOptions();

    @Override
    OperationRequest request() {
      CreateCluster.Builder b = CreateCluster.builder(source.spec(spec, parent), name);
      counts(counts, "--count").forEach(b::count);
      pairs(env, "--env").forEach(b::env);
      io.clusterlifecycle.api.request.SettingsChange change = settings.change();
      change.labels().forEach(b::label);
      b.values(change.values());
      change.params().forEach(b::param);
      change.dependencies().forEach(b::dependency);
      change.plugins().forEach(b::plugin);
      parent.timeout().ifPresent(b::timeout);
      return b.build();
    }

    @Override
    String cluster() {
      return name;
    }
  }

  @Command(name = "add-nodes", description = "Add nodes to a role of a cluster.")
  static final class AddNodesCommand extends ClusterOperation {
    @Option(names = "--role", required = true, description = "The role to grow.")
    String role;

    @Option(names = "--count", required = true, description = "How many nodes to add.")
    int count;

    @Override
    OperationRequest request() {
      AddNodes r = AddNodes.of(cluster, role, count);
      return timed(r, r::withTimeout);
    }
  }

  @Command(name = "delete-nodes", description = "Delete nodes of a cluster.")
  static final class DeleteNodesCommand extends ClusterOperation {
    @Parameters(
        index = "1..*",
        arity = "1..*",
        paramLabel = "NODE_ID",
        description = "The nodes to delete.")
    List<String> nodes = List.of();

    @Option(names = "--force", description = "Record destroy/stop/scale_in failures as warnings.")
    boolean force;

    @Override
    OperationRequest request() {
      DeleteNodes r = DeleteNodes.of(cluster, nodes.toArray(String[]::new));
      r = force ? r.forced() : r;
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "recover",
      description = {
        "Finish what an interrupted or failed operation"
            + " left: resume it from its first unfinished step.",
        "With --skip-failed: give the failed operation up instead, keep what it did, and set the"
            + " nodes and the cluster to the state their resources are in.",
        "With --delete: force-delete a cluster whose deletion failed."
      })
  static final class Recover extends Base {
    @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Option(names = "--delete", description = "Force-delete the cluster instead of resuming.")
    boolean delete;

    @Option(
        names = "--skip-failed",
        description =
            "Give the failed, cancelled or interrupted operation up instead of resuming it.")
    boolean skipFailed;

    @Override
    void checkInput() {
      if (delete && skipFailed) {
        throw badInput("--skip-failed", "cannot be given together with --delete");
      }
    }

    @Override
    void checkAgainstEmptyHome(Session empty) {
      empty.engine.get(cluster);
    }

    @Override
    int run(Session session) {
      if (delete) {
        DeleteCluster r = DeleteCluster.of(cluster).forced();
        return execute(session, parent.timeout().map(r::withTimeout).orElse(r), cluster);
      }
      return withProgress(
          session,
          cluster,
          () -> {
            Duration timeout =
                parent.timeout().orElse(io.clusterlifecycle.core.LifecycleEngine.DEFAULT_TIMEOUT);
            Cluster c =
                skipFailed
                    ? session.engine.skipFailed(cluster, timeout)
                    : session.engine.recover(cluster, timeout);
            if (parent.json) {
              out().println(ClusterView.json(c, true));
            } else {
              out().print(ClusterView.text(c, List.of()));
            }
          });
    }
  }

  @Command(name = "delete", description = "Delete a cluster.")
  static final class Delete extends ClusterOperation {
    @Option(names = "--force", description = "Record destroy/stop failures as warnings.")
    boolean force;

    @Option(names = "--keep-volumes", description = "Leave the nodes' volumes in place.")
    boolean keepVolumes;

    @Override
    OperationRequest request() {
      DeleteCluster r = DeleteCluster.of(cluster);
      r = force ? r.forced() : r;
      r = keepVolumes ? r.keepingVolumes() : r;
      return timed(r, r::withTimeout);
    }
  }
}

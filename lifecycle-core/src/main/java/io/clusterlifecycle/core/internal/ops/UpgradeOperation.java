package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RELOAD;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.STOP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.UPGRADE;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Rollback;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;

/** Moves the cluster to another version of its app; may roll back by itself when it fails. */
final class UpgradeOperation extends VersionChange<Upgrade> {

  UpgradeOperation() {
    super(Upgrade.class, OperationType.UPGRADE);
  }

  @Override
  CompletableFuture<Prepared> prepare(Upgrade r, Cluster c, EngineContext ctx) {
    check(r, c);
    io.clusterlifecycle.core.internal.elastic.Policies.check(
        r.spec(), ctx, "upgrade request for " + c.name());
    CompletableFuture<List<Cluster>> all =
        r.changes().dependencies().isEmpty() && c.dependencies().isEmpty()
            ? done(List.of())
            : ctx.retrying(() -> ctx.store().list().toCompletableFuture());
    return all.thenApply(
        records -> {
          AppSpec spec = ClusterChanges.withSizesOf(r.spec(), c.spec());
          Map<String, String> labels = new LinkedHashMap<>(r.changes().labels());
          String versionLabel = "app.kubernetes.io/version";
          if (c.spec().version().equals(c.labels().get(versionLabel))) {
            labels.putIfAbsent(versionLabel, spec.version());
          }
          SettingsChange change =
              new SettingsChange(
                  r.changes().values(),
                  r.changes().params(),
                  labels,
                  r.changes().dependencies(),
                  r.changes().plugins());
          List<ValidationProblem> p = new ArrayList<>();
          Cluster next =
              Settings.apply(c, spec, change, records, ctx.plugins(), p, "request").toBuilder()
                  .previousSpec(Optional.of(c.spec()))
                  .build();
          Checks.throwIf(p, "upgrade request for " + c.name());
          return new Prepared(
              next, plan(next, c.state() == ClusterState.STOPPED), Set.of(), Set.of());
        });
  }

  /** An upgrade asked to roll back on failure rolls back after it failed part-way. */
  @Override
  public Optional<OperationRequest> followUp(
      OperationRequest request, Throwable failure, String clusterId, Duration timeout) {
    if (!cast(request).autoRollback()
        || !(failure instanceof OperationFailedException f)
        || f.operation().refused()) {
      return Optional.empty();
    }
    return Optional.of(Rollback.of(clusterId).withTimeout(timeout));
  }

  private static void check(Upgrade r, Cluster c) {
    r.spec().requireValid();
    List<ValidationProblem> p = new ArrayList<>();
    Checks.templatesLoaded(r.spec(), p);
    if (!r.spec().name().equals(c.spec().name())) {
      p.add(
          ValidationProblem.of(
              "spec.name",
              "an upgrade moves between versions of app "
                  + c.spec().name()
                  + ", was "
                  + r.spec().name()));
    }
    if (r.spec().version().equals(c.spec().version())) {
      p.add(
          ValidationProblem.of(
              "spec.version",
              "cluster "
                  + c.name()
                  + " already runs version "
                  + c.spec().version()
                  + "; give another version"));
    }
    Set<String> now = new TreeSet<>(c.spec().roles().stream().map(RoleSpec::name).toList());
    Set<String> next = new TreeSet<>(r.spec().roles().stream().map(RoleSpec::name).toList());
    if (!now.equals(next)) {
      p.add(
          ValidationProblem.of(
              "spec.roles",
              "an upgrade keeps the roles "
                  + now
                  + ", was "
                  + next
                  + "; add or remove roles with add-role and remove-role"));
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "upgrade request for " + c.name());
  }

  /**
   * The plan of an upgrade: {@code cluster} holds the new spec, its previous spec, and nodes still
   * on the previous version. Stopped nodes get the new image and stay stopped; this is the whole
   * plan of a STOPPED cluster, and the first stage of any other (one that a failed upgrade or stop
   * left FAILED_UPDATING may have stopped nodes). Then roles with a parallel {@code
   * upgrading_policy} go first, all at once; then the nodes of sequential roles, one at a time.
   */
  static Plan plan(Cluster cluster, boolean stopped) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.UPGRADE);
    AppSpec target = cluster.spec();
    if (stopped) {
      b.replaceImages(cluster.nodes(), target);
    } else {
      b.prefix("stopped nodes");
      b.replaceImages(
          cluster.nodes().stream().filter(n -> n.state() == NodeState.STOPPED).toList(), target);
      List<Node> up = up(cluster.nodes());
      List<Node> parallel =
          up.stream()
              .filter(
                  n ->
                      target.role(n.role()).orElseThrow().upgradingPolicy()
                          == ExecutionPolicy.PARALLEL)
              .toList();
      List<List<Node>> waves = new ArrayList<>();
      if (!parallel.isEmpty()) {
        waves.add(parallel);
      }
      up.stream().filter(n -> !parallel.contains(n)).forEach(n -> waves.add(List.of(n)));
      for (List<Node> wave : waves) {
        b.prefix(waves.size() == 1 ? "" : wave == parallel ? "parallel roles" : wave.get(0).id());
        b.services(STOP, wave, s -> true, FailurePolicy.FAIL, STOP, cluster::specOf, n -> Map.of());
        b.replaceImages(wave, target);
        b.services(RELOAD, wave, s -> true, FailurePolicy.FAIL, RELOAD, n -> target, n -> Map.of());
        b.services(
            UPGRADE,
            wave,
            s -> !s.postStartService(),
            FailurePolicy.FAIL,
            UPGRADE,
            n -> target,
            n -> Map.of());
        b.services(START, wave, s -> true, FailurePolicy.FAIL, START, n -> target, n -> Map.of());
        b.services(
            UPGRADE,
            wave,
            ServiceSpec::postStartService,
            FailurePolicy.FAIL,
            "upgrade (post-start)",
            n -> target,
            n -> Map.of());
      }
      b.prefix("");
    }
    b.publishVersion(stopped);
    return b.build();
  }
}

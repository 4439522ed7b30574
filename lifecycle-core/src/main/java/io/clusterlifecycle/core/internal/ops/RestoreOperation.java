package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.INIT;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RESTORE;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Restores a backup into a new cluster with the backup's spec, env and role counts. */
final class RestoreOperation extends NewClusterOperation<RestoreCluster> {

  RestoreOperation() {
    super(RestoreCluster.class, OperationType.RESTORE);
  }

  @Override
  public String namespace(OperationRequest request) {
    return cast(request).namespace();
  }

  @Override
  public String name(OperationRequest request) {
    return cast(request).name();
  }

  @Override
  CompletableFuture<Prepared> prepare(RestoreCluster r, String clusterId, EngineContext ctx) {
    return ctx.retrying(() -> ctx.store().getBackup(r.backupId()))
        .thenApply(
            found -> {
              Backup backup =
                  found.orElseThrow(
                      () -> new NotFoundException("no backup with id '" + r.backupId() + "'"));
              check(r, backup, ctx);
              Cluster.Builder b =
                  Cluster.builder(clusterId, r.name(), backup.spec(), ctx.now())
                      .namespace(r.namespace())
                      .labels(r.labels())
                      .env(backup.env());
              for (RoleSpec role : backup.spec().roles()) {
                for (int i = 1; i <= backup.roleCounts().getOrDefault(role.name(), 0); i++) {
                  b.putNode(ClusterChanges.newNode(r.name(), backup.spec(), role, i));
                }
              }
              Cluster c = b.build();
              return new Prepared(
                  c,
                  plan(c, backup),
                  c.nodes().stream().map(Node::id).collect(Collectors.toSet()),
                  Set.of());
            });
  }

  private static void check(RestoreCluster r, Backup backup, EngineContext ctx) {
    List<ValidationProblem> p = new ArrayList<>();
    Checks.name(r.name(), r.namespace(), p);
    if (!r.counts().isEmpty() && !r.counts().equals(backup.roleCounts())) {
      p.add(
          ValidationProblem.of(
              "counts",
              "a restore keeps the role counts of backup "
                  + backup.id()
                  + ": "
                  + counts(backup.roleCounts())
                  + "; was "
                  + counts(r.counts())));
    }
    long nodes = backup.roleCounts().values().stream().mapToLong(Integer::longValue).sum();
    Checks.nodeLimits(p, ctx, "counts", nodes, nodes);
    Checks.labels(r.labels(), p);
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "restore request for " + r.name());
  }

  private static String counts(Map<String, Integer> counts) {
    return counts.entrySet().stream()
        .map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining(", "));
  }

  /**
   * The plan of a restore: a create whose nodes run {@code restore} with their artifact after
   * {@code init} and before {@code start}. A node's artifact is the one of the node at the same
   * position of its role in the backup.
   */
  static Plan plan(Cluster cluster, Backup backup) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.RESTORE);
    List<Node> nodes = cluster.nodes();
    Map<String, Backup.Artifact> artifacts = new LinkedHashMap<>();
    for (RoleSpec role : cluster.spec().roles()) {
      List<Node> ofRole = cluster.nodes(role.name());
      for (int i = 0; i < ofRole.size(); i++) {
        int position = i;
        backup
            .artifact(role.name(), position)
            .ifPresent(a -> artifacts.put(ofRole.get(position).id(), a));
      }
    }
    b.createResources(nodes);
    b.metadata(
        "publish metadata",
        MetadataStep.Action.PUBLISH,
        "tree",
        List.of(MetadataStep.ALL),
        List.of(),
        false);
    b.services(INIT, nodes, s -> !s.postStartService(), FailurePolicy.FAIL, INIT);
    b.services(
        RESTORE,
        nodes.stream().filter(n -> artifacts.containsKey(n.id())).toList(),
        s -> true,
        FailurePolicy.FAIL,
        RESTORE,
        cluster::specOf,
        n ->
            Map.of(
                CommandRequest.LC_BACKUP_ID, backup.id(),
                CommandRequest.LC_BACKUP_ARTIFACT, artifacts.get(n.id()).artifact()));
    b.services(START, nodes, s -> true, FailurePolicy.FAIL, START);
    b.services(INIT, nodes, ServiceSpec::postStartService, FailurePolicy.FAIL, "init (post-start)");
    return b.build();
  }
}

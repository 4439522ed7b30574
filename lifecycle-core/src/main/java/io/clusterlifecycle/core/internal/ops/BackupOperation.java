package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.BACKUP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;

import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Failures;
import io.clusterlifecycle.core.internal.exec.Ids;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Backs up every node whose role defines a backup service, and records the backup. */
final class BackupOperation extends ClusterOperation<BackupCluster> {

  BackupOperation() {
    super(BackupCluster.class, OperationType.BACKUP);
  }

  @Override
  CompletableFuture<Prepared> prepare(BackupCluster r, Cluster c, EngineContext ctx) {
    List<ValidationProblem> p = new ArrayList<>();
    if (c.nodes().stream()
        .noneMatch(
            n ->
                c.specOf(n)
                    .role(n.role())
                    .flatMap(x -> x.service(StandardService.BACKUP))
                    .isPresent())) {
      p.add(
          ValidationProblem.of(
              "cluster", "no role of cluster " + c.name() + " defines a backup service"));
    }
    Checks.timeout(r.timeout(), p);
    Checks.throwIf(p, "backup request for " + c.name());
    return done(new Prepared(c, plan(c, "bk-" + Ids.hex(12)), Set.of(), Set.of()));
  }

  /** Records the backup; an operation that cannot record it fails. */
  @Override
  public CompletableFuture<String> beforeEnd(Cluster current, Operation op, EngineContext ctx) {
    if (op.endedAt().isPresent()) {
      return done("");
    }
    Backup backup = backupOf(current, op, ctx);
    return ctx.retrying(() -> ctx.store().putBackup(backup))
        .handle(
            (v, e) ->
                e == null
                    ? ""
                    : "could not record backup "
                        + backup.id()
                        + ": "
                        + Failures.cause(e).getMessage());
  }

  private static Backup backupOf(Cluster c, Operation op, EngineContext ctx) {
    List<Backup.Artifact> artifacts = new ArrayList<>();
    String id = "";
    for (Step st : op.plan().steps().toList()) {
      if (st instanceof ServiceStep ss && ss.env().containsKey(CommandRequest.LC_BACKUP_ID)) {
        id = ss.env().get(CommandRequest.LC_BACKUP_ID);
        int index = c.node(ss.node()).map(Node::index).orElse(0);
        artifacts.add(
            new Backup.Artifact(
                ss.node(), ss.role(), index, ss.env().get(CommandRequest.LC_BACKUP_ARTIFACT)));
      }
    }
    Map<String, Integer> counts = new LinkedHashMap<>();
    c.spec().roles().forEach(r -> counts.put(r.name(), c.nodes(r.name()).size()));
    artifacts.sort(
        Comparator.comparing(Backup.Artifact::role).thenComparingInt(Backup.Artifact::index));
    return Backup.builder()
        .id(id)
        .clusterId(c.id())
        .clusterName(c.name())
        .namespace(c.namespace())
        .spec(c.spec())
        .env(c.env())
        .roleCounts(counts)
        .artifacts(artifacts)
        .createdAt(ctx.now())
        .build();
  }

  /**
   * The plan of a backup: {@code backup} on every running node whose role defines it, each with the
   * backup id and its own artifact name.
   */
  static Plan plan(Cluster cluster, String backupId) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.BACKUP);
    b.services(
        BACKUP,
        up(cluster.nodes()),
        s -> true,
        FailurePolicy.FAIL,
        BACKUP,
        cluster::specOf,
        n ->
            Map.of(
                CommandRequest.LC_BACKUP_ID,
                backupId,
                CommandRequest.LC_BACKUP_ARTIFACT,
                backupId + "/" + n.id()));
    return b.build();
  }
}

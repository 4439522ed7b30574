package io.clusterlifecycle.core.internal.ops;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RELOAD;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.STOP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.up;

import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ReplaceImageStep;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.request.Rollback;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.JournalState;
import io.clusterlifecycle.core.internal.plan.PlanBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

/** Returns the cluster to the version it ran before its last upgrade. */
final class RollbackOperation extends VersionChange<Rollback> {

  RollbackOperation() {
    super(Rollback.class, OperationType.ROLLBACK);
  }

  @Override
  CompletableFuture<Prepared> prepare(Rollback r, Cluster c, EngineContext ctx) {
    Checks.plain(r.timeout(), "rollback request for " + c.name());
    AppSpec previous =
        c.previousSpec()
            .orElseThrow(
                () ->
                    new IllegalStateTransitionException(
                        c.state(),
                        ClusterState.UPDATING,
                        "cluster "
                            + c.name()
                            + " was never upgraded, so"
                            + " there is no previous version to roll back to"));
    CompletableFuture<Set<String>> inDoubt =
        ctx.retrying(() -> ctx.store().operations(c.id()))
            .thenCompose(
                ops -> {
                  requireSameRoles(c, previous, ops);
                  if (c.state() != ClusterState.FAILED_UPDATING) {
                    return CompletableFuture.completedFuture(Set.<String>of());
                  }
                  return requireRollbackable(c, ops)
                      .map(failed -> imagesInDoubt(failed, ctx))
                      .orElse(CompletableFuture.completedFuture(Set.of()));
                });
    return inDoubt.thenApply(
        doubtful -> {
          Cluster next =
              c.toBuilder()
                  .spec(ClusterChanges.withSizesOf(previous, c.spec()))
                  .previousSpec(Optional.of(c.spec()))
                  .build();
          return new Prepared(
              next, plan(next, c.state() == ClusterState.STOPPED, doubtful), Set.of(), Set.of());
        });
  }

  /**
   * The nodes whose image a failed upgrade or rollback started to replace without recording that it
   * did: the provider may have replaced it while the record still names the old version (a call
   * abandoned by a cancel that took effect later, a failure after the provider acted), so the
   * rollback replaces their image whatever version the record names.
   */
  private static CompletableFuture<Set<String>> imagesInDoubt(Operation failed, EngineContext ctx) {
    return ctx.retrying(() -> ctx.store().journal(failed.id()))
        .thenApply(
            journal -> {
              Set<String> started = JournalState.of(journal).inDoubt();
              return failed
                  .plan()
                  .steps()
                  .filter(s -> s instanceof ReplaceImageStep && started.contains(s.id()))
                  .map(s -> ((ReplaceImageStep) s).node())
                  .collect(Collectors.toUnmodifiableSet());
            });
  }

  /**
   * A rollback returns to the previous version's role definitions, so it needs the roles they
   * describe: after an add-role or remove-role since the last upgrade or rollback, a role added
   * since would lose its definition, one removed since would come back without nodes, one removed
   * and added again would get back its old definition.
   */
  private static void requireSameRoles(Cluster c, AppSpec previous, List<Operation> ops) {
    Set<String> now = roleNames(c.spec());
    Set<String> then = roleNames(previous);
    boolean changedSince = false;
    for (Operation o : ops) {
      if (!c.history().contains(o.id()) || o.refused()) {
        continue;
      }
      if (o.type() == OperationType.UPGRADE || o.type() == OperationType.ROLLBACK) {
        changedSince = changedSince && o.state() != OperationState.SUCCEEDED;
      } else if (o.type() == OperationType.ADD_ROLE || o.type() == OperationType.REMOVE_ROLE) {
        changedSince = true;
      }
    }
    if (changedSince || !now.equals(then)) {
      throw new IllegalStateTransitionException(
          c.state(),
          ClusterState.UPDATING,
          "cluster "
              + c.name()
              + " has roles "
              + now
              + " and version "
              + previous.version()
              + " had "
              + then
              + ": roles were added or removed since the upgrade, and a rollback would bring"
              + " back the old ones; upgrade to a spec of version "
              + previous.version()
              + " with today's roles instead");
    }
  }

  private static Set<String> roleNames(AppSpec spec) {
    return spec.roles().stream()
        .map(RoleSpec::name)
        .collect(Collectors.toCollection(java.util.TreeSet::new));
  }

  /**
   * After a failure, rollback undoes only a failed upgrade or rollback; recover the others.
   *
   * @return the failed upgrade or rollback, when the last failed operation is one
   */
  private static Optional<Operation> requireRollbackable(Cluster c, List<Operation> ops) {
    Optional<Operation> failed =
        ops.stream()
            .filter(o -> o.state() == OperationState.FAILED && !o.refused())
            .reduce((a, b) -> b);
    if (failed.isPresent()
        && failed.get().type() != OperationType.UPGRADE
        && failed.get().type() != OperationType.ROLLBACK) {
      throw new IllegalStateTransitionException(
          c.state(),
          ClusterState.UPDATING,
          "cluster "
              + c.name()
              + " is FAILED_UPDATING after a failed "
              + failed.get().type().displayName()
              + ", which rollback does not undo; recover it");
    }
    return failed;
  }

  /**
   * The plan of a rollback: {@code cluster} holds the spec to return to as its spec. Every running
   * node stops (a failure is a warning: the failed upgrade may have left it stopped), nodes on
   * another version or with their image in doubt get the old image, then every node reloads and
   * starts.
   */
  static Plan plan(Cluster cluster, boolean stopped, Set<String> imageInDoubt) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.ROLLBACK);
    AppSpec target = cluster.spec();
    List<Node> moving =
        cluster.nodes().stream()
            .filter(
                n ->
                    !n.version().orElse("").equals(target.version())
                        || imageInDoubt.contains(n.id()))
            .toList();
    if (stopped) {
      b.replaceImages(moving, target);
    } else {
      List<Node> up = up(cluster.nodes());
      b.services(STOP, up, s -> true, FailurePolicy.WARN, STOP, cluster::specOf, n -> Map.of());
      // stopped nodes (a failed upgrade of a stopped cluster) get their image and stay stopped
      b.replaceImages(moving, target);
      b.services(RELOAD, up, s -> true, FailurePolicy.FAIL, RELOAD, n -> target, n -> Map.of());
      b.services(START, up, s -> true, FailurePolicy.FAIL, START, n -> target, n -> Map.of());
    }
    b.publishVersion(stopped);
    return b.build();
  }
}

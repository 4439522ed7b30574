package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.ReplaceImageStep;
import io.clusterlifecycle.api.plan.ResizeNodeStep;
import io.clusterlifecycle.api.plan.StartNodeStep;
import io.clusterlifecycle.api.plan.StopNodeStep;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * Which operations may start from FAILED_UPDATING (docs/design.md §3.3). After an operation that
 * changed no instance (its nodes exist and run on one version) any operation of the UPDATING family
 * may; after one that failed while changing instances, upgrade and rollback, and stop and start
 * unless it moved versions; after a cancelled one that changed instances, whose abandoned provider
 * calls may have taken effect unrecorded, none: recover, skip-failed or a forced delete.
 */
final class AfterFailure {
  private static final Set<OperationType> VERSION_CHANGES =
      EnumSet.of(OperationType.UPGRADE, OperationType.ROLLBACK);
  private static final Set<OperationType> STOP_OR_START =
      EnumSet.of(OperationType.STOP, OperationType.START);

  private AfterFailure() {}

  /**
   * Completes when an operation of {@code type} may start from the cluster's state; fails with
   * {@link IllegalStateTransitionException} saying what to do instead when it may not.
   */
  static CompletableFuture<Void> check(Cluster c, OperationType type, EngineContext ctx) {
    if (c.state() != ClusterState.FAILED_UPDATING || type == OperationType.DELETE) {
      return CompletableFuture.completedFuture(null);
    }
    return ctx.retrying(() -> ctx.store().operations(c.id()))
        .thenAccept(ops -> lastEnded(c, ops).ifPresent(o -> require(c, type, o)));
  }

  /** The failed operation, or the cancelled one that had claimed the cluster, that ended last. */
  private static Optional<Operation> lastEnded(Cluster c, List<Operation> ops) {
    return ops.stream()
        .filter(
            o ->
                (o.state() == OperationState.FAILED && !o.refused())
                    || (o.state() == OperationState.CANCELLED && c.history().contains(o.id())))
        .reduce((a, b) -> b);
  }

  private static void require(Cluster c, OperationType type, Operation last) {
    if (!changesInstances(last)) {
      return;
    }
    boolean cancelled = last.state() == OperationState.CANCELLED;
    boolean allowed =
        !cancelled
            && (VERSION_CHANGES.contains(type)
                || (STOP_OR_START.contains(type) && !VERSION_CHANGES.contains(last.type())));
    if (allowed) {
      return;
    }
    String what =
        cancelled
            ? "whose abandoned provider calls may have changed nodes unrecorded; recover it, or"
                + " give it up with skip-failed (recover --skip-failed), first"
            : VERSION_CHANGES.contains(last.type())
                ? "which may have left its nodes on two versions; recover it, roll it back or"
                    + " upgrade again, or give it up with skip-failed (recover --skip-failed)"
                : "which may have left nodes stopped or resized; recover it, stop or start it,"
                    + " or give it up with skip-failed (recover --skip-failed), first";
    throw new IllegalStateTransitionException(
        c.state(),
        type.activeState(),
        "cluster "
            + c.name()
            + " is FAILED_UPDATING after a "
            + (cancelled ? "cancelled " : "failed ")
            + last.type().displayName()
            + ", "
            + what);
  }

  /**
   * Whether the operation's plan creates, deletes, stops, starts, re-images or resizes a node, or
   * acts on its instance.
   */
  static boolean changesInstances(Operation o) {
    return o.plan()
        .steps()
        .anyMatch(
            s ->
                s instanceof CreateNodeStep
                    || s instanceof DeleteNodeStep
                    || s instanceof StopNodeStep
                    || s instanceof StartNodeStep
                    || s instanceof ReplaceImageStep
                    || s instanceof ResizeNodeStep
                    || s instanceof io.clusterlifecycle.api.plan.NodeActionStep);
  }
}

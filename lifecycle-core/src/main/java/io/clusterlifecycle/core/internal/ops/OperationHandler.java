package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;

/**
 * One operation type: how its request is checked against the cluster, the change it makes to the
 * record, its plan, and how its outcome is applied. Subclasses are stateless and thread-safe; each
 * is registered once in {@link OperationRegistry}.
 *
 * @param <R> the request type it handles
 */
public abstract class OperationHandler<R extends OperationRequest> {
  private final Class<R> requestType;
  private final OperationType type;

  OperationHandler(Class<R> requestType, OperationType type) {
    this.requestType = Objects.requireNonNull(requestType);
    this.type = Objects.requireNonNull(type);
  }

  /** The request class this handler is registered for. */
  public final Class<R> requestType() {
    return requestType;
  }

  /** The operation type it runs. */
  public final OperationType type() {
    return type;
  }

  final R cast(OperationRequest request) {
    return requestType.cast(request);
  }

  /**
   * The state the cluster ends in after the operation succeeded.
   *
   * @param op the operation, as recorded when it ended
   * @param current the cluster's record as the run left it
   */
  public ClusterState successState(Operation op, Cluster current) {
    return type.successState(op.startedFrom());
  }

  /**
   * Records what a successful run produced besides the cluster, before its end is recorded.
   *
   * @return a future of the error that turns the success into a failure, or of {@code ""}
   */
  public CompletableFuture<String> beforeEnd(Cluster current, Operation op, EngineContext ctx) {
    return CompletableFuture.completedFuture("");
  }

  /**
   * Applies what a successful operation changes in the record besides its nodes' states.
   *
   * @param p the prepared operation
   * @param op the operation
   * @param current the record as the run left it
   * @param next the builder of the record that ends the operation
   */
  public void applyOutcome(Prepared p, Operation op, Cluster current, Cluster.Builder next) {}

  /** The state a leaving node returns to when the operation was refused. */
  public NodeState leavingStateAfterRefusal(Operation op) {
    return NodeState.RUNNING;
  }

  /** A future already completed with {@code value}. */
  static <T> CompletableFuture<T> done(T value) {
    return CompletableFuture.completedFuture(value);
  }
}

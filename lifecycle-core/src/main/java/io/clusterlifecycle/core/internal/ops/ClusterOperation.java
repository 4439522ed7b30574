package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.ClusterRequest;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Futures;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * An operation on an existing cluster.
 *
 * @param <R> the request type it handles
 */
public abstract class ClusterOperation<R extends ClusterRequest> extends OperationHandler<R> {

  ClusterOperation(Class<R> requestType, OperationType type) {
    super(requestType, type);
  }

  /**
   * Checks the request against the cluster's record now and prepares its operation; fails with the
   * typed exception of the first rule broken. May read the store.
   *
   * @param request the request
   * @param current the cluster's record
   * @param ctx the engine's context
   * @return the future of the prepared operation
   */
  public final CompletableFuture<Prepared> prepareRequest(
      OperationRequest request, Cluster current, EngineContext ctx) {
    return Futures.call(
        () -> {
          R r = cast(request);
          checkState(r, current);
          return AfterFailure.check(current, type(), ctx)
              .thenCompose(v -> prepare(r, current, ctx))
              .thenCompose(p -> DependentsStage.append(r, type(), p, ctx));
        });
  }

  /**
   * Refuses at once, naming the state, a request an idle cluster's state does not allow; a busy
   * cluster is waited for and checked again once it is idle.
   */
  void checkState(R request, Cluster current) {
    if (!current.state().isBusy() && current.operation().isEmpty()) {
      type().begin(current.state());
    }
  }

  abstract CompletableFuture<Prepared> prepare(R request, Cluster current, EngineContext ctx);

  /**
   * Checks made once when the request is submitted, not again when the cluster turns idle.
   *
   * @param request the request
   * @param current the cluster's record
   * @param claimedHere whether an operation of this engine holds the cluster now
   */
  public void checkOnSubmit(OperationRequest request, Cluster current, boolean claimedHere) {}

  /**
   * The request to run after this one failed, before its failure is reported.
   *
   * @param request the failed request
   * @param failure why it failed
   * @param clusterId the cluster's id
   * @param timeout the failed request's timeout
   * @return the request to run next, or empty
   */
  public Optional<OperationRequest> followUp(
      OperationRequest request, Throwable failure, String clusterId, Duration timeout) {
    return Optional.empty();
  }
}

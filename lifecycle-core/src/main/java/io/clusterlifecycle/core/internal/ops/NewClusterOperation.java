package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.Futures;
import java.util.concurrent.CompletableFuture;

/**
 * An operation that makes a new cluster (create, restore).
 *
 * @param <R> the request type it handles
 */
public abstract class NewClusterOperation<R extends OperationRequest> extends OperationHandler<R> {
  /** The id plans show for a cluster that does not exist yet. */
  public static final String NEW_ID = "(new)";

  NewClusterOperation(Class<R> requestType, OperationType type) {
    super(requestType, type);
  }

  /** The namespace the new cluster goes into. */
  public abstract String namespace(OperationRequest request);

  /** The new cluster's name. */
  public abstract String name(OperationRequest request);

  /**
   * Checks the request before the new cluster's name is reserved.
   *
   * @return a future that fails with the typed exception of the first rule broken
   */
  public CompletableFuture<Void> check(OperationRequest request, EngineContext ctx) {
    return prepareRequest(request, NEW_ID, ctx).thenApply(p -> null);
  }

  /**
   * Checks the request and prepares the new cluster's record and plan.
   *
   * @param request the request
   * @param clusterId the new cluster's id
   * @param ctx the engine's context
   * @return the future of the prepared operation
   */
  public final CompletableFuture<Prepared> prepareRequest(
      OperationRequest request, String clusterId, EngineContext ctx) {
    return Futures.call(() -> prepare(cast(request), clusterId, ctx));
  }

  abstract CompletableFuture<Prepared> prepare(R request, String clusterId, EngineContext ctx);
}

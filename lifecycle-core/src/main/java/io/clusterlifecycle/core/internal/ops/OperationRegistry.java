package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.state.OperationType;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The one place operation types are registered: each request class and each operation type maps to
 * its handler. Adding an operation means adding its handler class and listing it here. Immutable
 * and thread-safe.
 */
public final class OperationRegistry {
  private static final OperationRegistry STANDARD =
      new OperationRegistry(
          List.of(
              new CreateOperation(),
              new DeleteOperation(),
              new AddNodesOperation(),
              new DeleteNodesOperation(),
              new ScaleVerticalOperation(),
              new UpgradeOperation(),
              new RollbackOperation(),
              new StopOperation(),
              new StartOperation(),
              new RestartOperation(),
              new RunServiceOperation(),
              new RoleActionOperation(),
              new ElasticScaleOperation(),
              new AddRoleOperation(),
              new RemoveRoleOperation(),
              new BackupOperation(),
              new RestoreOperation(),
              new PromoteOperation(),
              new ReconfigureOperation(),
              new ReconcileOperation()));

  private final Map<Class<?>, OperationHandler<?>> byRequest = new LinkedHashMap<>();
  private final Map<OperationType, OperationHandler<?>> byType = new EnumMap<>(OperationType.class);

  private OperationRegistry(List<OperationHandler<?>> handlers) {
    for (OperationHandler<?> h : handlers) {
      if (byRequest.put(h.requestType(), h) != null || byType.put(h.type(), h) != null) {
        throw new IllegalStateException("operation registered twice: " + h.type());
      }
    }
  }

  /** The registry of every operation this engine runs. */
  public static OperationRegistry standard() {
    return STANDARD;
  }

  /**
   * The handler of a request.
   *
   * @throws IllegalArgumentException if no handler is registered for the request's class
   */
  public OperationHandler<?> forRequest(OperationRequest request) {
    OperationHandler<?> h = byRequest.get(request.getClass());
    if (h == null) {
      throw new IllegalArgumentException("unsupported request " + request);
    }
    return h;
  }

  /**
   * The handler of an operation type, for operations read back from the store.
   *
   * @throws IllegalArgumentException if no handler is registered for the type
   */
  public OperationHandler<?> forType(OperationType type) {
    OperationHandler<?> h = byType.get(type);
    if (h == null) {
      throw new IllegalArgumentException("unsupported operation type " + type);
    }
    return h;
  }
}

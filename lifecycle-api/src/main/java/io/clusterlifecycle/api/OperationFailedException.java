package io.clusterlifecycle.api;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.model.Operation;

/**
 * An operation ran and failed (or was refused by a guard or pre-check). Its record says where; a
 * failed operation leaves its cluster in a {@code FAILED_*} state that recover can resume, a
 * refused one leaves the cluster as it was.
 */
public class OperationFailedException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** The operation's final record. */
  private final transient Operation operation;

  /**
   * Creates the exception.
   *
   * @param operation the failed operation's record
   */
  public OperationFailedException(Operation operation) {
    super(
        operation.type().displayName()
            + " "
            + operation.id()
            + " of cluster "
            + operation.plan().clusterName()
            + (operation.refused() ? " was refused: " : " failed: ")
            + operation.error().orElse(""));
    this.operation = operation;
  }

  /**
   * Returns the failed operation.
   *
   * @return its final record
   */
  public Operation operation() {
    return operation;
  }
}

package io.clusterlifecycle.api.error;

/**
 * The cluster is busy with another operation, or was changed by someone else at the same time.
 * Nothing was changed; try again later.
 */
public class ConflictException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** The id of the operation the cluster is busy with, or empty. */
  private final String busyOperation;

  /**
   * Creates the exception.
   *
   * @param message what conflicted
   * @param busyOperation the id of the operation under way, or empty
   */
  public ConflictException(String message, String busyOperation) {
    super(message);
    this.busyOperation = busyOperation;
  }

  /**
   * Returns the operation the cluster is busy with.
   *
   * @return its id, or empty when the conflict was a concurrent change
   */
  public String busyOperation() {
    return busyOperation;
  }
}

package io.clusterlifecycle.api.error;

/**
 * An operation, or a wait for a busy cluster, took longer than its timeout. An operation that timed
 * out has failed with a resumable journal.
 */
public class LifecycleTimeoutException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what timed out, after how long, and what to do
   */
  public LifecycleTimeoutException(String message) {
    super(message);
  }
}

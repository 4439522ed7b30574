package io.clusterlifecycle.core.internal.exec;

/** A step did not succeed; the message names the step, the node and why. */
final class StepFailedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  StepFailedException(String message) {
    super(message, null, false, false);
  }
}

package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.LifecycleException;
import java.util.Objects;

/**
 * A node's pod cannot become Ready: the scheduler cannot place it ({@code Unschedulable}), its
 * image cannot be pulled ({@code ImagePullBackOff}, {@code ErrImagePull}), its container keeps
 * crashing ({@code CrashLoopBackOff}), or it was not Ready within the provider's ready timeout
 * ({@code ReadyTimeout}). Permanent: the step fails with the reason; a later {@code recover}
 * re-creates the pod.
 */
public class PodStartFailedException extends LifecycleException {
  private static final long serialVersionUID = 1L;

  /** The pod's name. */
  private final String pod;

  /** Kubernetes' reason. */
  private final String reason;

  /**
   * Creates the exception.
   *
   * @param pod the pod's name (the node id)
   * @param reason Kubernetes' reason, such as {@code ImagePullBackOff}
   * @param detail Kubernetes' message for it, or empty
   */
  public PodStartFailedException(String pod, String reason, String detail) {
    super(
        "pod "
            + Objects.requireNonNull(pod, "pod")
            + " did not become Ready: "
            + Objects.requireNonNull(reason, "reason")
            + (detail == null || detail.isEmpty() ? "" : " (" + detail + ")"));
    this.pod = pod;
    this.reason = reason;
  }

  /**
   * Returns the pod that failed.
   *
   * @return its name
   */
  public String pod() {
    return pod;
  }

  /**
   * Returns Kubernetes' reason for the failure.
   *
   * @return for example {@code Unschedulable}, {@code ImagePullBackOff} or {@code ReadyTimeout}
   */
  public String reason() {
    return reason;
  }
}

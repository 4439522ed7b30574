package io.clusterlifecycle.samples.platform.operation;

import io.clusterlifecycle.samples.platform.web.ErrorBody;
import java.time.Instant;

/**
 * An operation as polled.
 *
 * @param operationId the platform's id for it, or the library's when polled by that id
 * @param action what runs, as in "install release"
 * @param state {@code RUNNING}, {@code SUCCEEDED} or {@code FAILED} (the library's states for an
 *     operation polled by its library id)
 * @param clusterId the cluster it works on, once known; null before
 * @param libraryOperationId the library's operation, once known; null before or when the action is
 *     not one operation
 * @param libraryState the library operation's state, when known
 * @param createdAt when it was accepted
 * @param httpStatus for a failed operation, the status a synchronous request would have answered
 *     with; 0 otherwise
 * @param error for a failed operation, the error a synchronous request would have answered with;
 *     null otherwise
 * @param result for a succeeded operation, what a synchronous request would have answered with (the
 *     release, the cluster, the backup...); null otherwise
 */
public record OperationStatus(
    String operationId,
    String action,
    String state,
    String clusterId,
    String libraryOperationId,
    String libraryState,
    Instant createdAt,
    int httpStatus,
    ErrorBody error,
    Object result) {

  /** State of a tracked operation under way. */
  public static final String RUNNING = "RUNNING";

  /** State of a tracked operation that succeeded. */
  public static final String SUCCEEDED = "SUCCEEDED";

  /** State of a tracked operation that failed. */
  public static final String FAILED = "FAILED";
}

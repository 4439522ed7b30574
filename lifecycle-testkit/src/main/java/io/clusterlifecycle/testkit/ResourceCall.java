package io.clusterlifecycle.testkit;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One call an {@link InMemoryResourceProvider} received, as {@link
 * InMemoryResourceProvider#calls()} reports it.
 *
 * @param seq the call's number in the provider, from 1, in the order the calls were made
 * @param method which SPI method was called
 * @param clusterId the cluster of the node (for {@link Method#LIST}, the cluster listed)
 * @param nodeId the node id; empty for {@link Method#LIST}
 * @param startedAt when the call was made, by the provider's clock
 * @param endedAt when its stage completed; empty while it is {@link Outcome#IN_FLIGHT}
 * @param outcome how it ended
 * @param error the message of the error it completed with; empty unless it failed
 */
public record ResourceCall(
    long seq,
    Method method,
    String clusterId,
    String nodeId,
    Instant startedAt,
    Optional<Instant> endedAt,
    Outcome outcome,
    String error) {

  /** The {@link io.clusterlifecycle.api.spi.ResourceProvider} methods. */
  public enum Method {
    /** {@code create}. */
    CREATE,
    /** {@code find}. */
    FIND,
    /** {@code list}. */
    LIST,
    /** {@code start}. */
    START,
    /** {@code stop}. */
    STOP,
    /** {@code resize}. */
    RESIZE,
    /** {@code replaceImage}. */
    REPLACE_IMAGE,
    /** {@code delete}. */
    DELETE,
    /** {@code act}. */
    ACT
  }

  /** How a call ended. */
  public enum Outcome {
    /** Not completed yet (a latency is running). */
    IN_FLIGHT,
    /** Completed and changed or reported something: created, found, listed, started, … */
    DONE,
    /**
     * Completed without changing anything because the work was already done: create of an existing
     * node, delete of a missing one, start of a running one, stop of a stopped one.
     */
    NO_OP,
    /**
     * The node did not exist: {@code find} completed with empty; {@code start}, {@code stop},
     * {@code resize} and {@code replaceImage} completed exceptionally with {@link
     * io.clusterlifecycle.api.error.NotFoundException}.
     */
    NOT_FOUND,
    /** Completed exceptionally: a programmed {@link Fault} or a refused argument. */
    FAILED
  }

  /**
   * Checks for nulls.
   *
   * @param seq the call number
   * @param method the method
   * @param clusterId the cluster id
   * @param nodeId the node id, or empty
   * @param startedAt the start time
   * @param endedAt the end time, if ended
   * @param outcome the outcome
   * @param error the error message, or empty
   */
  public ResourceCall {
    Objects.requireNonNull(method, "method");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(outcome, "outcome");
    Objects.requireNonNull(error, "error");
  }
}

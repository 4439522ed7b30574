package io.clusterlifecycle.api.spi;

import java.time.Instant;
import java.util.Objects;

/**
 * One line of an operation's journal: a step started, succeeded or failed (SPEC section 6).
 * Resume re-runs every step that has no {@link Status#SUCCEEDED} entry.
 *
 * @param operationId the operation
 * @param stepId the step's id in the operation's plan
 * @param status what happened
 * @param at when
 * @param detail why a step failed, or empty
 */
public record JournalEntry(String operationId, String stepId, Status status, Instant at,
    String detail) {

  /** What happened to a step. */
  public enum Status {
    /** The step began (for a command: it may have run, at least in part). */
    STARTED,
    /** The step finished successfully; resume skips it. */
    SUCCEEDED,
    /** The step failed; resume runs it again. */
    FAILED
  }

  /**
   * Checks for nulls.
   *
   * @param operationId the operation
   * @param stepId the step id
   * @param status what happened
   * @param at when
   * @param detail the failure, or empty
   */
  public JournalEntry {
    Objects.requireNonNull(operationId, "operationId");
    Objects.requireNonNull(stepId, "stepId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
    Objects.requireNonNull(detail, "detail");
  }
}

package io.clusterlifecycle.api.spi;

import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * One line of an operation's journal: a step started, succeeded or failed. Resume re-runs every
 * step that has no {@link Status#SUCCEEDED} entry. Build one with {@link #builder()}.
 *
 * @param operationId the operation
 * @param stepId the step's id in the operation's plan
 * @param status what happened
 * @param at when
 * @param detail why a step failed; empty otherwise
 */
public record JournalEntry(
    String operationId, String stepId, Status status, Instant at, Optional<String> detail) {

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
   * @param detail the failure, if any; an empty text counts as none
   */
  public JournalEntry {
    Objects.requireNonNull(operationId, "operationId");
    Objects.requireNonNull(stepId, "stepId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(at, "at");
    detail = Objects.requireNonNull(detail, "detail").filter(s -> !s.isEmpty());
  }

  /**
   * Starts a builder for a JournalEntry; every component not set is {@code null} (which the
   * constructor refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this JournalEntry's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link JournalEntry}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private String operationId;
    private String stepId;
    private Status status;
    private Instant at;
    private Optional<String> detail = Optional.empty();

    private Builder() {}

    private Builder(JournalEntry r) {
      this.operationId = r.operationId;
      this.stepId = r.stepId;
      this.status = r.status;
      this.at = r.at;
      this.detail = r.detail;
    }

    /**
     * Sets {@code operationId}: the operation.
     *
     * @param value the value
     * @return this builder
     */
    public Builder operationId(String value) {
      Objects.requireNonNull(value, "operationId");
      this.operationId = value;
      return this;
    }

    /**
     * Sets {@code stepId}: the step's id in the operation's plan.
     *
     * @param value the value
     * @return this builder
     */
    public Builder stepId(String value) {
      Objects.requireNonNull(value, "stepId");
      this.stepId = value;
      return this;
    }

    /**
     * Sets {@code status}: what happened.
     *
     * @param value the value
     * @return this builder
     */
    public Builder status(Status value) {
      Objects.requireNonNull(value, "status");
      this.status = value;
      return this;
    }

    /**
     * Sets {@code at}: when.
     *
     * @param value the value
     * @return this builder
     */
    public Builder at(Instant value) {
      Objects.requireNonNull(value, "at");
      this.at = value;
      return this;
    }

    /**
     * Sets {@code detail}: why a step failed; empty otherwise.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder detail(String value) {
      this.detail = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code detail}: why a step failed; empty otherwise.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder detail(Optional<String> value) {
      this.detail = Objects.requireNonNull(value, "detail");
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the JournalEntry
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public JournalEntry build() {
      return new JournalEntry(operationId, stepId, status, at, detail);
    }
  }
}

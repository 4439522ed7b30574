package io.clusterlifecycle.api.timeline;

import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What an operation did over time, read off its plan and its journal: each stage that ran, with a
 * bar per run of each of its steps (a step resumed after a crash has one bar per run). Rendered as
 * a Mermaid Gantt chart or a self-contained HTML page, people read a slow node or a long stage off
 * it faster than off a log.
 *
 * @param operationId the operation
 * @param clusterName the cluster it ran on, as its plan names it
 * @param type what kind of operation
 * @param state its state when the timeline was read
 * @param error why it failed, if it did
 * @param start when its first step started, or when it was created if no step ran
 * @param end when it ended, or its last journal entry while it runs
 * @param stages the stages that ran, in plan order
 */
public record Timeline(
    String operationId,
    String clusterName,
    OperationType type,
    OperationState state,
    Optional<String> error,
    Instant start,
    Instant end,
    List<Lane> stages) {

  /** How a run of a step ended. */
  public enum Outcome {
    /** It succeeded. */
    SUCCEEDED,
    /** It failed. */
    FAILED,
    /** The journal holds no end for it: it is running, or its engine died and it was run again. */
    UNFINISHED
  }

  /**
   * One run of one step.
   *
   * @param stepId the step
   * @param label what the step does, for example {@code start on zk-1}
   * @param start when the run started
   * @param end when it ended; for an unfinished run, when the next run of the step started or the
   *     timeline ends
   * @param outcome how it ended
   * @param detail why it failed, if it did
   */
  public record Bar(
      String stepId,
      String label,
      Instant start,
      Instant end,
      Outcome outcome,
      Optional<String> detail) {
    /**
     * Checks for nulls.
     *
     * @param stepId the step
     * @param label what the step does
     * @param start when the run started
     * @param end when it ended
     * @param outcome how it ended
     * @param detail why it failed, if it did
     * @throws NullPointerException if an argument is null
     */
    public Bar {
      Objects.requireNonNull(stepId, "stepId");
      Objects.requireNonNull(label, "label");
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      Objects.requireNonNull(outcome, "outcome");
      Objects.requireNonNull(detail, "detail");
    }

    /**
     * How long the run took.
     *
     * @return from start to end
     */
    public Duration duration() {
      return Duration.between(start, end);
    }
  }

  /**
   * A stage that ran, from its first step's start to its last step's end.
   *
   * @param stage the stage's name
   * @param start its first bar's start
   * @param end its last bar's end
   * @param bars its steps' runs, by start
   */
  public record Lane(String stage, Instant start, Instant end, List<Bar> bars) {
    /**
     * Checks for nulls and copies the bars.
     *
     * @param stage the stage's name
     * @param start its first bar's start
     * @param end its last bar's end
     * @param bars its steps' runs; copied
     * @throws NullPointerException if an argument or a bar is null
     */
    public Lane {
      Objects.requireNonNull(stage, "stage");
      Objects.requireNonNull(start, "start");
      Objects.requireNonNull(end, "end");
      bars = List.copyOf(bars);
    }

    /**
     * Tells whether a run of one of its steps failed.
     *
     * @return true if a bar failed
     */
    public boolean failed() {
      return bars.stream().anyMatch(b -> b.outcome() == Outcome.FAILED);
    }
  }

  /**
   * Checks for nulls and copies the stages.
   *
   * @param operationId the operation
   * @param clusterName the cluster it ran on
   * @param type what kind of operation
   * @param state its state when the timeline was read
   * @param error why it failed, if it did
   * @param start when its first step started
   * @param end when it ended, or its last journal entry while it runs
   * @param stages the stages that ran; copied
   * @throws NullPointerException if an argument or a stage is null
   */
  public Timeline {
    Objects.requireNonNull(operationId, "operationId");
    Objects.requireNonNull(clusterName, "clusterName");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(start, "start");
    Objects.requireNonNull(end, "end");
    stages = List.copyOf(stages);
  }

  /**
   * Reads an operation's timeline off its record and its journal.
   *
   * @param op the operation's record
   * @param journal its journal entries, in the order they were written
   * @return the timeline
   * @throws IllegalArgumentException if an entry belongs to another operation
   */
  public static Timeline of(Operation op, List<JournalEntry> journal) {
    return TimelineReader.read(op, journal);
  }

  /**
   * How long the operation took, from its first step's start to its end.
   *
   * @return the duration
   */
  public Duration duration() {
    return Duration.between(start, end);
  }

  /**
   * Renders the timeline as a Mermaid Gantt chart: a section per stage, a task per run of a step
   * ({@code crit} when it failed, {@code active} when unfinished), on a millisecond time axis.
   *
   * @return the Mermaid source
   */
  public String toMermaid() {
    return TimelineRenderer.mermaid(this);
  }

  /**
   * Renders the timeline as a self-contained HTML page holding an SVG Gantt chart (no script, no
   * external resource): a row per stage and per run of a step, failed runs in red, unfinished ones
   * in grey, each bar titled with its step, duration and outcome.
   *
   * @return the page
   */
  public String toHtml() {
    return TimelineRenderer.html(this);
  }
}

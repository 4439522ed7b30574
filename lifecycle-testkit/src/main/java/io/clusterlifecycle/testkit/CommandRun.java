package io.clusterlifecycle.testkit;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One command run a {@link ScriptedCommandExecutor} received, as {@link
 * ScriptedCommandExecutor#runs()} reports it.
 *
 * <p>{@code startSeq} and {@code endSeq} come from one counter per executor that counts every start
 * and every end, so they order runs without relying on clock resolution: when {@code a.endSeq() <
 * b.startSeq()}, run {@code a} had ended (and its end was recorded) before {@code b} was asked for.
 * A run's end is recorded before its stage completes.
 *
 * @param startSeq the executor's counter when the run was asked for, from 1
 * @param endSeq the executor's counter when it ended; {@code 0} while {@link State#RUNNING}
 * @param clusterId the cluster of the node, from {@code request.node().ref()}
 * @param nodeId the node id, from {@code request.node().ref()}
 * @param role the node's role, from {@code request.node().role()}
 * @param service the service name
 * @param runKey the request's run key, {@code <operation-id>/<step-id>}: the same for every attempt
 *     of one step, so two runs with one key must never overlap (docs/design.md §5.8)
 * @param script the command text
 * @param environment the environment the command was given
 * @param timeout the request's timeout
 * @param startedAt when the run was asked for, by the executor's clock
 * @param endedAt when it ended, by the executor's clock; empty while running
 * @param state how it ended
 * @param exitCode the exit code for {@link State#EXITED}, {@code 124} for {@link State#TIMED_OUT},
 *     otherwise {@code -1}
 */
public record CommandRun(
    long startSeq,
    long endSeq,
    String clusterId,
    String nodeId,
    String role,
    String service,
    String runKey,
    String script,
    Map<String, String> environment,
    Duration timeout,
    Instant startedAt,
    Optional<Instant> endedAt,
    State state,
    int exitCode) {

  /** Where a run is. */
  public enum State {
    /** Not ended yet: waiting on its latency, or hanging. */
    RUNNING,
    /** Ended with an exit code (zero or not). */
    EXITED,
    /** Killed by its request's timeout; reported with {@code timedOut} and exit code 124. */
    TIMED_OUT,
    /** Its stage was cancelled, or completed by the caller, before it ended. */
    CANCELLED,
    /** Could not be run: its stage completed exceptionally with a scripted error. */
    FAILED
  }

  /**
   * Checks for nulls and copies the environment.
   *
   * @param startSeq the start number
   * @param endSeq the end number, or {@code 0}
   * @param clusterId the cluster id
   * @param nodeId the node id
   * @param role the role
   * @param service the service
   * @param runKey the run key
   * @param script the command text
   * @param environment the environment; copied
   * @param timeout the timeout
   * @param startedAt the start time
   * @param endedAt the end time, if ended
   * @param state the state
   * @param exitCode the exit code, or {@code -1}
   */
  public CommandRun {
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(runKey, "runKey");
    Objects.requireNonNull(script, "script");
    environment = Map.copyOf(environment);
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(startedAt, "startedAt");
    Objects.requireNonNull(endedAt, "endedAt");
    Objects.requireNonNull(state, "state");
  }

  /**
   * Tells whether the run has ended, whichever way.
   *
   * @return false while {@link State#RUNNING}
   */
  public boolean ended() {
    return state != State.RUNNING;
  }

  /**
   * Tells whether this run ended before another was asked for.
   *
   * @param other the other run
   * @return true when this run has ended and its end number is below the other's start number
   */
  public boolean endedBefore(CommandRun other) {
    return ended() && endSeq < other.startSeq;
  }

  /**
   * Tells whether this run and another were going at the same time: their {@code [startSeq,
   * endSeq)} intervals intersect, a run still {@link State#RUNNING} being open-ended.
   *
   * @param other the other run
   * @return false when one of them ended before the other was asked for
   */
  public boolean overlaps(CommandRun other) {
    return !endedBefore(other) && !other.endedBefore(this);
  }
}

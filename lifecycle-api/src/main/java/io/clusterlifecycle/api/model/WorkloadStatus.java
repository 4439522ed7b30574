package io.clusterlifecycle.api.model;

import java.time.Instant;
import java.util.Locale;
import java.util.Objects;

/**
 * What a node's own scripts last said about its workload, through the file named by {@code
 * LC_STATUS} (docs/design.md §9.3.1), as Juju's {@code status-set} does. A {@link State#BLOCKED}
 * node makes a running cluster show {@code WARNING} (docs/design.md §3.6).
 *
 * @param state the workload's state
 * @param message what the script said with it; may be empty
 * @param at when the engine read it
 */
public record WorkloadStatus(State state, String message, Instant at) {

  /** The workload states a script may report. */
  public enum State {
    /** Ready and doing its job. */
    ACTIVE,
    /** Busy with a change of its own, such as a data migration; not broken. */
    MAINTENANCE,
    /** Waiting for something outside the node, such as a peer or a dependency. */
    WAITING,
    /** Cannot go on until someone acts. */
    BLOCKED;

    /**
     * Reads a state by its name, in any case.
     *
     * @param name the name, such as {@code active}
     * @return the state
     * @throws IllegalArgumentException naming the allowed values if {@code name} is none of them
     */
    public static State parse(String name) {
      try {
        return valueOf(name.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "unknown workload state '" + name + "': use active, maintenance, waiting or blocked",
            e);
      }
    }

    /**
     * The name scripts write.
     *
     * @return the lower-case name
     */
    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Checks for nulls.
   *
   * @param state the state
   * @param message the message; may be empty
   * @param at when it was read
   */
  public WorkloadStatus {
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(message, "message");
    Objects.requireNonNull(at, "at");
  }

  /**
   * Describes the status as scripts write it.
   *
   * @return {@code <state> <message>}, or the state alone without a message
   */
  public String describe() {
    return message.isEmpty() ? state.label() : state.label() + " " + message;
  }
}

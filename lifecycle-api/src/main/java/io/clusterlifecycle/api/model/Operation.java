package io.clusterlifecycle.api.model;

import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One requested change of a cluster and how it went. Build one with {@link #builder()}.
 *
 * @param id the operation id
 * @param clusterId the cluster it ran on
 * @param type what kind of operation
 * @param state where it is
 * @param startedFrom the cluster's state when the operation began
 * @param plan the plan it runs
 * @param createdAt when it was accepted
 * @param endedAt when it ended, if it has
 * @param error why it failed; empty unless it failed
 * @param refused true when a guard or pre-check refused it: it failed, but nothing was changed and
 *     the cluster is back in {@code startedFrom}
 * @param warnings failures tolerated because the operation was forced
 * @param keptVolumes ids of volumes left in place by a delete with keep-volumes
 * @param results per node id, what the operation's scripts reported through {@code LC_RESULT}
 *     (docs/design.md §9.3.1), a later command's key replacing an earlier one's; nodes that
 *     reported nothing are missing. Steps that ran before the engine restarted and resumed the
 *     operation are missing too: their reports are in the events
 */
public record Operation(
    String id,
    String clusterId,
    OperationType type,
    OperationState state,
    ClusterState startedFrom,
    Plan plan,
    Instant createdAt,
    Optional<Instant> endedAt,
    Optional<String> error,
    boolean refused,
    List<String> warnings,
    List<String> keptVolumes,
    Map<String, Map<String, String>> results) {

  /**
   * Checks for nulls and copies the lists.
   *
   * @param id the operation id
   * @param clusterId the cluster id
   * @param type the type
   * @param state the state
   * @param startedFrom the cluster's state at the start
   * @param plan the plan
   * @param createdAt acceptance time
   * @param endedAt end time, if ended
   * @param error the failure, if any; an empty text counts as none
   * @param refused whether a guard or pre-check refused it
   * @param warnings tolerated failures; copied
   * @param keptVolumes kept volume ids; copied
   * @param results reported results per node; copied, sorted by node id; {@code null} (a record
   *     written before results were kept) is read as empty
   */
  public Operation {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(clusterId, "clusterId");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(startedFrom, "startedFrom");
    Objects.requireNonNull(plan, "plan");
    Objects.requireNonNull(createdAt, "createdAt");
    Objects.requireNonNull(endedAt, "endedAt");
    error = Objects.requireNonNull(error, "error").filter(s -> !s.isEmpty());
    warnings = List.copyOf(warnings);
    keptVolumes = List.copyOf(keptVolumes);
    Map<String, Map<String, String>> sorted = new java.util.TreeMap<>();
    if (results != null) {
      results.forEach(
          (node, values) ->
              sorted.put(
                  node, java.util.Collections.unmodifiableMap(new java.util.TreeMap<>(values))));
    }
    results = java.util.Collections.unmodifiableMap(sorted);
  }

  /**
   * Returns a copy that has ended.
   *
   * @param newState {@code SUCCEEDED}, {@code FAILED} or {@code CANCELLED}
   * @param at the end time
   * @param why the failure, or empty for none
   * @param wasRefused whether a guard or pre-check refused it
   * @param newWarnings the tolerated failures
   * @param newKeptVolumes the kept volumes
   * @return the copy
   */
  public Operation ended(
      OperationState newState,
      Instant at,
      String why,
      boolean wasRefused,
      List<String> newWarnings,
      List<String> newKeptVolumes) {
    return toBuilder()
        .state(state.moveTo(newState))
        .endedAt(at)
        .error(why)
        .refused(wasRefused)
        .warnings(newWarnings)
        .keptVolumes(newKeptVolumes)
        .build();
  }

  /**
   * Starts a builder for a Operation; every component not set is {@code null} (which the
   * constructor refuses), zero, false, or empty for optional values and collections.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Starts a builder holding this Operation's components, to make a changed copy.
   *
   * @return a builder; changing it leaves this record as it is
   */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** Builds a {@link Operation}; not thread-safe. The constructor checks the components. */
  public static final class Builder {
    private String id;
    private String clusterId;
    private OperationType type;
    private OperationState state;
    private ClusterState startedFrom;
    private Plan plan;
    private Instant createdAt;
    private Optional<Instant> endedAt = Optional.empty();
    private Optional<String> error = Optional.empty();
    private boolean refused;
    private List<String> warnings = List.of();
    private List<String> keptVolumes = List.of();
    private Map<String, Map<String, String>> results = Map.of();

    private Builder() {}

    private Builder(Operation r) {
      this.id = r.id;
      this.clusterId = r.clusterId;
      this.type = r.type;
      this.state = r.state;
      this.startedFrom = r.startedFrom;
      this.plan = r.plan;
      this.createdAt = r.createdAt;
      this.endedAt = r.endedAt;
      this.error = r.error;
      this.refused = r.refused;
      this.warnings = r.warnings;
      this.keptVolumes = r.keptVolumes;
      this.results = r.results;
    }

    /**
     * Sets {@code id}: the operation id.
     *
     * @param value the value
     * @return this builder
     */
    public Builder id(String value) {
      Objects.requireNonNull(value, "id");
      this.id = value;
      return this;
    }

    /**
     * Sets {@code clusterId}: the cluster it ran on.
     *
     * @param value the value
     * @return this builder
     */
    public Builder clusterId(String value) {
      Objects.requireNonNull(value, "clusterId");
      this.clusterId = value;
      return this;
    }

    /**
     * Sets {@code type}: what kind of operation.
     *
     * @param value the value
     * @return this builder
     */
    public Builder type(OperationType value) {
      Objects.requireNonNull(value, "type");
      this.type = value;
      return this;
    }

    /**
     * Sets {@code state}: where it is.
     *
     * @param value the value
     * @return this builder
     */
    public Builder state(OperationState value) {
      Objects.requireNonNull(value, "state");
      this.state = value;
      return this;
    }

    /**
     * Sets {@code startedFrom}: the cluster's state when the operation began.
     *
     * @param value the value
     * @return this builder
     */
    public Builder startedFrom(ClusterState value) {
      Objects.requireNonNull(value, "startedFrom");
      this.startedFrom = value;
      return this;
    }

    /**
     * Sets {@code plan}: the plan it runs.
     *
     * @param value the value
     * @return this builder
     */
    public Builder plan(Plan value) {
      Objects.requireNonNull(value, "plan");
      this.plan = value;
      return this;
    }

    /**
     * Sets {@code createdAt}: when it was accepted.
     *
     * @param value the value
     * @return this builder
     */
    public Builder createdAt(Instant value) {
      Objects.requireNonNull(value, "createdAt");
      this.createdAt = value;
      return this;
    }

    /**
     * Sets {@code endedAt}: when it ended, if it has.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder endedAt(Instant value) {
      this.endedAt = Optional.ofNullable(value);
      return this;
    }

    /**
     * Sets or clears {@code endedAt}: when it ended, if it has.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder endedAt(Optional<Instant> value) {
      this.endedAt = Objects.requireNonNull(value, "endedAt");
      return this;
    }

    /**
     * Sets {@code error}: why it failed; empty unless it failed.
     *
     * @param value the value; {@code null} or, for text, empty means none
     * @return this builder
     */
    public Builder error(String value) {
      this.error = Optional.ofNullable(value).filter(s -> !s.isEmpty());
      return this;
    }

    /**
     * Sets or clears {@code error}: why it failed; empty unless it failed.
     *
     * @param value the value, or empty for none
     * @return this builder
     */
    public Builder error(Optional<String> value) {
      this.error = Objects.requireNonNull(value, "error");
      return this;
    }

    /**
     * Sets {@code refused}: true when a guard or pre-check refused it: it failed, but nothing was
     * changed and the cluster is back in {@code startedFrom}.
     *
     * @param value the value
     * @return this builder
     */
    public Builder refused(boolean value) {
      this.refused = value;
      return this;
    }

    /**
     * Sets {@code warnings}: failures tolerated because the operation was forced.
     *
     * @param value the value
     * @return this builder
     */
    public Builder warnings(List<String> value) {
      Objects.requireNonNull(value, "warnings");
      this.warnings = value;
      return this;
    }

    /**
     * Sets {@code keptVolumes}: ids of volumes left in place by a delete with keep-volumes.
     *
     * @param value the value
     * @return this builder
     */
    public Builder keptVolumes(List<String> value) {
      Objects.requireNonNull(value, "keptVolumes");
      this.keptVolumes = value;
      return this;
    }

    /**
     * Sets {@code results}: per node id, what the operation's scripts reported.
     *
     * @param value the results; copied by the record
     * @return this builder
     */
    public Builder results(Map<String, Map<String, String>> value) {
      Objects.requireNonNull(value, "results");
      this.results = value;
      return this;
    }

    /**
     * Builds the record.
     *
     * @return the Operation
     * @throws NullPointerException if a required component was not set
     * @throws IllegalArgumentException if the record's constructor refuses a value
     */
    public Operation build() {
      return new Operation(
          id,
          clusterId,
          type,
          state,
          startedFrom,
          plan,
          createdAt,
          endedAt,
          error,
          refused,
          warnings,
          keptVolumes,
          results);
    }
  }
}

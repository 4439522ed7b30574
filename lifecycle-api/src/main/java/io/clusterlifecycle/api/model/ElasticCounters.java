package io.clusterlifecycle.api.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * What the autoscaler remembers about one role between its checks (docs/design.md §6.14), kept in
 * the cluster's record so that an engine restarted (or another replica) goes on where it stopped.
 * Policies are named by kind and position in the role's spec: {@code e0} is the first elasticity
 * policy, {@code s0} the first scheduled one.
 *
 * @param streaks per elasticity policy, how many consecutive periods its condition has held
 * @param marks per elasticity policy, when it was last checked; per scheduled policy, when it last
 *     fired or, before that, when the autoscaler first saw it
 * @param cooldown the cooldown the role's last change by policy asked for: the cluster leaves
 *     {@code COOLDOWN} this long after that operation ended
 */
public record ElasticCounters(
    Map<String, Integer> streaks, Map<String, Instant> marks, Duration cooldown) {

  /** Counters of a role the autoscaler has not seen yet. */
  public static final ElasticCounters NONE = new ElasticCounters(Map.of(), Map.of(), Duration.ZERO);

  /**
   * Copies the maps, sorted by policy name.
   *
   * @param streaks consecutive periods held per elasticity policy; copied
   * @param marks last check or firing per policy; copied
   * @param cooldown the cooldown the last change asked for
   * @throws NullPointerException if an argument is null
   */
  public ElasticCounters {
    streaks = Collections.unmodifiableMap(new TreeMap<>(streaks));
    marks = Collections.unmodifiableMap(new TreeMap<>(marks));
    Objects.requireNonNull(cooldown, "cooldown");
  }

  /**
   * The counters after a change by policy: every streak back to zero, the marks kept.
   *
   * @param value the cooldown the change asks for
   * @return the new counters
   */
  public ElasticCounters changed(Duration value) {
    return new ElasticCounters(Map.of(), marks, value);
  }
}

package io.clusterlifecycle.core.internal.elastic;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ElasticCounters;
import io.clusterlifecycle.api.request.ElasticScale;
import io.clusterlifecycle.api.spec.ElasticityPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ScalingType;
import io.clusterlifecycle.api.spec.ScheduledPolicy;
import io.clusterlifecycle.codec.Recurrences;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * One look at one role's policies at one instant (docs/design.md §6.14): which scheduled policies
 * are due, which elasticity policies' periods have come round, their streaks after this sample, and
 * the first change they ask for. Pure: the caller samples the metrics and stores the result.
 */
final class PolicyRound {
  private final Cluster cluster;
  private final RoleSpec role;
  private final Instant now;
  private final Map<String, Integer> streaks;
  private final Map<String, Instant> marks;
  private final Duration cooldown;
  private final List<String> warnings = new ArrayList<>();
  private ElasticScale change;
  private String reason = "";

  PolicyRound(Cluster cluster, RoleSpec role, Instant now) {
    this.cluster = cluster;
    this.role = role;
    this.now = now;
    ElasticCounters c = cluster.elasticity().getOrDefault(role.name(), ElasticCounters.NONE);
    this.streaks = new HashMap<>(c.streaks());
    this.marks = new HashMap<>(c.marks());
    this.cooldown = c.cooldown();
  }

  /** Fires the scheduled policies that are due; the first one that changes the count wins. */
  void scheduled() {
    for (int i = 0; i < role.scheduledPolicies().size(); i++) {
      ScheduledPolicy p = role.scheduledPolicies().get(i);
      String key = "s" + i;
      // first seen now: a recurrence fires from its next time on, a one-off only if still ahead
      Instant mark = marks.computeIfAbsent(key, k -> now);
      Optional<Instant> due =
          p.recurrence().isPresent()
              ? Recurrences.next(p.recurrence().get(), mark)
              : p.startTime().filter(t -> !t.isBefore(mark));
      if (due.isPresent() && !due.get().isAfter(now)) {
        marks.put(key, now.plusNanos(1));
        propose(
            p.type(),
            p.adjust(),
            p.minAdjustStep(),
            p.cooldown(),
            "scheduled policy "
                + i
                + " ("
                + p.recurrence().orElseGet(() -> "at " + p.startTime().orElseThrow())
                + ")");
      }
    }
  }

  /** The elasticity policies whose period has come round. */
  List<Integer> dueElasticity() {
    List<Integer> due = new ArrayList<>();
    for (int i = 0; i < role.elasticityPolicies().size(); i++) {
      Instant mark = marks.get("e" + i);
      if (mark == null || !now.isBefore(mark.plus(role.elasticityPolicies().get(i).period()))) {
        due.add(i);
      }
    }
    return due;
  }

  /**
   * Judges the due elasticity policies on a sample; {@code sample} is empty when the source failed
   * ({@code why} says how), and then every due streak starts over.
   */
  void elasticity(List<Integer> due, Optional<Map<String, Double>> sample, String why) {
    for (int i : due) {
      ElasticityPolicy p = role.elasticityPolicies().get(i);
      String key = "e" + i;
      marks.put(key, now);
      boolean held = false;
      if (sample.isEmpty()) {
        warnings.add("elasticity policy " + i + " (" + p.expression() + ") not judged: " + why);
      } else {
        Set<String> missing = new HashSet<>(p.expression().metrics());
        missing.removeAll(sample.get().keySet());
        if (missing.isEmpty()) {
          held = p.expression().test(sample.get());
        } else {
          warnings.add(
              "elasticity policy "
                  + i
                  + " ("
                  + p.expression()
                  + ") not judged: no value for "
                  + String.join(", ", new java.util.TreeSet<>(missing)));
        }
      }
      int streak = held ? streaks.getOrDefault(key, 0) + 1 : 0;
      streaks.put(key, streak);
      if (streak >= p.periodNumber()) {
        propose(
            p.type(),
            p.adjust(),
            p.minAdjustStep(),
            p.cooldown(),
            "elasticity policy "
                + i
                + " ("
                + p.expression()
                + ") held for "
                + streak
                + (streak == 1 ? " period" : " periods"));
      }
    }
  }

  private void propose(
      ScalingType type, int adjust, int step, Duration policyCooldown, String why) {
    if (change != null) {
      return;
    }
    int current = cluster.nodes(role.name()).size();
    int target = type.target(role, current, adjust, step);
    if (target == current) {
      return;
    }
    change = new ElasticScale(cluster.id(), role.name(), target, policyCooldown, why);
    reason = why + ": role " + role.name() + " " + current + " -> " + target + " nodes";
  }

  /** The counters after this round. */
  ElasticCounters counters() {
    return new ElasticCounters(streaks, marks, cooldown);
  }

  /** The change asked for, if any. */
  Optional<ElasticScale> change() {
    return Optional.ofNullable(change);
  }

  /** Why the change was asked for, with the node counts; empty without a change. */
  String reason() {
    return reason;
  }

  /** What could not be judged. */
  List<String> warnings() {
    return warnings;
  }
}

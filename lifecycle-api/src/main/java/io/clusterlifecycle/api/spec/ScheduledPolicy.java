package io.clusterlifecycle.api.spec;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * A change of a role's node count at set times (docs/design.md §6.14; file key {@code
 * scheduled_policies}): every time a cron {@code recurrence} fires (five fields: minute, hour, day
 * of month, month, day of week, in UTC), or once at {@code start_time}. Exactly one of the two is
 * set.
 *
 * @param type how {@code adjust} becomes a node count
 * @param adjust the adjustment
 * @param minAdjustStep for {@link ScalingType#PERCENTAGE_CHANGE}, the fewest nodes a change adds or
 *     removes, {@code >= 1}
 * @param recurrence a cron expression, such as {@code 0 8 * * 1-5}
 * @param startTime a one-off time
 * @param cooldown how long the cluster stays in {@code COOLDOWN} after the change, {@code >= 0}
 */
public record ScheduledPolicy(
    ScalingType type,
    int adjust,
    int minAdjustStep,
    Optional<String> recurrence,
    Optional<Instant> startTime,
    Duration cooldown) {

  /**
   * Checks for nulls; the rest is checked with the app spec.
   *
   * @param type how {@code adjust} becomes a node count
   * @param adjust the adjustment
   * @param minAdjustStep fewest nodes a percentage change moves
   * @param recurrence a cron expression
   * @param startTime a one-off time
   * @param cooldown how long the cluster cools down after the change
   * @throws NullPointerException if a reference component is null
   */
  public ScheduledPolicy {
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(recurrence, "recurrence");
    Objects.requireNonNull(startTime, "startTime");
    Objects.requireNonNull(cooldown, "cooldown");
  }

  /**
   * A policy that fires every time {@code cron} does, with the default cooldown.
   *
   * @param type how {@code adjust} becomes a node count
   * @param adjust the adjustment
   * @param cron a five-field cron expression
   * @return the policy
   */
  public static ScheduledPolicy recurring(ScalingType type, int adjust, String cron) {
    return new ScheduledPolicy(
        type,
        adjust,
        1,
        Optional.of(cron),
        Optional.empty(),
        Duration.ofSeconds(ElasticityPolicy.DEFAULT_COOLDOWN_SECONDS));
  }

  /**
   * A policy that fires once at {@code at}, with the default cooldown.
   *
   * @param type how {@code adjust} becomes a node count
   * @param adjust the adjustment
   * @param at when it fires
   * @return the policy
   */
  public static ScheduledPolicy once(ScalingType type, int adjust, Instant at) {
    return new ScheduledPolicy(
        type,
        adjust,
        1,
        Optional.empty(),
        Optional.of(at),
        Duration.ofSeconds(ElasticityPolicy.DEFAULT_COOLDOWN_SECONDS));
  }

  /**
   * A copy with another cooldown.
   *
   * @param value {@code >= 0}
   * @return the copy
   */
  public ScheduledPolicy withCooldown(Duration value) {
    return new ScheduledPolicy(type, adjust, minAdjustStep, recurrence, startTime, value);
  }

  /**
   * A copy with another min_adjust_step.
   *
   * @param value {@code >= 1}
   * @return the copy
   */
  public ScheduledPolicy withMinAdjustStep(int value) {
    return new ScheduledPolicy(type, adjust, value, recurrence, startTime, cooldown);
  }
}

package io.clusterlifecycle.api.spec;

import java.time.Duration;
import java.util.Objects;

/**
 * A rule that changes a role's node count when a condition over its metrics has held for a number
 * of consecutive periods (docs/design.md §6.14; file key {@code elasticity_policies}).
 *
 * <p>Defaults: type {@link ScalingType#CHANGE}, min_adjust_step 1, period_number 1, period {@value
 * #DEFAULT_PERIOD_SECONDS} s, cooldown {@value #DEFAULT_COOLDOWN_SECONDS} s.
 *
 * @param expression the condition, over the metrics a {@code MetricsSource} reports for the role
 *     (averaged over its running nodes)
 * @param type how {@code adjust} becomes a node count
 * @param adjust the adjustment
 * @param minAdjustStep for {@link ScalingType#PERCENTAGE_CHANGE}, the fewest nodes a change adds or
 *     removes, {@code >= 1}
 * @param periodNumber how many consecutive periods the condition must hold, {@code >= 1}
 * @param period how often the condition is checked, positive
 * @param cooldown how long the cluster stays in {@code COOLDOWN} after the change, {@code >= 0}
 */
public record ElasticityPolicy(
    MetricExpression expression,
    ScalingType type,
    int adjust,
    int minAdjustStep,
    int periodNumber,
    Duration period,
    Duration cooldown) {

  /** Seconds between checks when none is given. */
  public static final int DEFAULT_PERIOD_SECONDS = 60;

  /** Seconds of cooldown after a change when none is given. */
  public static final int DEFAULT_COOLDOWN_SECONDS = 300;

  /**
   * Checks for nulls; ranges are checked with the app spec.
   *
   * @param expression the condition
   * @param type how {@code adjust} becomes a node count
   * @param adjust the adjustment
   * @param minAdjustStep fewest nodes a percentage change moves
   * @param periodNumber consecutive periods the condition must hold
   * @param period how often the condition is checked
   * @param cooldown how long the cluster cools down after the change
   * @throws NullPointerException if a reference component is null
   */
  public ElasticityPolicy {
    Objects.requireNonNull(expression, "expression");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(period, "period");
    Objects.requireNonNull(cooldown, "cooldown");
  }

  /**
   * Starts a builder.
   *
   * @param expression the condition, such as {@code CPU > 80}
   * @param adjust the adjustment
   * @return a builder with the other settings at their defaults
   * @throws IllegalArgumentException if the expression does not parse
   */
  public static Builder builder(String expression, int adjust) {
    return new Builder(MetricExpression.parse(expression), adjust);
  }

  /** Builds an {@link ElasticityPolicy}; not thread-safe. */
  public static final class Builder {
    private final MetricExpression expression;
    private final int adjust;
    private ScalingType type = ScalingType.CHANGE;
    private int minAdjustStep = 1;
    private int periodNumber = 1;
    private Duration period = Duration.ofSeconds(DEFAULT_PERIOD_SECONDS);
    private Duration cooldown = Duration.ofSeconds(DEFAULT_COOLDOWN_SECONDS);

    private Builder(MetricExpression expression, int adjust) {
      this.expression = expression;
      this.adjust = adjust;
    }

    /**
     * Sets how {@code adjust} becomes a node count.
     *
     * @param value the type
     * @return this builder
     */
    public Builder type(ScalingType value) {
      this.type = Objects.requireNonNull(value, "type");
      return this;
    }

    /**
     * Sets the fewest nodes a percentage change adds or removes.
     *
     * @param value {@code >= 1}
     * @return this builder
     */
    public Builder minAdjustStep(int value) {
      this.minAdjustStep = value;
      return this;
    }

    /**
     * Sets how many consecutive periods the condition must hold.
     *
     * @param value {@code >= 1}
     * @return this builder
     */
    public Builder periodNumber(int value) {
      this.periodNumber = value;
      return this;
    }

    /**
     * Sets how often the condition is checked.
     *
     * @param value positive
     * @return this builder
     */
    public Builder period(Duration value) {
      this.period = Objects.requireNonNull(value, "period");
      return this;
    }

    /**
     * Sets how long the cluster stays in {@code COOLDOWN} after a change.
     *
     * @param value {@code >= 0}
     * @return this builder
     */
    public Builder cooldown(Duration value) {
      this.cooldown = Objects.requireNonNull(value, "cooldown");
      return this;
    }

    /**
     * Builds the policy.
     *
     * @return the policy
     */
    public ElasticityPolicy build() {
      return new ElasticityPolicy(
          expression, type, adjust, minAdjustStep, periodNumber, period, cooldown);
    }
  }
}

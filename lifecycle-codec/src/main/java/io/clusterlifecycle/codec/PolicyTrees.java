package io.clusterlifecycle.codec;

import io.clusterlifecycle.api.spec.ElasticityPolicy;
import io.clusterlifecycle.api.spec.ScalingType;
import io.clusterlifecycle.api.spec.ScheduledPolicy;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** The file form of policies, as {@link PolicyBinder} reads it back; defaults are left out. */
final class PolicyTrees {
  private static final Duration DEFAULT_COOLDOWN =
      Duration.ofSeconds(ElasticityPolicy.DEFAULT_COOLDOWN_SECONDS);

  private PolicyTrees() {}

  static Map<String, Object> of(ElasticityPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("expression", p.expression().text());
    adjust(m, p.type(), p.adjust(), p.minAdjustStep());
    if (p.periodNumber() != 1) {
      m.put("period_number", p.periodNumber());
    }
    if (!p.period().equals(Duration.ofSeconds(ElasticityPolicy.DEFAULT_PERIOD_SECONDS))) {
      m.put("period", p.period().getSeconds());
    }
    cooldown(m, p.cooldown());
    return m;
  }

  static Map<String, Object> of(ScheduledPolicy p) {
    Map<String, Object> m = new LinkedHashMap<>();
    adjust(m, p.type(), p.adjust(), p.minAdjustStep());
    p.recurrence().ifPresent(r -> m.put("recurrence", r));
    p.startTime().ifPresent(t -> m.put("start_time", t.toString()));
    cooldown(m, p.cooldown());
    return m;
  }

  private static void adjust(Map<String, Object> m, ScalingType type, int adjust, int step) {
    m.put("type", type.name());
    m.put("adjust", adjust);
    if (step != 1) {
      m.put("min_adjust_step", step);
    }
  }

  private static void cooldown(Map<String, Object> m, Duration cooldown) {
    if (!cooldown.equals(DEFAULT_COOLDOWN)) {
      m.put("cooldown", cooldown.getSeconds());
    }
  }
}

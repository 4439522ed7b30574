package io.clusterlifecycle.api.spec;

import io.clusterlifecycle.api.error.ValidationProblem;
import java.time.Duration;
import java.util.List;

/**
 * The checks of a role's elasticity and scheduled policies (docs/design.md §6.14). Cron syntax is
 * checked where a cron library is at hand (the spec files' loader and the engine).
 */
final class PolicyChecks {
  private PolicyChecks() {}

  static void of(String at, RoleSpec role, List<ValidationProblem> p) {
    boolean any = !role.elasticityPolicies().isEmpty() || !role.scheduledPolicies().isEmpty();
    if (any && !role.allows(AdvancedAction.SCALE_HORIZONTAL)) {
      p.add(
          ValidationProblem.of(
              at + ".advanced_actions",
              "must list scale_horizontal: role "
                  + role.name()
                  + " has elasticity or scheduled policies, which add and delete its nodes"));
    }
    for (int i = 0; i < role.elasticityPolicies().size(); i++) {
      ElasticityPolicy e = role.elasticityPolicies().get(i);
      String path = at + ".elasticity_policies[" + i + "]";
      adjust(path, role, e.type(), e.adjust(), e.minAdjustStep(), p);
      if (e.periodNumber() < 1) {
        p.add(
            ValidationProblem.of(path + ".period_number", "must be >= 1, was " + e.periodNumber()));
      }
      if (e.period().compareTo(Duration.ofSeconds(1)) < 0) {
        p.add(
            ValidationProblem.of(path + ".period", "must be at least 1 second, was " + e.period()));
      }
      cooldown(path, e.cooldown(), p);
    }
    for (int i = 0; i < role.scheduledPolicies().size(); i++) {
      ScheduledPolicy s = role.scheduledPolicies().get(i);
      String path = at + ".scheduled_policies[" + i + "]";
      adjust(path, role, s.type(), s.adjust(), s.minAdjustStep(), p);
      if (s.recurrence().isPresent() == s.startTime().isPresent()) {
        p.add(ValidationProblem.of(path, "set exactly one of recurrence and start_time"));
      }
      s.recurrence()
          .filter(r -> r.trim().split("\\s+").length != 5)
          .ifPresent(
              r ->
                  p.add(
                      ValidationProblem.of(
                          path + ".recurrence",
                          "must be a cron expression of five fields (minute hour day-of-month"
                              + " month day-of-week), was '"
                              + r
                              + "'")));
      cooldown(path, s.cooldown(), p);
    }
  }

  private static void adjust(
      String path,
      RoleSpec role,
      ScalingType type,
      int adjust,
      int step,
      List<ValidationProblem> p) {
    String range = "[" + role.minNodes() + ", " + bound(role.maxNodes()) + "]";
    switch (type) {
      case CARDINALITY -> {
        if (adjust < role.minNodes() || adjust > role.maxNodes()) {
          p.add(
              ValidationProblem.of(
                  path + ".adjust",
                  "a CARDINALITY of " + adjust + " is outside the role's min/max nodes " + range));
        }
      }
      case CHANGE -> {
        if (adjust == 0) {
          p.add(ValidationProblem.of(path + ".adjust", "a CHANGE of 0 changes nothing"));
        } else if (role.maxNodes() != RoleSpec.UNBOUNDED
            && Math.abs((long) adjust) > (long) role.maxNodes() - role.minNodes()) {
          p.add(
              ValidationProblem.of(
                  path + ".adjust",
                  "a CHANGE of " + adjust + " can never stay within min/max nodes " + range));
        }
      }
      case PERCENTAGE_CHANGE -> {
        if (adjust == 0 || adjust < -100) {
          p.add(
              ValidationProblem.of(
                  path + ".adjust",
                  "a PERCENTAGE_CHANGE must be non-zero and >= -100, was " + adjust));
        }
        if (step < 1
            || (role.maxNodes() != RoleSpec.UNBOUNDED
                && step > (long) role.maxNodes() - role.minNodes())) {
          p.add(
              ValidationProblem.of(
                  path + ".min_adjust_step",
                  "must be >= 1 and fit within min/max nodes " + range + ", was " + step));
        }
      }
    }
  }

  private static void cooldown(String path, Duration cooldown, List<ValidationProblem> p) {
    if (cooldown.isNegative()) {
      p.add(ValidationProblem.of(path + ".cooldown", "must be >= 0, was " + cooldown));
    }
  }

  private static String bound(int max) {
    return max == RoleSpec.UNBOUNDED ? "unbounded" : String.valueOf(max);
  }
}

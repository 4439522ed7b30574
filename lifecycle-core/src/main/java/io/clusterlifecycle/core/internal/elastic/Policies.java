package io.clusterlifecycle.core.internal.elastic;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ElasticityPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spi.MetricsSource;
import io.clusterlifecycle.codec.Recurrences;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The engine's side of checking policies (docs/design.md §6.14), for specs built in code as much as
 * for spec files: cron recurrences that parse and fire, and metrics the metrics source reports.
 */
public final class Policies {
  private Policies() {}

  /** The engine's metrics source: the host's, or the roles' {@code metrics} services. */
  public static MetricsSource metrics(EngineContext ctx) {
    return ctx.metricsSource().orElseGet(() -> new ServiceMetrics(ctx));
  }

  /**
   * Refuses a spec whose policies this engine cannot run, before anything changes.
   *
   * @throws ValidationException naming every bad recurrence and unknown metric
   */
  public static void check(AppSpec spec, EngineContext ctx, String subject) {
    List<ValidationProblem> p = new ArrayList<>();
    MetricsSource source = metrics(ctx);
    for (int i = 0; i < spec.roles().size(); i++) {
      RoleSpec role = spec.roles().get(i);
      String at = "roles[" + i + "]";
      for (int j = 0; j < role.scheduledPolicies().size(); j++) {
        String path = at + ".scheduled_policies[" + j + "].recurrence";
        role.scheduledPolicies()
            .get(j)
            .recurrence()
            .flatMap(Recurrences::problem)
            .ifPresent(why -> p.add(ValidationProblem.of(path, why)));
      }
      Set<String> read = new LinkedHashSet<>();
      role.elasticityPolicies().stream()
          .map(ElasticityPolicy::expression)
          .forEach(e -> read.addAll(e.metrics()));
      if (read.isEmpty()) {
        continue;
      }
      Set<String> unknown = new TreeSet<>(source.unknown(role, read));
      if (!unknown.isEmpty()) {
        p.add(
            ValidationProblem.of(
                at + ".elasticity_policies",
                "unknown metric"
                    + (unknown.size() == 1 ? " " : "s ")
                    + String.join(", ", unknown)
                    + ": "
                    + source.name()
                    + " does not report "
                    + (unknown.size() == 1 ? "it" : "them")
                    + " for role "
                    + role.name()));
      }
    }
    if (!p.isEmpty()) {
      throw new ValidationException(subject, p);
    }
  }
}

package io.clusterlifecycle.codec;

import io.clusterlifecycle.api.spec.ElasticityPolicy;
import io.clusterlifecycle.api.spec.MetricExpression;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ScalingType;
import io.clusterlifecycle.api.spec.ScheduledPolicy;
import io.clusterlifecycle.codec.SpecTree.ListNode;
import io.clusterlifecycle.codec.SpecTree.MapNode;
import io.clusterlifecycle.codec.SpecTree.Node;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.function.Consumer;

/**
 * Binds a role's {@code elasticity_policies} and {@code scheduled_policies} (docs/design.md §6.14),
 * adding a located problem for a bad expression, type, time or cron recurrence. Durations are whole
 * seconds.
 */
final class PolicyBinder {
  static final List<String> ELASTICITY_KEYS =
      List.of(
          "expression", "type", "adjust", "min_adjust_step", "period_number", "period", "cooldown");
  static final List<String> SCHEDULED_KEYS =
      List.of("type", "adjust", "min_adjust_step", "recurrence", "start_time", "cooldown");

  private final SpecBinder b;

  PolicyBinder(SpecBinder binder) {
    this.b = binder;
  }

  void bind(MapNode role, String at, RoleSpec.Builder out) {
    each(role, at, "elasticity_policies", this::elasticity, out::elasticityPolicy);
    each(role, at, "scheduled_policies", this::scheduled, out::scheduledPolicy);
  }

  private <T> void each(
      MapNode role, String at, String key, BiFunction<String, Node, T> reader, Consumer<T> sink) {
    b.optional(
        role,
        at,
        key,
        (path, n) -> {
          ListNode list = b.list(path, n, "a list of policies");
          if (list != null) {
            for (int i = 0; i < list.items().size(); i++) {
              String p = path + "[" + i + "]";
              b.locations.put(p, list.items().get(i).loc());
              T policy = reader.apply(p, list.items().get(i));
              if (policy != null) {
                sink.accept(policy);
              }
            }
          }
          return null;
        });
  }

  private ElasticityPolicy elasticity(String at, Node node) {
    MapNode m = b.mapping(at, node, "a policy such as {expression: CPU > 80, adjust: 1}");
    if (m == null) {
      return null;
    }
    MetricExpression expression =
        b.required(
            m,
            at,
            "expression",
            (path, n) -> {
              String text = b.string(path, n);
              if (text == null) {
                return null;
              }
              try {
                return MetricExpression.parse(text);
              } catch (IllegalArgumentException e) {
                b.add(path, n.loc(), e.getMessage());
                return null;
              }
            },
            null);
    ScalingType type = b.optional(m, at, "type", this::type).orElse(ScalingType.CHANGE);
    int adjust = b.required(m, at, "adjust", b::integer, 0);
    int step = b.optional(m, at, "min_adjust_step", b::integer).orElse(1);
    int periods = b.optional(m, at, "period_number", b::integer).orElse(1);
    Duration period =
        seconds(m, at, "period")
            .orElse(Duration.ofSeconds(ElasticityPolicy.DEFAULT_PERIOD_SECONDS));
    Duration cooldown =
        seconds(m, at, "cooldown")
            .orElse(Duration.ofSeconds(ElasticityPolicy.DEFAULT_COOLDOWN_SECONDS));
    b.unknownKeys(at, m, ELASTICITY_KEYS);
    return expression == null
        ? null
        : new ElasticityPolicy(expression, type, adjust, step, periods, period, cooldown);
  }

  private ScheduledPolicy scheduled(String at, Node node) {
    MapNode m = b.mapping(at, node, "a policy such as {recurrence: '0 8 * * *', adjust: 2}");
    if (m == null) {
      return null;
    }
    ScalingType type = b.optional(m, at, "type", this::type).orElse(ScalingType.CHANGE);
    int adjust = b.required(m, at, "adjust", b::integer, 0);
    int step = b.optional(m, at, "min_adjust_step", b::integer).orElse(1);
    Optional<String> recurrence =
        b.optional(
            m,
            at,
            "recurrence",
            (path, n) -> {
              String cron = b.string(path, n);
              if (cron != null) {
                Recurrences.problem(cron).ifPresent(why -> b.add(path, n.loc(), why));
              }
              return cron;
            });
    Optional<Instant> start =
        b.optional(
            m,
            at,
            "start_time",
            (path, n) -> {
              String text = b.string(path, n);
              if (text == null) {
                return null;
              }
              try {
                return Instant.parse(text);
              } catch (DateTimeParseException e) {
                b.add(
                    path,
                    n.loc(),
                    "must be an ISO-8601 time in UTC such as 2027-01-31T08:00:00Z, was '"
                        + text
                        + "'");
                return null;
              }
            });
    Duration cooldown =
        seconds(m, at, "cooldown")
            .orElse(Duration.ofSeconds(ElasticityPolicy.DEFAULT_COOLDOWN_SECONDS));
    b.unknownKeys(at, m, SCHEDULED_KEYS);
    return new ScheduledPolicy(type, adjust, step, recurrence, start, cooldown);
  }

  private ScalingType type(String path, Node n) {
    return b.choice(
        path,
        n,
        "policy type",
        s ->
            EnumSet.allOf(ScalingType.class).stream()
                .filter(t -> t.name().equalsIgnoreCase(s))
                .findFirst(),
        ScalingType.class);
  }

  private Optional<Duration> seconds(MapNode m, String at, String key) {
    return b.optional(m, at, key, b::integer).map(Duration::ofSeconds);
  }
}

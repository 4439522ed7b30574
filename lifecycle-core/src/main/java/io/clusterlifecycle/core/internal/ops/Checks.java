package io.clusterlifecycle.core.internal.ops;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** The request rules several operations share (docs/design.md). */
final class Checks {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  static final Pattern LABEL_KEY =
      Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
  static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  static final Duration MAX_TIMEOUT = Duration.ofDays(7);

  private Checks() {}

  /** A request with nothing to check but its timeout. */
  static void plain(Optional<Duration> t, String subject) {
    List<ValidationProblem> p = new ArrayList<>();
    timeout(t, p);
    throwIf(p, subject);
  }

  static void batches(int size, Duration period, Optional<Duration> timeout, String subject) {
    List<ValidationProblem> p = new ArrayList<>();
    if (size < 0) {
      p.add(ValidationProblem.of("batch_size", "must be >= 0 (0: all nodes at once), was " + size));
    }
    if (period.isNegative() || period.compareTo(Duration.ofDays(1)) > 0) {
      p.add(ValidationProblem.of("batch_period", "must be between 0 and 1 day, was " + period));
    }
    timeout(timeout, p);
    throwIf(p, subject);
  }

  /** The role a request names; a role the cluster's spec lacks is bad input (design.md §11). */
  static RoleSpec role(Cluster c, String name) {
    return c.spec()
        .role(name)
        .orElseThrow(
            () ->
                new ValidationException(
                    "request on cluster " + c.name(),
                    List.of(
                        ValidationProblem.of(
                            "role",
                            "cluster "
                                + c.name()
                                + " has no role '"
                                + name
                                + "'; its roles are "
                                + roleNames(c.spec())))));
  }

  static void name(String name, String namespace, List<ValidationProblem> p) {
    if (!NAME.matcher(name).matches()) {
      p.add(
          ValidationProblem.of(
              "name",
              "must match "
                  + NAME
                  + " (a lower-case letter, then"
                  + " lower-case letters, digits or '-'; at most 40), was '"
                  + name
                  + "'"));
    }
    if (!NAME.matcher(namespace).matches()) {
      p.add(ValidationProblem.of("namespace", "must match " + NAME + ", was '" + namespace + "'"));
    }
  }

  static void labels(Map<String, String> labels, List<ValidationProblem> p) {
    labels.forEach(
        (k, v) -> {
          if (k == null || !LABEL_KEY.matcher(k).matches()) {
            p.add(ValidationProblem.of("labels." + k, "key must match " + LABEL_KEY));
          } else if (v == null) {
            p.add(
                ValidationProblem.of("labels." + k, "must have a value (an empty one is allowed)"));
          }
        });
  }

  static void range(List<ValidationProblem> p, String path, int value, int max, String unit) {
    if (value < 1 || value > max) {
      p.add(
          ValidationProblem.of(
              path, "must be between 1 and " + max + " " + unit + ", was " + value));
    }
  }

  /**
   * Checks the engine's node limits and the provider's capacity (docs/design.md §11) for a request
   * that creates {@code adding} nodes and leaves its cluster with {@code after}.
   */
  static void nodeLimits(
      List<ValidationProblem> p, EngineContext ctx, String path, long adding, long after) {
    if (adding > ctx.limits().perRequest()) {
      p.add(
          ValidationProblem.of(
              path,
              "this request creates "
                  + adding
                  + " nodes, over this engine's limit of "
                  + ctx.limits().perRequest()
                  + " per request; create them in several requests, or raise the limit"
                  + " (LifecycleEngineBuilder.maxNodesPerRequest)"));
    }
    if (after > ctx.limits().perCluster()) {
      p.add(
          ValidationProblem.of(
              path,
              "the cluster would have "
                  + after
                  + " nodes, over this engine's limit of "
                  + ctx.limits().perCluster()
                  + " per cluster (LifecycleEngineBuilder.maxNodesPerCluster)"));
    }
    java.util.OptionalInt capacity = ctx.resources().maxNodes();
    if (capacity.isPresent() && after > capacity.getAsInt()) {
      p.add(
          ValidationProblem.of(
              path,
              "the cluster would have "
                  + after
                  + " nodes, but the resource provider holds at most "
                  + capacity.getAsInt()));
    }
  }

  static void timeout(Optional<Duration> t, List<ValidationProblem> p) {
    t.ifPresent(
        d -> {
          if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
            p.add(ValidationProblem.of("timeout", "must be positive and at most 7 days, was " + d));
          }
        });
  }

  static void throwIf(List<ValidationProblem> p, String subject) {
    if (!p.isEmpty()) {
      throw new ValidationException(subject, p);
    }
  }

  /**
   * The templates of {@code spec} whose source was never loaded (docs/design.md §15): a spec read
   * without its files cannot render them, so the request is refused before anything runs.
   */
  static void templatesLoaded(AppSpec spec, List<ValidationProblem> p) {
    for (int i = 0; i < spec.roles().size(); i++) {
      RoleSpec r = spec.roles().get(i);
      for (int j = 0; j < r.templates().size(); j++) {
        io.clusterlifecycle.api.spec.TemplateSpec t = r.templates().get(j);
        if (t.content().isEmpty()) {
          p.add(
              ValidationProblem.of(
                  "spec.roles[" + i + "].templates[" + j + "].source",
                  "template file '"
                      + t.source().orElse("")
                      + "' was not loaded; load the spec with its files (a spec source or"
                      + " AppSpec.withTemplateSources)"));
        }
      }
    }
  }

  static String bound(int max) {
    return max == RoleSpec.UNBOUNDED ? "unbounded" : String.valueOf(max);
  }

  static String roleNames(AppSpec spec) {
    return spec.roles().stream().map(RoleSpec::name).collect(Collectors.joining(", "));
  }
}

package io.clusterlifecycle.core.sim;

import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/** Small random app specs for the stateful tests: 2–3 roles of 1–4 nodes. */
final class Specs {
  static final List<String> ROLES = List.of("alpha", "beta", "gamma");

  /** Names of roles an add-role brings in. */
  static final List<String> NEW_ROLES = List.of("gamma", "delta");

  /** The custom service some roles define, for run-service. */
  static final String CUSTOM = "custom";

  /**
   * Services whose next run a test can make fail; pre-checks run as {@code <service>.pre_check}.
   */
  static final List<String> SERVICES =
      List.of(
          "init",
          "start",
          "stop",
          "destroy",
          "scale_out",
          "scale_in",
          "reload",
          "scale_out.pre_check",
          "scale_in.pre_check",
          "upgrade",
          "restart",
          CUSTOM,
          "backup",
          "restore",
          "promote");

  private Specs() {}

  /** How a role deletes: no destroy service, a destroy guard, or destroy after stop. */
  enum Destroy {
    NONE,
    GUARD,
    POST_STOP
  }

  /**
   * One role's shape. Flags shrink to 0 = the simplest role (scale_horizontal on, nothing else).
   *
   * @param count nodes at creation, 1–4
   * @param min min_nodes, at most {@code count}
   * @param extra how far max_nodes is above {@code count}
   * @param flags bit 0: no scale_horizontal; 1: volume; 2: init post-start; 3: scale_out; 4: its
   *     pre-check; 5: scale_in; 6: its pre-check; 7: reload; 8: sequential vertical_scaling_policy;
   *     9: sequential upgrading_policy; 10: no stop service; 11: an upgrade service (post-start
   *     with bit 2); 12: a restart service; 13: a custom service (run on demand); 14: backup and
   *     restore services; 15: a promote service
   * @param startOrder order of start
   * @param destroy the destroy service
   */
  record RoleShape(int count, int min, int extra, int flags, int startOrder, Destroy destroy) {
    boolean has(int bit) {
      return (flags & (1 << bit)) != 0;
    }

    RoleSpec build(String name) {
      RoleSpec.Builder r =
          RoleSpec.builder(name)
              .count(count)
              .minNodes(Math.min(min, count))
              .maxNodes(count + extra)
              .cpu(1)
              .memory(512);
      if (!has(0)) {
        r.advancedActions(AdvancedAction.SCALE_HORIZONTAL);
      }
      if (has(1)) {
        r.volume(5, "/data");
      }
      r.service("init", s -> s.cmd("init " + name).postStartService(has(2)));
      r.service("start", s -> s.cmd("start " + name).order(startOrder));
      if (!has(10)) {
        r.service("stop", s -> s.cmd("stop " + name));
      }
      if (has(8)) {
        r.verticalScalingPolicy(ExecutionPolicy.SEQUENTIAL);
      }
      if (has(9)) {
        r.upgradingPolicy(ExecutionPolicy.SEQUENTIAL);
      }
      if (has(11)) {
        r.service("upgrade", s -> s.cmd("upgrade " + name).postStartService(has(2)));
      }
      if (has(12)) {
        r.service("restart", "restart " + name);
      }
      if (has(13)) {
        r.service(CUSTOM, CUSTOM + " " + name);
      }
      if (has(14)) {
        r.service("backup", "backup " + name);
        r.service("restore", "restore " + name);
      }
      if (has(15)) {
        r.service("promote", "promote " + name);
      }
      if (has(3)) {
        r.service(
            "scale_out",
            s -> {
              s.cmd("scale-out " + name);
              if (has(4)) {
                s.preCheck("check-out " + name);
              }
            });
      }
      if (has(5)) {
        r.service(
            "scale_in",
            s -> {
              s.cmd("scale-in " + name);
              if (has(6)) {
                s.preCheck("check-in " + name);
              }
            });
      }
      if (has(7)) {
        r.service("reload", "reload " + name);
      }
      switch (destroy) {
        case GUARD -> r.service("destroy", s -> s.cmd("destroy " + name).postStopService(false));
        case POST_STOP -> r.service("destroy", s -> s.cmd("destroy " + name).postStopService(true));
        default -> {}
      }
      return r.build();
    }
  }

  static Arbitrary<RoleShape> roles() {
    return Combinators.combine(
            Arbitraries.integers().between(1, 4),
            Arbitraries.integers().between(1, 3),
            Arbitraries.integers().between(0, 3),
            Arbitraries.integers().between(0, (1 << 16) - 1),
            Arbitraries.integers().between(0, 2),
            Arbitraries.of(Destroy.class))
        .as(RoleShape::new);
  }

  static Arbitrary<AppSpec> specs() {
    return roles().list().ofMinSize(2).ofMaxSize(3).map(Specs::spec);
  }

  static AppSpec spec(List<RoleShape> shapes) {
    AppSpec.Builder b = AppSpec.builder("app", "1.0");
    for (int i = 0; i < shapes.size(); i++) {
      b.role(shapes.get(i).build(ROLES.get(i)));
    }
    return b.build();
  }

  /**
   * The spec an upgrade of a cluster running {@code current} moves to: the same roles, sizes and
   * services, the next version ("1.0" → "2" → "3" …) and each role's image named after it.
   */
  static AppSpec upgradeOf(AppSpec current) {
    String next = String.valueOf(major(current.version()) + 1);
    AppSpec.Builder b = current.toBuilder().version(next);
    for (RoleSpec r : current.roles()) {
      b.replaceRole(r.toBuilder().image(r.name() + ":" + next).build());
    }
    return b.build();
  }

  static int major(String version) {
    int dot = version.indexOf('.');
    return Integer.parseInt(dot < 0 ? version : version.substring(0, dot));
  }

  /** A one-line summary of a spec, for action descriptions. */
  static String describe(AppSpec spec) {
    List<String> roles = new ArrayList<>();
    for (RoleSpec r : spec.roles()) {
      List<String> traits = new ArrayList<>();
      traits.add(r.count() + " [" + r.minNodes() + "," + r.maxNodes() + "]");
      if (!r.allows(AdvancedAction.SCALE_HORIZONTAL)) {
        traits.add("fixed");
      }
      r.service("destroy")
          .ifPresent(d -> traits.add(d.postStopService() ? "destroy-after-stop" : "destroy-guard"));
      r.service("scale_out")
          .ifPresent(s -> traits.add("scale_out" + (s.preCheck().isPresent() ? "+check" : "")));
      r.service("scale_in")
          .ifPresent(s -> traits.add("scale_in" + (s.preCheck().isPresent() ? "+check" : "")));
      r.service("reload").ifPresent(s -> traits.add("reload"));
      r.service("init")
          .filter(ServiceSpec::postStartService)
          .ifPresent(s -> traits.add("init-post-start"));
      r.volume().ifPresent(v -> traits.add("volume"));
      if (r.service("stop").isEmpty()) {
        traits.add("no-stop");
      }
      if (r.verticalScalingPolicy() == ExecutionPolicy.SEQUENTIAL) {
        traits.add("vs-sequential");
      }
      if (r.upgradingPolicy() == ExecutionPolicy.SEQUENTIAL) {
        traits.add("upgrade-sequential");
      }
      r.service("upgrade")
          .ifPresent(s -> traits.add("upgrade" + (s.postStartService() ? "-post-start" : "")));
      r.service("restart").ifPresent(s -> traits.add("restart"));
      r.service(CUSTOM).ifPresent(s -> traits.add(CUSTOM));
      r.service("backup").ifPresent(s -> traits.add("backup"));
      r.service("promote").ifPresent(s -> traits.add("promote"));
      roles.add(r.name() + "(" + String.join(" ", traits) + ")");
    }
    return "v" + spec.version() + " " + String.join(" ", roles);
  }
}

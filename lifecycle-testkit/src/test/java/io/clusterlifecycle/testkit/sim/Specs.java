package io.clusterlifecycle.testkit.sim;

import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
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

  /** Services whose next run a test can make fail; pre-checks run as {@code <service>.pre_check}. */
  static final List<String> SERVICES = List.of("init", "start", "stop", "destroy", "scale_out",
      "scale_in", "reload", "scale_out.pre_check", "scale_in.pre_check");

  private Specs() {}

  /** How a role deletes: no destroy service, a destroy guard, or destroy after stop. */
  enum Destroy { NONE, GUARD, POST_STOP }

  /**
   * One role's shape. Flags shrink to 0 = the simplest role (scale_horizontal on, nothing else).
   *
   * @param count nodes at creation, 1–4
   * @param min min_nodes, at most {@code count}
   * @param extra how far max_nodes is above {@code count}
   * @param flags bit 0: no scale_horizontal; 1: volume; 2: init post-start; 3: scale_out;
   *     4: its pre-check; 5: scale_in; 6: its pre-check; 7: reload
   * @param startOrder order of start
   * @param destroy the destroy service
   */
  record RoleShape(int count, int min, int extra, int flags, int startOrder, Destroy destroy) {
    boolean has(int bit) {
      return (flags & (1 << bit)) != 0;
    }

    RoleSpec build(String name) {
      RoleSpec.Builder r = RoleSpec.builder(name).count(count).minNodes(Math.min(min, count))
          .maxNodes(count + extra).cpu(1).memory(512);
      if (!has(0)) {
        r.advancedActions(AdvancedAction.SCALE_HORIZONTAL);
      }
      if (has(1)) {
        r.volume(5, "/data");
      }
      r.service("init", s -> s.cmd("init " + name).postStartService(has(2)));
      r.service("start", s -> s.cmd("start " + name).order(startOrder));
      r.service("stop", s -> s.cmd("stop " + name));
      if (has(3)) {
        r.service("scale_out", s -> {
          s.cmd("scale-out " + name);
          if (has(4)) {
            s.preCheck("check-out " + name);
          }
        });
      }
      if (has(5)) {
        r.service("scale_in", s -> {
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
        case POST_STOP -> r.service("destroy", s -> s.cmd("destroy " + name)
            .postStopService(true));
        default -> { }
      }
      return r.build();
    }
  }

  static Arbitrary<RoleShape> roles() {
    return Combinators.combine(
        Arbitraries.integers().between(1, 4),
        Arbitraries.integers().between(1, 3),
        Arbitraries.integers().between(0, 3),
        Arbitraries.integers().between(0, 255),
        Arbitraries.integers().between(0, 2),
        Arbitraries.of(Destroy.class)).as(RoleShape::new);
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

  /** A one-line summary of a spec, for action descriptions. */
  static String describe(AppSpec spec) {
    List<String> roles = new ArrayList<>();
    for (RoleSpec r : spec.roles()) {
      List<String> traits = new ArrayList<>();
      traits.add(r.count() + " [" + r.minNodes() + "," + r.maxNodes() + "]");
      if (!r.allows(AdvancedAction.SCALE_HORIZONTAL)) {
        traits.add("fixed");
      }
      r.service("destroy").ifPresent(d -> traits.add(d.postStopService() ? "destroy-after-stop"
          : "destroy-guard"));
      r.service("scale_out").ifPresent(s -> traits.add("scale_out"
          + (s.preCheck().isPresent() ? "+check" : "")));
      r.service("scale_in").ifPresent(s -> traits.add("scale_in"
          + (s.preCheck().isPresent() ? "+check" : "")));
      r.service("reload").ifPresent(s -> traits.add("reload"));
      r.service("init").filter(ServiceSpec::postStartService)
          .ifPresent(s -> traits.add("init-post-start"));
      r.volume().ifPresent(v -> traits.add("volume"));
      roles.add(r.name() + "(" + String.join(" ", traits) + ")");
    }
    return String.join(" ", roles);
  }
}

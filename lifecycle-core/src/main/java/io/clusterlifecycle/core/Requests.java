package io.clusterlifecycle.core;

import io.clusterlifecycle.api.NotFoundException;
import io.clusterlifecycle.api.ValidationException;
import io.clusterlifecycle.api.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.RoleSpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/** Checks requests against the rules of SPEC sections 7 and 14 before anything changes. */
final class Requests {
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9-]{0,39}");
  static final Pattern LABEL_KEY = Pattern.compile("[A-Za-z0-9]([A-Za-z0-9._/-]{0,61}[A-Za-z0-9])?");
  static final Pattern ENV_KEY = Pattern.compile("[A-Za-z_][A-Za-z0-9_.-]{0,127}");
  static final Duration MAX_TIMEOUT = Duration.ofDays(7);

  private Requests() {}

  static void create(CreateCluster r) {
    r.spec().requireValid();
    List<ValidationProblem> p = new ArrayList<>();
    if (!NAME.matcher(r.name()).matches()) {
      p.add(ValidationProblem.of("name", "must match " + NAME + " (a lower-case letter, then"
          + " lower-case letters, digits or '-'; at most 40), was '" + r.name() + "'"));
    }
    if (!NAME.matcher(r.namespace()).matches()) {
      p.add(ValidationProblem.of("namespace", "must match " + NAME + ", was '" + r.namespace()
          + "'"));
    }
    r.counts().forEach((role, count) -> {
      RoleSpec spec = r.spec().role(role).orElseThrow(() -> new NotFoundException("app "
          + r.spec().name() + " has no role '" + role + "'; its roles are " + roleNames(r)));
      if (count < spec.minNodes() || count > spec.maxNodes()) {
        p.add(ValidationProblem.of("counts." + role, "must be within [min_nodes, max_nodes] = ["
            + spec.minNodes() + ", " + bound(spec.maxNodes()) + "], was " + count));
      }
    });
    r.labels().forEach((k, v) -> {
      if (!LABEL_KEY.matcher(k).matches()) {
        p.add(ValidationProblem.of("labels." + k, "key must match " + LABEL_KEY));
      }
    });
    r.env().forEach((k, v) -> {
      if (!ENV_KEY.matcher(k).matches()) {
        p.add(ValidationProblem.of("env." + k, "key must match " + ENV_KEY));
      }
    });
    timeout(r.timeout(), p);
    throwIf(p, "create request for " + r.name());
  }

  static RoleSpec addNodes(AddNodes r, Cluster c) {
    List<ValidationProblem> p = new ArrayList<>();
    RoleSpec role = c.spec().role(r.role()).orElseThrow(() -> new NotFoundException("cluster "
        + c.name() + " has no role '" + r.role() + "'; its roles are " + roleNames(c)));
    if (r.count() < 1) {
      p.add(ValidationProblem.of("count", "must be >= 1, was " + r.count()));
    }
    if (!role.allows(AdvancedAction.SCALE_HORIZONTAL)) {
      p.add(ValidationProblem.of("role", "role " + role.name() + " does not list scale_horizontal"
          + " in advanced_actions, so nodes cannot be added to it"));
    }
    long after = (long) c.nodes(role.name()).size() + Math.max(r.count(), 0);
    if (r.count() >= 1 && after > role.maxNodes()) {
      p.add(ValidationProblem.of("count", "adding " + r.count() + " would give role "
          + role.name() + " " + after + " nodes, over its max_nodes of " + role.maxNodes()));
    }
    timeout(r.timeout(), p);
    throwIf(p, "add-nodes request for " + c.name());
    return role;
  }

  static List<Node> deleteNodes(DeleteNodes r, Cluster c) {
    List<ValidationProblem> p = new ArrayList<>();
    if (r.nodes().isEmpty()) {
      p.add(ValidationProblem.of("nodes", "name at least one node to delete"));
    }
    Set<String> seen = new HashSet<>();
    List<Node> leaving = new ArrayList<>();
    for (String id : r.nodes()) {
      if (!seen.add(id)) {
        p.add(ValidationProblem.of("nodes", "node " + id + " is listed twice"));
        continue;
      }
      leaving.add(c.node(id).orElseThrow(() -> new NotFoundException("cluster " + c.name()
          + " has no node '" + id + "'")));
    }
    Map<String, Integer> leavingPerRole = new LinkedHashMap<>();
    leaving.forEach(n -> leavingPerRole.merge(n.role(), 1, Integer::sum));
    leavingPerRole.forEach((roleName, n) -> {
      RoleSpec role = c.spec().role(roleName).orElseThrow();
      if (!role.allows(AdvancedAction.SCALE_HORIZONTAL)) {
        p.add(ValidationProblem.of("nodes", "role " + roleName + " does not list"
            + " scale_horizontal in advanced_actions, so its nodes cannot be deleted"));
      }
      int remaining = c.nodes(roleName).size() - n;
      if (remaining < role.minNodes()) {
        p.add(ValidationProblem.of("nodes", "deleting " + n + " of role " + roleName
            + " would leave " + remaining + " nodes, under its min_nodes of " + role.minNodes()));
      }
    });
    timeout(r.timeout(), p);
    throwIf(p, "delete-nodes request for " + c.name());
    return leaving;
  }

  static void deleteCluster(io.clusterlifecycle.api.request.DeleteCluster r) {
    List<ValidationProblem> p = new ArrayList<>();
    timeout(r.timeout(), p);
    throwIf(p, "delete request for " + r.cluster());
  }

  private static void timeout(Optional<Duration> t, List<ValidationProblem> p) {
    t.ifPresent(d -> {
      if (d.isNegative() || d.isZero() || d.compareTo(MAX_TIMEOUT) > 0) {
        p.add(ValidationProblem.of("timeout", "must be positive and at most 7 days, was " + d));
      }
    });
  }

  private static void throwIf(List<ValidationProblem> p, String subject) {
    if (!p.isEmpty()) {
      throw new ValidationException(subject, p);
    }
  }

  private static String bound(int max) {
    return max == RoleSpec.UNBOUNDED ? "unbounded" : String.valueOf(max);
  }

  private static String roleNames(CreateCluster r) {
    return String.join(", ", r.spec().roles().stream().map(RoleSpec::name).toList());
  }

  private static String roleNames(Cluster c) {
    return String.join(", ", c.spec().roles().stream().map(RoleSpec::name).toList());
  }
}

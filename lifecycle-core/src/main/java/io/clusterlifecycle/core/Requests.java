package io.clusterlifecycle.core;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.AddRole;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.Promote;
import io.clusterlifecycle.api.request.RemoveRole;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spec.VolumeSpec;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.core.internal.plan.Planner;
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
    name(r.name(), r.namespace(), p);
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
    RoleSpec role = role(c, r.role());
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

  /** Checks a vertical scaling and returns each role's new sizes. */
  static List<Planner.Resize> scaleVertical(ScaleVertical r, Cluster c) {
    List<ValidationProblem> p = new ArrayList<>();
    List<Planner.Resize> resizes = new ArrayList<>();
    if (r.roles().isEmpty()) {
      p.add(ValidationProblem.of("roles", "name at least one role to resize"));
    }
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < r.roles().size(); i++) {
      RoleResize rr = r.roles().get(i);
      String at = "roles[" + i + "]";
      RoleSpec role = role(c, rr.role());
      if (!seen.add(rr.role())) {
        p.add(ValidationProblem.of(at, "role " + rr.role() + " is listed twice"));
        continue;
      }
      if (rr.cpu().isEmpty() && rr.memory().isEmpty() && rr.volumeSize().isEmpty()) {
        p.add(ValidationProblem.of(at, "give a new cpu, memory or volume size for role "
            + rr.role()));
        continue;
      }
      int cpu = rr.cpu().orElse(role.cpu());
      int memory = rr.memory().orElse(role.memory());
      int current = role.volume().map(VolumeSpec::size).orElse(0);
      int volume = rr.volumeSize().orElse(current);
      range(p, at + ".cpu", cpu, RoleSpec.MAX_CPU, "cores");
      range(p, at + ".memory", memory, RoleSpec.MAX_MEMORY_MIB, "MiB");
      if (rr.volumeSize().isPresent()) {
        if (current == 0) {
          p.add(ValidationProblem.of(at + ".volume_size", "role " + rr.role()
              + " has no volume to resize"));
        } else if (volume < current) {
          p.add(ValidationProblem.of(at + ".volume_size", "volumes only grow: role "
              + rr.role() + " has " + current + " GiB, asked for " + volume));
        } else {
          range(p, at + ".volume_size", volume, VolumeSpec.MAX_SIZE_GIB, "GiB");
        }
      }
      if (cpu == role.cpu() && memory == role.memory() && volume == current) {
        p.add(ValidationProblem.of(at, "role " + rr.role() + " already has " + cpu + " cpu, "
            + memory + " MiB" + (current > 0 ? ", " + current + " GiB" : "")
            + "; nothing to change"));
      }
      boolean volumeOnly = cpu == role.cpu() && memory == role.memory() && volume != current;
      resizes.add(new Planner.Resize(rr.role(), cpu, memory, volume, volumeOnly));
    }
    timeout(r.timeout(), p);
    throwIf(p, "scale-vertical request for " + c.name());
    return resizes;
  }

  private static void range(List<ValidationProblem> p, String path, int value, int max,
      String unit) {
    if (value < 1 || value > max) {
      p.add(ValidationProblem.of(path, "must be between 1 and " + max + " " + unit + ", was "
          + value));
    }
  }

  static void upgrade(Upgrade r, Cluster c) {
    r.spec().requireValid();
    List<ValidationProblem> p = new ArrayList<>();
    if (!r.spec().name().equals(c.spec().name())) {
      p.add(ValidationProblem.of("spec.name", "an upgrade moves between versions of app "
          + c.spec().name() + ", was " + r.spec().name()));
    }
    if (r.spec().version().equals(c.spec().version())) {
      p.add(ValidationProblem.of("spec.version", "cluster " + c.name() + " already runs version "
          + c.spec().version() + "; give another version"));
    }
    Set<String> now = new java.util.TreeSet<>(roleNames(c.spec()));
    Set<String> next = new java.util.TreeSet<>(roleNames(r.spec()));
    if (!now.equals(next)) {
      p.add(ValidationProblem.of("spec.roles", "an upgrade keeps the roles " + now + ", was "
          + next + "; add or remove roles with add-role and remove-role"));
    }
    timeout(r.timeout(), p);
    throwIf(p, "upgrade request for " + c.name());
  }

  static void batches(int size, Duration period, Optional<Duration> timeout, String subject) {
    List<ValidationProblem> p = new ArrayList<>();
    if (size < 0) {
      p.add(ValidationProblem.of("batch_size", "must be >= 0 (0: all nodes at once), was "
          + size));
    }
    if (period.isNegative() || period.compareTo(Duration.ofDays(1)) > 0) {
      p.add(ValidationProblem.of("batch_period", "must be between 0 and 1 day, was " + period));
    }
    timeout(timeout, p);
    throwIf(p, subject);
  }

  /** Checks a service run and returns the nodes it concerns. */
  static List<Node> runService(RunService r, Cluster c) {
    r.role().ifPresent(role -> role(c, role));
    List<Node> nodes = r.role().map(c::nodes).orElse(c.nodes());
    boolean defined = nodes.stream().anyMatch(n -> c.specOf(n).role(n.role())
        .flatMap(x -> x.service(r.service())).isPresent());
    if (!defined && !r.service().equals(Planner.REBOOT)) {
      throw new ValidationException("run request for " + c.name(), List.of(ValidationProblem.of(
          "service", (r.role().map(x -> "role " + x).orElse("no role") + " defines service '"
              + r.service() + "'; defined: " + definedServices(c, r.role())))));
    }
    batches(r.batchSize(), r.batchPeriod(), r.timeout(), "run request for " + c.name());
    return nodes;
  }

  private static String definedServices(Cluster c, Optional<String> role) {
    Set<String> names = new java.util.TreeSet<>();
    c.spec().roles().stream().filter(x -> role.isEmpty() || x.name().equals(role.get()))
        .forEach(x -> names.addAll(x.services().keySet()));
    names.add(Planner.REBOOT);
    return String.join(", ", names);
  }

  static void addRole(AddRole r, Cluster c) {
    List<ValidationProblem> p = new ArrayList<>();
    if (c.spec().role(r.role().name()).isPresent()) {
      p.add(ValidationProblem.of("role.role", "cluster " + c.name() + " already has a role "
          + r.role().name()));
    } else {
      AppSpec next = c.spec().toBuilder().role(r.role()).build();
      p.addAll(next.validate());
    }
    int count = r.count() == 0 ? r.role().count() : r.count();
    if (count < Math.max(1, r.role().minNodes()) || count > r.role().maxNodes()) {
      p.add(ValidationProblem.of("count", "must be within [max(1, min_nodes), max_nodes] = ["
          + Math.max(1, r.role().minNodes()) + ", " + bound(r.role().maxNodes()) + "], was "
          + count));
    }
    timeout(r.timeout(), p);
    throwIf(p, "add-role request for " + c.name());
  }

  static void removeRole(RemoveRole r, Cluster c) {
    role(c, r.role());
    List<ValidationProblem> p = new ArrayList<>();
    if (c.spec().roles().size() == 1) {
      p.add(ValidationProblem.of("role", "role " + r.role() + " is the cluster's only role;"
          + " delete the cluster instead"));
    }
    timeout(r.timeout(), p);
    throwIf(p, "remove-role request for " + c.name());
  }

  static void backup(BackupCluster r, Cluster c) {
    List<ValidationProblem> p = new ArrayList<>();
    if (c.nodes().stream().noneMatch(n -> c.specOf(n).role(n.role())
        .flatMap(x -> x.service(StandardService.BACKUP)).isPresent())) {
      p.add(ValidationProblem.of("cluster", "no role of cluster " + c.name()
          + " defines a backup service"));
    }
    timeout(r.timeout(), p);
    throwIf(p, "backup request for " + c.name());
  }

  static void restore(RestoreCluster r, Backup backup) {
    List<ValidationProblem> p = new ArrayList<>();
    name(r.name(), r.namespace(), p);
    if (!r.counts().isEmpty() && !r.counts().equals(backup.roleCounts())) {
      p.add(ValidationProblem.of("counts", "a restore keeps the role counts of backup "
          + backup.id() + ": " + counts(backup.roleCounts()) + "; was " + counts(r.counts())));
    }
    r.labels().keySet().forEach(k -> {
      if (!LABEL_KEY.matcher(k).matches()) {
        p.add(ValidationProblem.of("labels." + k, "key must match " + LABEL_KEY));
      }
    });
    timeout(r.timeout(), p);
    throwIf(p, "restore request for " + r.name());
  }

  private static String counts(Map<String, Integer> counts) {
    return counts.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(java.util.stream.Collectors.joining(", "));
  }

  /** Checks a promotion and returns the node. */
  static Node promote(Promote r, Cluster c) {
    Node node = c.node(r.node()).orElseThrow(() -> new NotFoundException("cluster " + c.name()
        + " has no node '" + r.node() + "'"));
    List<ValidationProblem> p = new ArrayList<>();
    if (c.specOf(node).role(node.role()).flatMap(x -> x.service(StandardService.PROMOTE))
        .isEmpty()) {
      p.add(ValidationProblem.of("node", "role " + node.role() + " of node " + node.id()
          + " defines no promote service, so its nodes cannot be promoted"));
    } else if (c.primary(node.role()).map(Node::id).orElse("").equals(node.id())) {
      p.add(ValidationProblem.of("node", "node " + node.id() + " is already the primary of role "
          + node.role()));
    } else if (node.state() != NodeState.RUNNING) {
      p.add(ValidationProblem.of("node", "node " + node.id() + " is " + node.state()
          + "; only a running node can be promoted"));
    }
    timeout(r.timeout(), p);
    throwIf(p, "promote request for " + c.name());
    Optional<Node> primary = c.primary(node.role());
    if (primary.isPresent() && primary.get().state() == NodeState.RUNNING && !r.switchover()) {
      throw new ConflictException("node " + primary.get().id() + " is the healthy primary of role "
          + node.role() + "; promote " + node.id() + " as a switchover to replace it", "");
    }
    return node;
  }

  static void plain(Optional<Duration> t, String subject) {
    List<ValidationProblem> p = new ArrayList<>();
    timeout(t, p);
    throwIf(p, subject);
  }

  private static RoleSpec role(Cluster c, String name) {
    return c.spec().role(name).orElseThrow(() -> new NotFoundException("cluster " + c.name()
        + " has no role '" + name + "'; its roles are " + roleNames(c)));
  }

  private static void name(String name, String namespace, List<ValidationProblem> p) {
    if (!NAME.matcher(name).matches()) {
      p.add(ValidationProblem.of("name", "must match " + NAME + " (a lower-case letter, then"
          + " lower-case letters, digits or '-'; at most 40), was '" + name + "'"));
    }
    if (!NAME.matcher(namespace).matches()) {
      p.add(ValidationProblem.of("namespace", "must match " + NAME + ", was '" + namespace
          + "'"));
    }
  }

  private static List<String> roleNames(AppSpec spec) {
    return spec.roles().stream().map(RoleSpec::name).toList();
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

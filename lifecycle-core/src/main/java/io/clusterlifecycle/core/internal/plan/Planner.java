package io.clusterlifecycle.core.internal.plan;

import static io.clusterlifecycle.core.internal.plan.PlanBuilder.INIT;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.START;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.STOP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.DESTROY;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.SCALE_OUT;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.SCALE_IN;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RELOAD;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RESTART;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.UPGRADE;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.BACKUP;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.RESTORE;
import static io.clusterlifecycle.core.internal.plan.PlanBuilder.PROMOTE;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ExecutionPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns a cluster record and a request into a plan (docs/design.md). Pure and
 * deterministic: the same record and arguments give the same plan.
 */
public final class Planner {
  /** The node action that stops and starts instances, for roles that define no such service. */
  public static final String REBOOT = "reboot";

  /** Metadata sections (docs/design.md). */
  public static final String HOSTS = "hosts";
  /** Hosts being added. */
  public static final String ADDING_HOSTS = "adding-hosts";
  /** Hosts being deleted. */
  public static final String DELETING_HOSTS = "deleting-hosts";
  /** Roles being resized. */
  public static final String VERTICAL_SCALING_ROLES = "vertical-scaling-roles";
  /** The cluster's identity and app version. */
  public static final String CLUSTER = "cluster";
  /** The primary node of each role that can be promoted. */
  public static final String PRIMARY = "primary";

  /**
   * The new resources of one role in a vertical scaling.
   *
   * @param role the role
   * @param cpu cores
   * @param memory MiB
   * @param volumeSize GiB, {@code 0} when the role has no volume
   * @param volumeOnly only the volume grows: online, no restarts
   */
  public record Resize(String role, int cpu, int memory, int volumeSize, boolean volumeOnly) {}

  private Planner() {}

  /** Create (7.1): every node of {@code cluster} is new. */
  public static Plan create(Cluster cluster) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.CREATE);
    List<Node> nodes = cluster.nodes();
    b.createResources(nodes);
    b.metadata("publish metadata", MetadataStep.Action.PUBLISH, "tree", List.of(MetadataStep.ALL),
        List.of(), false);
    b.initAndStart(nodes);
    return b.build();
  }

  /** Delete a cluster (7.2). Commands run only on nodes that are up. */
  public static Plan delete(Cluster cluster, boolean force, boolean keepVolumes) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.DELETE);
    b.teardown(up(cluster.nodes()), force);
    b.deleteResources(cluster.nodes(), keepVolumes);
    b.metadata("unpublish metadata", MetadataStep.Action.UNPUBLISH, "tree",
        List.of(MetadataStep.ALL),
        List.of(), false);
    return b.build();
  }

  /**
   * Add nodes (7.3): {@code cluster} already holds the new nodes (state PENDING); the others are
   * the existing nodes.
   */
  public static Plan addNodes(Cluster cluster, Collection<String> newNodeIds) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.ADD_NODES);
    List<Node> added = cluster.nodes().stream().filter(n -> newNodeIds.contains(n.id())).toList();
    List<Node> existing = up(cluster.nodes().stream()
        .filter(n -> !newNodeIds.contains(n.id())).toList());
    List<String> ids = added.stream().map(Node::id).toList();
    b.preChecks(SCALE_OUT, existing);
    b.createResources(added);
    b.metadata("publish /hosts + /adding-hosts", MetadataStep.Action.PUBLISH, "adding",
        List.of(HOSTS, ADDING_HOSTS),
        ids, false);
    b.reload(existing, Set.of(HOSTS, ADDING_HOSTS));
    b.initAndStart(added);
    b.services(SCALE_OUT, existing, s -> true, FailurePolicy.FAIL, SCALE_OUT);
    b.metadata("remove /adding-hosts", MetadataStep.Action.UNPUBLISH, "adding",
        List.of(ADDING_HOSTS),
        ids, true);
    return b.build();
  }

  /** Delete nodes (7.4). */
  public static Plan deleteNodes(Cluster cluster, Collection<String> leavingIds, boolean force) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.DELETE_NODES);
    List<Node> leaving = cluster.nodes().stream()
        .filter(n -> leavingIds.contains(n.id())).toList();
    List<Node> remaining = up(cluster.nodes().stream()
        .filter(n -> !leavingIds.contains(n.id())).toList());
    List<Node> leavingUp = up(leaving);
    List<String> ids = leaving.stream().map(Node::id).toList();
    FailurePolicy onCommandFailure = force ? FailurePolicy.WARN : FailurePolicy.FAIL;
    b.preChecks(SCALE_IN, remaining);
    b.metadata("publish /deleting-hosts", MetadataStep.Action.PUBLISH, "deleting",
        List.of(DELETING_HOSTS),
        ids, false);
    b.reload(up(cluster.nodes()), Set.of(DELETING_HOSTS));
    b.services(DESTROY, leavingUp, s -> !s.postStopService(),
        force ? FailurePolicy.WARN : FailurePolicy.REFUSE, "destroy (guard)");
    b.services(SCALE_IN, remaining, s -> true, onCommandFailure, SCALE_IN);
    b.services(STOP, leavingUp, s -> true, onCommandFailure, STOP);
    b.services(DESTROY, leavingUp, ServiceSpec::postStopService, onCommandFailure, DESTROY);
    b.deleteResources(leaving, false);
    b.metadata("unpublish /hosts + /deleting-hosts", MetadataStep.Action.UNPUBLISH, "hosts",
        List.of(HOSTS, DELETING_HOSTS),
        ids, false);
    b.reload(remaining, Set.of(HOSTS, DELETING_HOSTS));
    b.metadata("remove /deleting-hosts", MetadataStep.Action.UNPUBLISH, "deleting",
        List.of(DELETING_HOSTS),
        ids, true);
    return b.build();
  }

  /**
   * Vertical scaling (7.5): {@code cluster} holds the new sizes in its spec; its nodes still
   * have the old ones.
   */
  public static Plan scaleVertical(Cluster cluster, List<Resize> resizes) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.SCALE_VERTICAL);
    List<Node> up = up(cluster.nodes());
    Set<String> roles = resizes.stream().map(Resize::role).collect(Collectors.toSet());
    List<Node> scaled = up.stream().filter(n -> roles.contains(n.role())).toList();
    List<String> ids = scaled.stream().map(Node::id).toList();
    b.metadata("publish /vertical-scaling-roles", MetadataStep.Action.PUBLISH, "scaling",
        List.of(VERTICAL_SCALING_ROLES), ids, false);
    for (Resize r : resizes) {
      List<Node> ofRole = scaled.stream().filter(n -> n.role().equals(r.role())).toList();
      RoleSpec role = cluster.spec().role(r.role()).orElseThrow();
      if (r.volumeOnly()) {
        b.prefix(r.role());
        b.resize(ofRole, r, "resize volumes");
      } else if (role.service(STOP).isPresent()) {
        if (role.verticalScalingPolicy() == ExecutionPolicy.SEQUENTIAL) {
          for (Node n : ofRole) {
            b.prefix(n.id());
            b.services(STOP, List.of(n), s -> true, FailurePolicy.FAIL, STOP);
            b.resize(List.of(n), r, "resize");
            b.services(START, List.of(n), s -> true, FailurePolicy.FAIL, START);
          }
        } else {
          b.prefix(r.role());
          b.services(STOP, ofRole, s -> true, FailurePolicy.FAIL, STOP);
          b.resize(ofRole, r, "resize");
          b.services(START, ofRole, s -> true, FailurePolicy.FAIL, START);
        }
      } else {
        // the role cannot be stopped on its own: the others stop while it is resized
        List<Node> others = up.stream().filter(n -> !n.role().equals(r.role())).toList();
        b.prefix(r.role());
        b.services(STOP, others, s -> true, FailurePolicy.FAIL, "stop other roles");
        b.resize(ofRole, r, "resize");
        b.services(START, others, s -> true, FailurePolicy.FAIL, "start other roles");
      }
    }
    b.prefix("");
    b.metadata("publish /hosts", MetadataStep.Action.PUBLISH, "hosts", List.of(HOSTS), ids,
        false);
    b.metadata("remove /vertical-scaling-roles", MetadataStep.Action.UNPUBLISH, "scaling",
        List.of(VERTICAL_SCALING_ROLES), ids, true);
    b.reload(up, Set.of(HOSTS, VERTICAL_SCALING_ROLES));
    return b.build();
  }


  /**
   * Upgrade (7.6): {@code cluster} holds the new spec, its previous spec, and nodes still on the
   * previous version. Roles with a parallel {@code upgrading_policy} go first, all at once; then
   * the nodes of sequential roles, one at a time.
   */
  public static Plan upgrade(Cluster cluster, boolean stopped) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.UPGRADE);
    AppSpec target = cluster.spec();
    if (stopped) {
      b.replaceImages(cluster.nodes(), target);
    } else {
      List<Node> up = up(cluster.nodes());
      List<Node> parallel = up.stream().filter(n -> target.role(n.role()).orElseThrow()
          .upgradingPolicy() == ExecutionPolicy.PARALLEL).toList();
      List<List<Node>> waves = new ArrayList<>();
      if (!parallel.isEmpty()) {
        waves.add(parallel);
      }
      up.stream().filter(n -> !parallel.contains(n)).forEach(n -> waves.add(List.of(n)));
      for (List<Node> wave : waves) {
        b.prefix(waves.size() == 1 ? "" : wave == parallel ? "parallel roles" : wave.get(0).id());
        b.services(STOP, wave, s -> true, FailurePolicy.FAIL, STOP, cluster::specOf,
            n -> Map.of());
        b.replaceImages(wave, target);
        b.services(RELOAD, wave, s -> true, FailurePolicy.FAIL, RELOAD, n -> target,
            n -> Map.of());
        b.services(UPGRADE, wave, s -> !s.postStartService(), FailurePolicy.FAIL, UPGRADE,
            n -> target, n -> Map.of());
        b.services(START, wave, s -> true, FailurePolicy.FAIL, START, n -> target,
            n -> Map.of());
        b.services(UPGRADE, wave, ServiceSpec::postStartService, FailurePolicy.FAIL,
            "upgrade (post-start)", n -> target, n -> Map.of());
      }
      b.prefix("");
    }
    b.publishVersion(stopped);
    return b.build();
  }

  /**
   * Rollback (7.6): {@code cluster} holds the spec to return to as its spec. Every running node
   * stops (a failure is a warning: the failed upgrade may have left it stopped), nodes on
   * another version get the old image, then every node reloads and starts.
   */
  public static Plan rollback(Cluster cluster, boolean stopped) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.ROLLBACK);
    AppSpec target = cluster.spec();
    List<Node> moving = cluster.nodes().stream()
        .filter(n -> !n.version().orElse("").equals(target.version())).toList();
    if (stopped) {
      b.replaceImages(moving, target);
    } else {
      List<Node> up = up(cluster.nodes());
      b.services(STOP, up, s -> true, FailurePolicy.WARN, STOP, cluster::specOf, n -> Map.of());
      // stopped nodes (a failed upgrade of a stopped cluster) get their image and stay stopped
      b.replaceImages(moving, target);
      b.services(RELOAD, up, s -> true, FailurePolicy.FAIL, RELOAD, n -> target, n -> Map.of());
      b.services(START, up, s -> true, FailurePolicy.FAIL, START, n -> target, n -> Map.of());
    }
    b.publishVersion(stopped);
    return b.build();
  }



  /** Stop (7.7): the stop service, then the instances. */
  public static Plan stop(Cluster cluster) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.STOP);
    List<Node> up = up(cluster.nodes());
    b.services(STOP, up, s -> true, FailurePolicy.FAIL, STOP);
    b.stopInstances(up);
    return b.build();
  }

  /** Start (7.7): the instances, reload, then the start service. */
  public static Plan start(Cluster cluster) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.START);
    List<Node> stopped = cluster.nodes().stream()
        .filter(n -> n.state() == NodeState.STOPPED).toList();
    b.startInstances(stopped);
    b.services(RELOAD, stopped, s -> true, FailurePolicy.FAIL, RELOAD);
    b.services(START, stopped, s -> true, FailurePolicy.FAIL, START);
    return b.build();
  }



  /**
   * Restart (7.7): {@code restart} on the nodes of roles that define it, {@code stop} then
   * {@code start} on the others; in batches of {@code batchSize} nodes ({@code 0}: all at once)
   * with {@code period} between batches.
   */
  public static Plan restart(Cluster cluster, int batchSize, Duration period) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.RESTART);
    List<Node> up = up(cluster.nodes());
    Predicate<Node> restartable = n -> cluster.specOf(n).role(n.role())
        .flatMap(r -> r.service(RESTART)).isPresent();
    List<Node> restarted = new ArrayList<>(selected(cluster, RESTART, up));
    List<Node> others = up.stream().filter(restartable.negate()).toList();
    Set<Node> stopStart = new java.util.LinkedHashSet<>(selected(cluster, STOP, others));
    stopStart.addAll(selected(cluster, START, others));
    List<Node> all = up.stream().filter(n -> restarted.contains(n) || stopStart.contains(n))
        .toList();
    b.inBatches(all, batchSize, period, batch -> {
      b.services(RESTART, batch, s -> true, FailurePolicy.FAIL, RESTART);
      List<Node> rest = batch.stream().filter(stopStart::contains).toList();
      b.services(STOP, rest, s -> true, FailurePolicy.FAIL, STOP);
      b.services(START, rest, s -> true, FailurePolicy.FAIL, START);
    });
    return b.build();
  }

  /**
   * A service on demand (7.8) over the given nodes, ordered like every service, in batches; the
   * node action {@value #REBOOT}, when no role defines such a service, stops and starts the
   * instances.
   */
  public static Plan runService(Cluster cluster, String service, List<Node> nodes,
      int batchSize, Duration period) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.RUN_SERVICE);
    List<Node> up = up(nodes);
    boolean defined = up.stream().anyMatch(n -> cluster.specOf(n).role(n.role())
        .flatMap(r -> r.service(service)).isPresent());
    if (service.equals(REBOOT) && !defined) {
      b.inBatches(up, batchSize, period, batch -> {
        b.stopInstances(batch);
        b.startInstances(batch);
      });
    } else {
      b.inBatches(selected(cluster, service, up), batchSize, period, batch ->
          b.services(service, batch, s -> true, FailurePolicy.FAIL, service));
    }
    return b.build();
  }



  /** Add a role (7.9): {@code cluster} holds the role in its spec and its new nodes, PENDING. */
  public static Plan addRole(Cluster cluster, Collection<String> newNodeIds) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.ADD_ROLE);
    List<Node> added = cluster.nodes().stream().filter(n -> newNodeIds.contains(n.id())).toList();
    List<Node> existing = up(cluster.nodes().stream()
        .filter(n -> !newNodeIds.contains(n.id())).toList());
    b.createResources(added);
    b.metadata("publish /hosts", MetadataStep.Action.PUBLISH, "hosts", List.of(HOSTS, PRIMARY),
        added.stream().map(Node::id).toList(), false);
    b.reload(existing, Set.of(HOSTS));
    b.initAndStart(added);
    return b.build();
  }

  /** Remove a role (7.9): the delete flow for its nodes, then reload on the others. */
  public static Plan removeRole(Cluster cluster, String role, boolean force) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.REMOVE_ROLE);
    List<Node> leaving = cluster.nodes(role);
    List<Node> leavingUp = up(leaving);
    List<Node> remaining = up(cluster.nodes().stream().filter(n -> !n.role().equals(role))
        .toList());
    b.teardown(leavingUp, force);
    b.deleteResources(leaving, false);
    b.metadata("unpublish /hosts", MetadataStep.Action.UNPUBLISH, "hosts",
        List.of(HOSTS, PRIMARY), leaving.stream().map(Node::id).toList(), false);
    b.reload(remaining, Set.of(HOSTS));
    return b.build();
  }


  /**
   * Backup (7.10): {@code backup} on every running node whose role defines it, each with the
   * backup id and its own artifact name.
   */
  public static Plan backup(Cluster cluster, String backupId) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.BACKUP);
    b.services(BACKUP, up(cluster.nodes()), s -> true, FailurePolicy.FAIL, BACKUP,
        cluster::specOf, n -> Map.of(CommandRequest.LC_BACKUP_ID, backupId,
            CommandRequest.LC_BACKUP_ARTIFACT, backupId + "/" + n.id()));
    return b.build();
  }

  /**
   * Restore (7.10): a create whose nodes run {@code restore} with their artifact after
   * {@code init} and before {@code start}. A node's artifact is the one of the node at the same
   * position of its role in the backup.
   */
  public static Plan restore(Cluster cluster, Backup backup) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.RESTORE);
    List<Node> nodes = cluster.nodes();
    Map<String, Backup.Artifact> artifacts = new LinkedHashMap<>();
    for (RoleSpec role : cluster.spec().roles()) {
      List<Node> ofRole = cluster.nodes(role.name());
      for (int i = 0; i < ofRole.size(); i++) {
        int position = i;
        backup.artifact(role.name(), position).ifPresent(a ->
            artifacts.put(ofRole.get(position).id(), a));
      }
    }
    b.createResources(nodes);
    b.metadata("publish metadata", MetadataStep.Action.PUBLISH, "tree",
        List.of(MetadataStep.ALL), List.of(), false);
    b.services(INIT, nodes, s -> !s.postStartService(), FailurePolicy.FAIL, INIT);
    b.services(RESTORE, nodes.stream().filter(n -> artifacts.containsKey(n.id())).toList(),
        s -> true, FailurePolicy.FAIL, RESTORE, cluster::specOf, n -> Map.of(
            CommandRequest.LC_BACKUP_ID, backup.id(),
            CommandRequest.LC_BACKUP_ARTIFACT, artifacts.get(n.id()).artifact()));
    b.services(START, nodes, s -> true, FailurePolicy.FAIL, START);
    b.services(INIT, nodes, ServiceSpec::postStartService, FailurePolicy.FAIL, "init (post-start)");
    return b.build();
  }

  /** Promote (7.11): {@code promote} on the node, publish it as primary, reload. */
  public static Plan promote(Cluster cluster, Node node) {
    PlanBuilder b = new PlanBuilder(cluster, OperationType.PROMOTE);
    int order = cluster.specOf(node).role(node.role()).flatMap(r -> r.service(PROMOTE))
        .orElseThrow().order();
    b.stage("promote", FailurePolicy.FAIL, false, List.of(s -> new ServiceStep(
        id(s, PROMOTE, node.id()), node.id(), node.role(), PROMOTE, order)));
    b.metadata("publish /primary", MetadataStep.Action.PUBLISH, "primary", List.of(PRIMARY),
        List.of(node.id()), false);
    b.reload(up(cluster.nodes()), Set.of(PRIMARY));
    return b.build();
  }

  /**
   * The nodes of one service in run order (docs/design.md): nodes whose role defines the service
   * and passes {@code filter}, the first {@code nodes_to_execute_on} of each role by index,
   * grouped by order, ascending.
   */
  public static TreeMap<Integer, List<Node>> orderGroups(AppSpec spec, String service,
      List<Node> nodes, Predicate<ServiceSpec> filter) {
    return PlanBuilder.orderGroups(n -> spec, service, nodes, filter);
  }

  /** Tells whether a reload service watching {@code watch} cares about a change of sections. */
  static boolean watches(List<String> watch, Set<String> changedSections) {
    return PlanBuilder.watches(watch, changedSections);
  }

  private static List<Node> up(List<Node> nodes) {
    return PlanBuilder.up(nodes);
  }

  private static String id(int stage, String kind, String subject) {
    return PlanBuilder.id(stage, kind, subject);
  }

  private static List<Node> selected(Cluster cluster, String service, List<Node> nodes) {
    return PlanBuilder.selected(cluster, service, nodes);
  }
}

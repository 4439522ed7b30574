package io.clusterlifecycle.core.internal.plan;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.PreCheckStep;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.state.OperationType;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Turns a cluster record and a request into a plan (SPEC sections 6 and 7.1–7.4). Pure and
 * deterministic: the same record and arguments give the same plan.
 */
public final class Planner {
  static final String INIT = StandardService.INIT.serviceName();
  static final String START = StandardService.START.serviceName();
  static final String STOP = StandardService.STOP.serviceName();
  static final String DESTROY = StandardService.DESTROY.serviceName();
  static final String SCALE_OUT = StandardService.SCALE_OUT.serviceName();
  static final String SCALE_IN = StandardService.SCALE_IN.serviceName();
  static final String RELOAD = StandardService.RELOAD.serviceName();

  /** Metadata sections (SPEC section 5). */
  public static final String HOSTS = "hosts";
  /** Hosts being added. */
  public static final String ADDING_HOSTS = "adding-hosts";
  /** Hosts being deleted. */
  public static final String DELETING_HOSTS = "deleting-hosts";

  private Planner() {}

  /** Create (7.1): every node of {@code cluster} is new. */
  public static Plan create(Cluster cluster) {
    Builder b = new Builder(cluster, OperationType.CREATE);
    List<Node> nodes = cluster.nodes();
    b.stage("create resources", FailurePolicy.FAIL, false,
        nodes.stream().map(n -> (Function<Integer, Step>) s ->
            new CreateNodeStep(id(s, "create", n.id()), n.id(), n.role())).toList());
    b.stage("publish metadata", FailurePolicy.FAIL, false, List.of(s ->
        new MetadataStep(id(s, "publish", "tree"), MetadataStep.Action.PUBLISH,
            List.of(MetadataStep.ALL), List.of())));
    b.initAndStart(nodes);
    return b.build();
  }

  /** Delete a cluster (7.2). Commands run only on nodes that are up. */
  public static Plan delete(Cluster cluster, boolean force, boolean keepVolumes) {
    Builder b = new Builder(cluster, OperationType.DELETE);
    List<Node> up = up(cluster.nodes());
    FailurePolicy onCommandFailure = force ? FailurePolicy.WARN : FailurePolicy.FAIL;
    b.services(DESTROY, up, s -> !s.postStopService(), force ? FailurePolicy.WARN
        : FailurePolicy.REFUSE, "destroy (guard)");
    b.services(STOP, up, s -> true, onCommandFailure, STOP);
    b.services(DESTROY, up, ServiceSpec::postStopService, onCommandFailure, DESTROY);
    b.stage("delete resources", FailurePolicy.FAIL, false, cluster.nodes().stream()
        .map(n -> (Function<Integer, Step>) s ->
            new DeleteNodeStep(id(s, "delete", n.id()), n.id(), n.role(), keepVolumes))
        .toList());
    b.stage("unpublish metadata", FailurePolicy.FAIL, false, List.of(s ->
        new MetadataStep(id(s, "unpublish", "tree"), MetadataStep.Action.UNPUBLISH,
            List.of(MetadataStep.ALL), List.of())));
    return b.build();
  }

  /**
   * Add nodes (7.3): {@code cluster} already holds the new nodes (state PENDING); the others are
   * the existing nodes.
   */
  public static Plan addNodes(Cluster cluster, Collection<String> newNodeIds) {
    Builder b = new Builder(cluster, OperationType.ADD_NODES);
    List<Node> added = cluster.nodes().stream().filter(n -> newNodeIds.contains(n.id())).toList();
    List<Node> existing = up(cluster.nodes().stream()
        .filter(n -> !newNodeIds.contains(n.id())).toList());
    List<String> ids = added.stream().map(Node::id).toList();
    b.preChecks(SCALE_OUT, existing);
    b.stage("create resources", FailurePolicy.FAIL, false, added.stream()
        .map(n -> (Function<Integer, Step>) s ->
            new CreateNodeStep(id(s, "create", n.id()), n.id(), n.role())).toList());
    b.stage("publish /hosts + /adding-hosts", FailurePolicy.FAIL, false, List.of(s ->
        new MetadataStep(id(s, "publish", "adding"), MetadataStep.Action.PUBLISH,
            List.of(HOSTS, ADDING_HOSTS), ids)));
    b.reload(existing, Set.of(HOSTS, ADDING_HOSTS));
    b.initAndStart(added);
    b.services(SCALE_OUT, existing, s -> true, FailurePolicy.FAIL, SCALE_OUT);
    b.stage("remove /adding-hosts", FailurePolicy.FAIL, true, List.of(s ->
        new MetadataStep(id(s, "unpublish", "adding"), MetadataStep.Action.UNPUBLISH,
            List.of(ADDING_HOSTS), ids)));
    return b.build();
  }

  /** Delete nodes (7.4). */
  public static Plan deleteNodes(Cluster cluster, Collection<String> leavingIds, boolean force) {
    Builder b = new Builder(cluster, OperationType.DELETE_NODES);
    List<Node> leaving = cluster.nodes().stream()
        .filter(n -> leavingIds.contains(n.id())).toList();
    List<Node> remaining = up(cluster.nodes().stream()
        .filter(n -> !leavingIds.contains(n.id())).toList());
    List<Node> leavingUp = up(leaving);
    List<String> ids = leaving.stream().map(Node::id).toList();
    FailurePolicy onCommandFailure = force ? FailurePolicy.WARN : FailurePolicy.FAIL;
    b.preChecks(SCALE_IN, remaining);
    b.stage("publish /deleting-hosts", FailurePolicy.FAIL, false, List.of(s ->
        new MetadataStep(id(s, "publish", "deleting"), MetadataStep.Action.PUBLISH,
            List.of(DELETING_HOSTS), ids)));
    b.reload(up(cluster.nodes()), Set.of(DELETING_HOSTS));
    b.services(DESTROY, leavingUp, s -> !s.postStopService(),
        force ? FailurePolicy.WARN : FailurePolicy.REFUSE, "destroy (guard)");
    b.services(SCALE_IN, remaining, s -> true, onCommandFailure, SCALE_IN);
    b.services(STOP, leavingUp, s -> true, onCommandFailure, STOP);
    b.services(DESTROY, leavingUp, ServiceSpec::postStopService, onCommandFailure, DESTROY);
    b.stage("delete resources", FailurePolicy.FAIL, false, leaving.stream()
        .map(n -> (Function<Integer, Step>) s ->
            new DeleteNodeStep(id(s, "delete", n.id()), n.id(), n.role(), false)).toList());
    b.stage("unpublish /hosts + /deleting-hosts", FailurePolicy.FAIL, false, List.of(s ->
        new MetadataStep(id(s, "unpublish", "hosts"), MetadataStep.Action.UNPUBLISH,
            List.of(HOSTS, DELETING_HOSTS), ids)));
    b.reload(remaining, Set.of(HOSTS, DELETING_HOSTS));
    b.stage("remove /deleting-hosts", FailurePolicy.FAIL, true, List.of(s ->
        new MetadataStep(id(s, "unpublish", "deleting"), MetadataStep.Action.UNPUBLISH,
            List.of(DELETING_HOSTS), ids)));
    return b.build();
  }

  /**
   * The nodes of one service in run order (SPEC section 6): nodes whose role defines the service
   * and passes {@code filter}, the first {@code nodes_to_execute_on} of each role by index,
   * grouped by order, ascending.
   */
  public static TreeMap<Integer, List<Node>> orderGroups(AppSpec spec, String service,
      List<Node> nodes, Predicate<ServiceSpec> filter) {
    Map<String, List<Node>> byRole = new LinkedHashMap<>();
    for (RoleSpec role : spec.roles()) {
      ServiceSpec s = role.services().get(service);
      if (s == null || !filter.test(s)) {
        continue;
      }
      List<Node> ofRole = nodes.stream().filter(n -> n.role().equals(role.name()))
          .sorted(Comparator.comparingInt(Node::index))
          .limit(s.nodesToExecuteOn())
          .toList();
      if (!ofRole.isEmpty()) {
        byRole.put(role.name(), ofRole);
      }
    }
    TreeMap<Integer, List<Node>> groups = new TreeMap<>();
    byRole.forEach((role, ns) -> groups.computeIfAbsent(
        spec.role(role).orElseThrow().services().get(service).order(), k -> new ArrayList<>())
        .addAll(ns));
    return groups;
  }

  /** Tells whether a reload service watching {@code watch} cares about a change of sections. */
  static boolean watches(List<String> watch, Set<String> changedSections) {
    if (watch.isEmpty()) {
      return true;
    }
    for (String w : watch) {
      for (String section : changedSections) {
        String path = "/" + section;
        if (w.equals(path) || w.startsWith(path + "/") || path.startsWith(w + "/")) {
          return true;
        }
      }
    }
    return false;
  }

  private static List<Node> up(List<Node> nodes) {
    return nodes.stream().filter(n -> n.state() == io.clusterlifecycle.api.state.NodeState.RUNNING)
        .toList();
  }

  static String id(int stage, String kind, String subject) {
    return "s" + stage + "-" + kind + "-" + subject;
  }

  /** Assembles stages, numbering them and skipping empty ones. */
  private static final class Builder {
    private final Cluster cluster;
    private final OperationType type;
    private final List<Stage> stages = new ArrayList<>();

    Builder(Cluster cluster, OperationType type) {
      this.cluster = cluster;
      this.type = type;
    }

    void stage(String name, FailurePolicy policy, boolean always,
        List<Function<Integer, Step>> steps) {
      if (steps.isEmpty()) {
        return;
      }
      int number = stages.size() + 1;
      stages.add(new Stage(name, policy, always,
          steps.stream().map(f -> f.apply(number)).toList()));
    }

    void services(String service, List<Node> nodes, Predicate<ServiceSpec> filter,
        FailurePolicy policy, String label) {
      orderGroups(cluster.spec(), service, nodes, filter).forEach((order, group) ->
          stage(label + " (order " + order + ")", policy, false, group.stream()
              .map(n -> (Function<Integer, Step>) s -> new ServiceStep(id(s, service, n.id()),
                  n.id(), n.role(), service, order))
              .toList()));
    }

    void initAndStart(List<Node> nodes) {
      services(INIT, nodes, s -> !s.postStartService(), FailurePolicy.FAIL, INIT);
      services(START, nodes, s -> true, FailurePolicy.FAIL, START);
      services(INIT, nodes, ServiceSpec::postStartService, FailurePolicy.FAIL, "init (post-start)");
    }

    void reload(List<Node> nodes, Set<String> changed) {
      services(RELOAD, nodes, s -> watches(s.watch(), changed), FailurePolicy.FAIL, RELOAD);
    }

    void preChecks(String service, List<Node> nodes) {
      List<Function<Integer, Step>> steps = new ArrayList<>();
      orderGroups(cluster.spec(), service, nodes, s -> s.preCheck().isPresent())
          .values().forEach(group -> group.forEach(n -> steps.add(s ->
              new PreCheckStep(id(s, service + "-pre-check", n.id()), n.id(), n.role(),
                  service))));
      stage(service + " pre-check", FailurePolicy.REFUSE, false, steps);
    }

    Plan build() {
      return new Plan(cluster.id(), cluster.name(), type, stages);
    }
  }
}

package io.clusterlifecycle.core.internal.plan;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.PreCheckStep;
import io.clusterlifecycle.api.plan.ReplaceImageStep;
import io.clusterlifecycle.api.plan.ResizeNodeStep;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Stage.FailurePolicy;
import io.clusterlifecycle.api.plan.StartNodeStep;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.plan.StopNodeStep;
import io.clusterlifecycle.api.plan.WaitStep;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The building blocks every plan is made of: stages of services in run order, metadata changes and
 * per-node resource steps. Assembles stages, numbering them and skipping empty ones.
 */
public final class PlanBuilder {
  /** The standard service names. */
  public static final String INIT = StandardService.INIT.serviceName();

  public static final String START = StandardService.START.serviceName();
  public static final String STOP = StandardService.STOP.serviceName();
  public static final String DESTROY = StandardService.DESTROY.serviceName();
  public static final String SCALE_OUT = StandardService.SCALE_OUT.serviceName();
  public static final String SCALE_IN = StandardService.SCALE_IN.serviceName();
  public static final String RELOAD = StandardService.RELOAD.serviceName();
  public static final String RESTART = StandardService.RESTART.serviceName();
  public static final String UPGRADE = StandardService.UPGRADE.serviceName();
  public static final String BACKUP = StandardService.BACKUP.serviceName();
  public static final String RESTORE = StandardService.RESTORE.serviceName();
  public static final String PROMOTE = StandardService.PROMOTE.serviceName();

  private final Cluster cluster;
  private final OperationType type;
  private final List<Stage> stages = new ArrayList<>();
  private String prefix = "";
  private Stage.Kind kind = Stage.Kind.PLANNED;

  /** Starts an empty plan of {@code type} for {@code cluster}. */
  public PlanBuilder(Cluster cluster, OperationType type) {
    this.cluster = cluster;
    this.type = type;
  }

  /** Names the stages added from now on as part of a batch or wave, for example "batch 2/3". */
  public void prefix(String value) {
    prefix = value.isEmpty() ? "" : value + ": ";
  }

  /** Adds a stage of the given steps, each made from the stage number; none: no stage. */
  public void stage(
      String name, FailurePolicy policy, boolean always, List<Function<Integer, Step>> steps) {
    if (steps.isEmpty()) {
      return;
    }
    int number = stages.size() + 1;
    stages.add(
        Stage.builder(prefix + name)
            .kind(kind)
            .onFailure(policy)
            .always(always)
            .addSteps(steps.stream().map(f -> f.apply(number)).toList())
            .build());
  }

  /** Adds a stage per order group of {@code service} on {@code nodes}, specs from the record. */
  public void services(
      String service,
      List<Node> nodes,
      Predicate<ServiceSpec> filter,
      FailurePolicy policy,
      String label) {
    services(service, nodes, filter, policy, label, cluster::specOf, n -> Map.of());
  }

  /** Adds a stage per order group of {@code service}, each node with its spec and environment. */
  public void services(
      String service,
      List<Node> nodes,
      Predicate<ServiceSpec> filter,
      FailurePolicy policy,
      String label,
      Function<Node, AppSpec> specOf,
      Function<Node, Map<String, String>> env) {
    OrderGroups.of(specOf, service, nodes, filter)
        .forEach(
            (order, group) ->
                stage(
                    label + " (order " + order + ")",
                    policy,
                    false,
                    group.stream()
                        .map(
                            n ->
                                (Function<Integer, Step>)
                                    s ->
                                        ServiceStep.builder()
                                            .id(id(s, service, n.id()))
                                            .node(n.id())
                                            .role(n.role())
                                            .service(service)
                                            .order(order)
                                            .env(env.apply(n))
                                            .build())
                        .toList()));
  }

  /** Adds init, start and post-start init of new nodes. */
  public void initAndStart(List<Node> nodes) {
    // sorted once for the three: each finds them sorted already
    List<Node> byIndex = OrderGroups.byIndex(nodes);
    services(INIT, byIndex, s -> !s.postStartService(), FailurePolicy.FAIL, INIT);
    services(START, byIndex, s -> true, FailurePolicy.FAIL, START);
    services(INIT, byIndex, ServiceSpec::postStartService, FailurePolicy.FAIL, "init (post-start)");
  }

  /** Adds reload on the nodes whose service watches one of the {@code changed} sections. */
  public void reload(List<Node> nodes, Set<String> changed) {
    services(RELOAD, nodes, s -> watches(s.watch(), changed), FailurePolicy.FAIL, RELOAD);
    // a node with templates whose reload does not run on this change still gets its files again
    List<Node> filesOnly =
        nodes.stream()
            .filter(
                n ->
                    cluster
                        .specOf(n)
                        .role(n.role())
                        .filter(
                            r ->
                                !r.templates().isEmpty()
                                    && r.service(RELOAD)
                                        .filter(s -> watches(s.watch(), changed))
                                        .isEmpty())
                        .isPresent())
            .sorted(Comparator.comparingInt(Node::index))
            .toList();
    if (!filesOnly.isEmpty()) {
      stage(
          "render config files",
          FailurePolicy.FAIL,
          false,
          filesOnly.stream()
              .map(
                  n ->
                      (Function<Integer, Step>)
                          s ->
                              ServiceStep.builder()
                                  .id(id(s, Planner.RENDER, n.id()))
                                  .node(n.id())
                                  .role(n.role())
                                  .service(Planner.RENDER)
                                  .order(0)
                                  .env(Map.of())
                                  .build())
              .toList());
    }
  }

  /** Adds the pre-checks of {@code service}; a failing one refuses the operation. */
  public void preChecks(String service, List<Node> nodes) {
    List<Function<Integer, Step>> steps = new ArrayList<>();
    OrderGroups.of(n -> cluster.spec(), service, nodes, s -> s.preCheck().isPresent())
        .values()
        .forEach(
            group ->
                group.forEach(
                    n ->
                        steps.add(
                            s ->
                                new PreCheckStep(
                                    id(s, service + "-pre-check", n.id()),
                                    n.id(),
                                    n.role(),
                                    service))));
    stage(service + " pre-check", FailurePolicy.REFUSE, false, steps);
  }

  /** Adds a stage of one metadata change; {@code always}: it runs even after a failure. */
  public void metadata(
      String name,
      MetadataStep.Action action,
      String kind,
      List<String> sections,
      List<String> nodeIds,
      boolean always) {
    stage(
        name,
        FailurePolicy.FAIL,
        always,
        List.of(
            s ->
                new MetadataStep(
                    id(s, action == MetadataStep.Action.PUBLISH ? "publish" : "unpublish", kind),
                    action,
                    sections,
                    nodeIds)));
  }

  void perNode(
      String name, List<Node> nodes, FailurePolicy policy, BiFunction<Integer, Node, Step> step) {
    stage(
        name,
        policy,
        false,
        nodes.stream().map(n -> (Function<Integer, Step>) s -> step.apply(s, n)).toList());
  }

  /** Adds the creation of the nodes' resources. */
  public void createResources(List<Node> nodes) {
    perNode(
        "create resources",
        nodes,
        FailurePolicy.FAIL,
        (s, n) -> new CreateNodeStep(id(s, "create", n.id()), n.id(), n.role()));
  }

  /** Adds the deletion of the nodes' resources. */
  public void deleteResources(List<Node> nodes, boolean keepVolumes) {
    perNode(
        "delete resources",
        nodes,
        FailurePolicy.FAIL,
        (s, n) -> new DeleteNodeStep(id(s, "delete", n.id()), n.id(), n.role(), keepVolumes));
  }

  /** Adds the resize of the nodes to the sizes of {@code r}. */
  public void resize(List<Node> nodes, Planner.Resize r, String name) {
    perNode(
        name,
        nodes,
        FailurePolicy.FAIL,
        (s, n) ->
            ResizeNodeStep.builder()
                .id(id(s, "resize", n.id()))
                .node(n.id())
                .role(n.role())
                .cpu(r.cpu())
                .memory(r.memory())
                .volumeSize(n.volumeSize() == 0 ? 0 : r.volumeSize())
                .build());
  }

  /** Adds the replacement of the nodes' images by those of {@code target}. */
  public void replaceImages(List<Node> nodes, AppSpec target) {
    perNode(
        "replace images",
        nodes,
        FailurePolicy.FAIL,
        (s, n) ->
            ReplaceImageStep.builder()
                .id(id(s, "image", n.id()))
                .node(n.id())
                .role(n.role())
                .image(target.role(n.role()).flatMap(RoleSpec::image).orElse(""))
                .version(target.version())
                .build());
  }

  /** Publishes the new version and, on a running cluster, reloads the nodes watching it. */
  public void publishVersion(boolean stopped) {
    metadata(
        "publish /cluster",
        MetadataStep.Action.PUBLISH,
        "cluster",
        List.of(Planner.CLUSTER, Planner.ENV, Planner.LINKS),
        List.of(),
        false);
    if (!stopped) {
      reload(up(cluster.nodes()), Set.of(Planner.CLUSTER, Planner.ENV, Planner.LINKS));
    }
  }

  /** Adds the stop of the nodes' instances. */
  public void stopInstances(List<Node> nodes) {
    perNode(
        "stop instances",
        nodes,
        FailurePolicy.FAIL,
        (s, n) -> new StopNodeStep(id(s, "stop-instance", n.id()), n.id(), n.role()));
  }

  /** Adds an action of the service orchestrator on the nodes (docs/design.md §6.13). */
  public void nodeActions(
      List<Node> nodes, io.clusterlifecycle.api.state.NodeAction action, String snapshot) {
    perNode(
        action.label() + (snapshot.isEmpty() ? "" : " " + snapshot),
        nodes,
        FailurePolicy.FAIL,
        (s, n) ->
            new io.clusterlifecycle.api.plan.NodeActionStep(
                id(s, action.label(), n.id()), n.id(), n.role(), action, snapshot));
  }

  /** Adds the start of the nodes' instances. */
  public void startInstances(List<Node> nodes) {
    perNode(
        "start instances",
        nodes,
        FailurePolicy.FAIL,
        (s, n) -> new StartNodeStep(id(s, "start-instance", n.id()), n.id(), n.role()));
  }

  /** The commands that take nodes down before their resources go (docs/design.md). */
  public void teardown(List<Node> up, boolean force) {
    FailurePolicy onCommandFailure = force ? FailurePolicy.WARN : FailurePolicy.FAIL;
    services(
        DESTROY,
        up,
        s -> !s.postStopService(),
        force ? FailurePolicy.WARN : FailurePolicy.REFUSE,
        "destroy (guard)");
    services(STOP, up, s -> true, onCommandFailure, STOP);
    services(DESTROY, up, ServiceSpec::postStopService, onCommandFailure, DESTROY);
  }

  /** Runs {@code batch} for each batch of {@code batchSize} nodes, waiting between batches. */
  public void inBatches(
      List<Node> nodes, int batchSize, Duration period, Consumer<List<Node>> batch) {
    int size = batchSize <= 0 ? Math.max(1, nodes.size()) : batchSize;
    int count = (nodes.size() + size - 1) / size;
    for (int i = 0; i < count; i++) {
      prefix(count == 1 ? "" : "batch " + (i + 1) + "/" + count);
      if (i > 0 && !period.isZero()) {
        wait(period);
      }
      batch.accept(nodes.subList(i * size, Math.min(nodes.size(), (i + 1) * size)));
    }
    prefix("");
  }

  void wait(Duration period) {
    stage(
        "wait " + period.toMillis() + " ms",
        FailurePolicy.FAIL,
        false,
        List.of(s -> new WaitStep(id(s, "wait", "batch"), period)));
  }

  /** The plan of the stages added so far. */
  public Plan build() {
    followAddressChanges();
    return new Plan(cluster.id(), cluster.name(), type, stages);
  }

  /**
   * When the plan starts, resizes or re-images nodes, ends it with the stages that follow a change
   * of address (docs/design.md §5.7): republish {@code /hosts}, then reload on the nodes up at the
   * end, run only when a node's address did change.
   */
  private void followAddressChanges() {
    Set<String> started = new java.util.HashSet<>();
    boolean moves = false;
    for (Stage s : stages) {
      for (Step st : s.steps()) {
        if (st instanceof StartNodeStep start) {
          started.add(start.node());
          moves = true;
        } else if (st instanceof ResizeNodeStep || st instanceof ReplaceImageStep) {
          moves = true;
        }
      }
    }
    if (!moves) {
      return;
    }
    List<Node> up =
        cluster.nodes().stream()
            .filter(n -> n.state() == NodeState.RUNNING || started.contains(n.id()))
            .toList();
    kind = Stage.Kind.IF_ADDRESSES_CHANGED;
    metadata(
        "republish /hosts (an address changed)",
        MetadataStep.Action.PUBLISH,
        "moved",
        List.of(Planner.HOSTS),
        List.of(),
        false);
    reload(up, Set.of(Planner.HOSTS));
    kind = Stage.Kind.PLANNED;
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

  /** The running nodes among {@code nodes}. */
  public static List<Node> up(List<Node> nodes) {
    return nodes.stream().filter(n -> n.state() == NodeState.RUNNING).toList();
  }

  /** The id of a step: stage number, kind and subject. */
  public static String id(int stage, String kind, String subject) {
    return "s" + stage + "-" + kind + "-" + subject;
  }

  /** The nodes that run a service, in run order, before batching. */
  public static List<Node> selected(Cluster cluster, String service, List<Node> nodes) {
    return OrderGroups.of(cluster::specOf, service, nodes, s -> true).values().stream()
        .flatMap(List::stream)
        .toList();
  }
}

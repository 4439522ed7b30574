package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.MetadataStep;
import io.clusterlifecycle.api.plan.NodeActionStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.PreCheckStep;
import io.clusterlifecycle.api.plan.ReloadDependentStep;
import io.clusterlifecycle.api.plan.ReplaceImageStep;
import io.clusterlifecycle.api.plan.ResizeNodeStep;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.StartNodeStep;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.plan.StopNodeStep;
import io.clusterlifecycle.api.plan.WaitStep;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.state.NodeAction;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import io.clusterlifecycle.core.internal.plan.Planner;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Runs the steps of one plan, each by its type: provider calls on resources, commands on nodes,
 * metadata changes and waits. Records what a step changed in the cluster record and reports it;
 * keeps the provider calls in flight so that a timeout can cancel them.
 */
final class StepRunner {
  /** The most calls in flight the set of them is sized for at once. */
  private static final int MAX_PRESIZE = 65_536;

  private final EngineContext ctx;
  private final Plan plan;
  private final String operationId;
  private final OperationType type;
  private final RecordKeeper records;
  private final Set<String> inDoubt;
  private final Set<CompletableFuture<?>> inFlight;
  private final List<String> keptVolumes = new ArrayList<>();
  private final SecretScrubber scrubber;
  private final CommandSteps commands;
  private volatile boolean cancelled;
  private volatile boolean addressChanged;

  /**
   * @param inDoubt ids of the steps an earlier run started without finishing: their commands are
   *     fenced before they run again
   * @param scrubber the operation's secret values: each secret resolved is added to it, and every
   *     event message passes through it
   */
  StepRunner(
      EngineContext ctx,
      Plan plan,
      String operationId,
      RecordKeeper records,
      Set<String> inDoubt,
      SecretScrubber scrubber) {
    this.inDoubt = Set.copyOf(inDoubt);
    this.scrubber = scrubber;
    this.ctx = ctx;
    this.plan = plan;
    this.operationId = operationId;
    this.type = plan.type();
    this.records = records;
    // sized for the widest stage, so that it does not grow while a large stage starts
    int widest = plan.stages().stream().mapToInt(st -> st.steps().size()).max().orElse(0);
    this.inFlight = ConcurrentHashMap.newKeySet(Math.max(16, Math.min(widest, MAX_PRESIZE)));
    this.commands = new CommandSteps(ctx, operationId, records, this.inDoubt, scrubber, this);
  }

  /** Cancels the calls in flight and every call started from now on. */
  void cancelAll() {
    cancelled = true;
    inFlight.forEach(f -> f.cancel(true));
  }

  /**
   * Tells whether a start, resize or image step of this run gave a node a new address, which the
   * plan's {@link io.clusterlifecycle.api.plan.Stage.Kind#IF_ADDRESSES_CHANGED} stages follow.
   */
  boolean addressChanged() {
    return addressChanged;
  }

  /**
   * The node with the address its running resource reports now: a provider that recreates an
   * instance (a pod) may give it a new one (docs/design.md §5.7).
   */
  private Node followAddress(Node n, NodeResource r) {
    if (!r.running() || r.address().isEmpty() || r.address().equals(n.address().orElse(""))) {
      return n;
    }
    if (n.address().isPresent()) {
      addressChanged = true;
    }
    return n.withResource(r.address(), r.instanceId());
  }

  /** The volumes the deleted nodes kept, so far. */
  synchronized List<String> keptVolumes() {
    return List.copyOf(keptVolumes);
  }

  /** What the scripts reported through {@code LC_RESULT} so far, per node id. */
  Map<String, Map<String, String>> results() {
    return commands.results();
  }

  /** Runs one step by its type; completes exceptionally when the step fails. */
  CompletableFuture<Void> runStep(Stage stage, Step step) {
    if (step instanceof CreateNodeStep s) {
      return createNode(stage, s);
    } else if (step instanceof DeleteNodeStep s) {
      return deleteNode(stage, s);
    } else if (step instanceof ServiceStep s) {
      Node node = node(s.node());
      if (s.service().equals(Planner.RENDER)) {
        return commands.templates(stage, s, node, s.order());
      }
      ServiceSpec service =
          role(node)
              .service(s.service())
              .orElseThrow(
                  () ->
                      new StepFailedException(
                          "role "
                              + s.role()
                              + " has no service "
                              + s.service()
                              + " in version "
                              + records.current().specOf(node).version()));
      CompletableFuture<Void> files =
          TemplateRenderer.rendersBefore(s.service())
              ? commands.templates(stage, s, node, s.order())
              : CompletableFuture.completedFuture(null);
      return files.thenCompose(
          v ->
              commands.run(
                  stage,
                  s,
                  node,
                  s.service(),
                  s.service(),
                  service.cmd(),
                  s.order(),
                  service.timeout(),
                  s.env(),
                  service.secrets()));
    } else if (step instanceof PreCheckStep s) {
      Node node = node(s.node());
      ServiceSpec service = role(node).service(s.service()).orElseThrow();
      String label = s.service() + ".pre_check";
      return commands.run(
          stage,
          s,
          node,
          label,
          label,
          service.preCheck().orElseThrow(),
          service.order(),
          service.timeout(),
          Map.of(),
          service.secrets());
    } else if (step instanceof MetadataStep s) {
      return metadata(stage, s);
    } else if (step instanceof ResizeNodeStep s) {
      return resource(
          stage,
          s.node(),
          EventType.RESOURCE_RESIZED,
          ref -> ctx.resources().resize(ref, s.cpu(), s.memory(), s.volumeSize()),
          n -> n.withSize(s.cpu(), s.memory(), s.volumeSize()),
          "cpu "
              + s.cpu()
              + ", memory "
              + s.memory()
              + " MiB"
              + (s.volumeSize() > 0 ? ", volume " + s.volumeSize() + " GiB" : ""));
    } else if (step instanceof ReplaceImageStep s) {
      return resource(
          stage,
          s.node(),
          EventType.IMAGE_REPLACED,
          ref -> ctx.resources().replaceImage(ref, s.image()),
          n -> n.withImage(s.image(), s.version()),
          "version " + s.version() + (s.image().isEmpty() ? "" : ", image " + s.image()));
    } else if (step instanceof StopNodeStep s) {
      return resource(
          stage,
          s.node(),
          EventType.RESOURCE_STOPPED,
          ref -> ctx.resources().stop(ref),
          n ->
              n.state() == NodeState.STOPPED ? n : n.withState(n.state().moveTo(NodeState.STOPPED)),
          null);
    } else if (step instanceof StartNodeStep s) {
      return resource(
          stage,
          s.node(),
          EventType.RESOURCE_STARTED,
          ref -> ctx.resources().start(ref),
          n ->
              n.state() == NodeState.RUNNING ? n : n.withState(n.state().moveTo(NodeState.RUNNING)),
          null);
    } else if (step instanceof NodeActionStep s) {
      return nodeAction(stage, s);
    } else if (step instanceof ReloadDependentStep s) {
      return ctx.dependents().reload(ctx, records.current(), s);
    } else if (step instanceof WaitStep s) {
      CompletableFuture<Void> waited = new CompletableFuture<>();
      ScheduledFuture<?> timer =
          ctx.scheduler()
              .schedule(
                  () -> waited.complete(null), s.duration().toMillis(), TimeUnit.MILLISECONDS);
      waited.whenComplete((v, e) -> timer.cancel(false));
      return track(waited);
    }
    throw new IllegalStateException("unknown step " + step);
  }

  private CompletableFuture<Void> createNode(Stage stage, CreateNodeStep step) {
    Cluster cluster = records.current();
    Node node = node(step.node());
    RoleSpec role = role(node);
    NodeSpec spec;
    try {
      spec = NodeSpecs.forCreate(cluster, node, role, ctx.plugins());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(new StepFailedException(e.getMessage()));
    }
    return ctx.retrying(() -> track(ctx.resources().create(spec).toCompletableFuture()))
        .thenCompose(
            resource ->
                records.update(
                    b ->
                        b.putNode(
                            node(step.node())
                                .withResource(resource.address(), resource.instanceId()))))
        .thenAccept(
            c ->
                emit(
                    LifecycleEvent.builder(EventType.RESOURCE_CREATED)
                        .stage(stage.name())
                        .node(node.role(), node.id())
                        .message(
                            "address " + c.node(node.id()).flatMap(Node::address).orElse(""))));
  }

  /**
   * Runs a provider call on an existing node, then records what it changed in the node's record and
   * reports it.
   */
  private CompletableFuture<Void> resource(
      Stage stage,
      String nodeId,
      EventType event,
      Function<NodeRef, CompletionStage<NodeResource>> call,
      UnaryOperator<Node> change,
      String message) {
    Node node = node(nodeId);
    NodeRef ref = new NodeRef(plan.clusterId(), node.id());
    return ctx.retrying(() -> track(call.apply(ref).toCompletableFuture()))
        .thenCompose(
            r -> records.update(b -> b.putNode(change.apply(followAddress(node(nodeId), r)))))
        .thenAccept(
            c ->
                emit(
                    LifecycleEvent.builder(event)
                        .stage(stage.name())
                        .node(node.role(), node.id())
                        .message(message)));
  }

  /**
   * An action of the service orchestrator (docs/design.md §6.13): through the provider, or in the
   * record alone for hold and release; the node moves to the action's state.
   */
  private CompletableFuture<Void> nodeAction(Stage stage, NodeActionStep step) {
    Node before = node(step.node());
    NodeAction action = step.action();
    UnaryOperator<Node> change =
        n ->
            action
                .leaves()
                .filter(to -> n.state() != to)
                .map(to -> n.withState(n.state().moveTo(to)))
                .orElse(n);
    CompletableFuture<?> done =
        action.byProvider()
            ? ctx.retrying(
                    () ->
                        track(
                            ctx.resources()
                                .act(
                                    new NodeRef(plan.clusterId(), before.id()),
                                    action,
                                    step.snapshot())
                                .toCompletableFuture()))
                .thenCompose(
                    r ->
                        records.update(
                            b -> b.putNode(change.apply(followAddress(node(step.node()), r)))))
            : records.update(b -> b.putNode(change.apply(node(step.node()))));
    return done.thenAccept(
        c -> {
          LifecycleEvent.Builder e =
              LifecycleEvent.builder(EventType.NODE_ACTED)
                  .stage(stage.name())
                  .node(before.role(), before.id())
                  .message(step.describe());
          emit(e.transition(before.state(), node(step.node()).state()));
        });
  }

  private CompletableFuture<Void> deleteNode(Stage stage, DeleteNodeStep step) {
    Node node = node(step.node());
    return ctx.retrying(
            () ->
                track(
                    ctx.resources()
                        .delete(new NodeRef(plan.clusterId(), node.id()), step.keepVolume())
                        .toCompletableFuture()))
        .thenCompose(
            kept -> {
              kept.ifPresent(
                  v -> {
                    synchronized (this) {
                      keptVolumes.add(v);
                    }
                  });
              return records.update(b -> b.putNode(node(step.node()).withResource("", "")));
            })
        .thenAccept(
            c ->
                emit(
                    LifecycleEvent.builder(EventType.RESOURCE_DELETED)
                        .stage(stage.name())
                        .node(node.role(), node.id())
                        .message(step.keepVolume() ? "volume kept" : null)));
  }

  private CompletableFuture<Void> metadata(Stage stage, MetadataStep step) {
    Cluster current = records.current();
    boolean links =
        !current.dependencies().isEmpty()
            && (step.sections().contains(MetadataStep.ALL)
                || step.sections().contains(Planner.LINKS));
    if (links && step.action() == MetadataStep.Action.PUBLISH) {
      return ctx.retrying(() -> ctx.store().list().toCompletableFuture())
          .thenCompose(all -> metadata(stage, step, ctx.tree().change(step, current, all)));
    }
    return metadata(stage, step, ctx.tree().change(step, current));
  }

  private CompletableFuture<Void> metadata(Stage stage, MetadataStep step, MetadataChange change) {
    String root = ctx.tree().clusterRoot(plan.clusterId());
    return ctx.retrying(() -> track(ctx.metadata().commit(change).toCompletableFuture()))
        .thenAccept(
            v -> {
              boolean put = step.action() == MetadataStep.Action.PUBLISH;
              String path =
                  step.sections().contains(MetadataStep.ALL)
                      ? root
                      : root + "/" + String.join(",", step.sections());
              emit(
                  LifecycleEvent.builder(put ? EventType.METADATA_PUT : EventType.METADATA_DELETED)
                      .stage(stage.name())
                      .path(path)
                      .message(
                          put
                              ? change.puts().size() + " keys"
                              : change.deletePrefixes().size() + " prefixes"));
            });
  }

  /**
   * Tracks a step's SPI call, so that a cancel cancels it, and returns the future its step goes on
   * from: on the engine's executor once the call completes.
   */
  <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    inFlight.add(f);
    if (cancelled) {
      f.cancel(true);
    }
    // what follows the call runs on the engine's executor, not on the thread that completed it:
    // completions that arrive together are processed in parallel, and an SPI's own threads never
    // run the engine's work (docs/design.md §9.6); a call that completed at once continues here
    if (f.isDone()) {
      inFlight.remove(f);
      return f;
    }
    // completed with the call's own outcome, not wrapped: retry predicates see what the SPI threw
    CompletableFuture<T> onEngine = new CompletableFuture<>();
    f.whenComplete(
        (r, e) -> {
          inFlight.remove(f);
          Futures.runOn(
              ctx.executor(),
              () -> {
                if (e == null) {
                  onEngine.complete(r);
                } else {
                  onEngine.completeExceptionally(e);
                }
              });
        });
    // cancelling what the step goes on from cancels the call, as cancelling the call itself did
    onEngine.whenComplete(
        (r, e) -> {
          if (onEngine.isCancelled()) {
            f.cancel(true);
          }
        });
    return onEngine;
  }

  /** The node's current record; a step on a node that is not in it fails. */
  Node node(String nodeId) {
    return records
        .current()
        .node(nodeId)
        .orElseThrow(
            () -> new StepFailedException("node " + nodeId + " is not in the cluster record"));
  }

  /** The role of a node in the spec of the version the node runs now. */
  private RoleSpec role(Node node) {
    return records
        .current()
        .specOf(node)
        .role(node.role())
        .orElseThrow(
            () ->
                new StepFailedException(
                    "role "
                        + node.role()
                        + " is not in the app spec of version "
                        + records.current().specOf(node).version()));
  }

  void emit(LifecycleEvent.Builder event) {
    ctx.events()
        .emit(event.cluster(plan.clusterId()).operation(operationId, type), scrubber::scrub);
  }
}

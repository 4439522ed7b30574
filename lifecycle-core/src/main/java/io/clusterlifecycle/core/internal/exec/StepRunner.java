package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
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
import io.clusterlifecycle.api.plan.StartNodeStep;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.plan.StopNodeStep;
import io.clusterlifecycle.api.plan.WaitStep;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.SecretRef;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Runs the steps of one plan, each by its type: provider calls on resources, commands on nodes,
 * metadata changes and waits. Records what a step changed in the cluster record and reports it;
 * keeps the provider calls in flight so that a timeout can cancel them.
 */
final class StepRunner {
  private final EngineContext ctx;
  private final Plan plan;
  private final String operationId;
  private final OperationType type;
  private final RecordKeeper records;
  private final Set<String> inDoubt;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final List<String> keptVolumes = new ArrayList<>();
  private final SecretScrubber scrubber;
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

  /** Runs one step by its type; completes exceptionally when the step fails. */
  CompletableFuture<Void> runStep(Stage stage, Step step) {
    if (step instanceof CreateNodeStep s) {
      return createNode(stage, s);
    } else if (step instanceof DeleteNodeStep s) {
      return deleteNode(stage, s);
    } else if (step instanceof ServiceStep s) {
      Node node = node(s.node());
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
      return command(
          stage,
          s,
          node,
          s.service(),
          s.service(),
          service.cmd(),
          s.order(),
          service.timeout(),
          s.env(),
          service.secrets());
    } else if (step instanceof PreCheckStep s) {
      Node node = node(s.node());
      ServiceSpec service = role(node).service(s.service()).orElseThrow();
      String label = s.service() + ".pre_check";
      return command(
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
    NodeSpec spec =
        NodeSpec.builder()
            .ref(new NodeRef(cluster.id(), node.id()))
            .clusterName(cluster.name())
            .namespace(cluster.namespace())
            .role(node.role())
            .cpu(node.cpu())
            .memory(node.memory())
            .volumeSize(node.volumeSize())
            .mountPoint(role.volume().map(v -> v.mountPoint()))
            .image(node.image())
            .tags(
                Map.of(
                    NodeSpec.TAG_CLUSTER,
                    cluster.id(),
                    NodeSpec.TAG_ROLE,
                    node.role(),
                    NodeSpec.TAG_NODE,
                    node.id()))
            .build();
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

  private CompletableFuture<Void> command(
      Stage stage,
      Step step,
      Node node,
      String service,
      String label,
      String script,
      int order,
      Duration timeout,
      Map<String, String> extraEnv,
      List<String> secretNames) {
    Cluster cluster = records.current();
    AppSpec spec = cluster.specOf(node);
    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    env.put(CommandRequest.LC_CLUSTER_ID, cluster.id());
    env.put(CommandRequest.LC_CLUSTER_NAME, cluster.name());
    env.put(CommandRequest.LC_ROLE, node.role());
    env.put(CommandRequest.LC_NODE_ID, node.id());
    env.put(CommandRequest.LC_NODE_IP, node.address().orElse(""));
    env.put(CommandRequest.LC_SERVICE, service);
    env.put(CommandRequest.LC_OPERATION_ID, operationId);
    env.put(CommandRequest.LC_APP_VERSION, cluster.specOf(node).version());
    env.put(CommandRequest.LC_NODE_CPU, String.valueOf(node.cpu()));
    env.put(CommandRequest.LC_NODE_MEMORY, String.valueOf(node.memory()));
    env.put(CommandRequest.LC_NODE_VOLUME_SIZE, String.valueOf(node.volumeSize()));
    NodeResource resource = NodeResources.of(cluster.id(), node);
    emit(
        LifecycleEvent.builder(EventType.COMMAND_STARTED)
            .stage(stage.name())
            .node(node.role(), node.id())
            .service(label, order));
    CommandRequest request =
        CommandRequest.builder()
            .node(resource)
            .service(service)
            .script(script)
            .environment(env)
            .timeout(timeout)
            .runKey(operationId + "/" + step.id())
            .build();
    AtomicReference<CompletableFuture<CommandResult>> attempt = new AtomicReference<>();
    CompletableFuture<CommandResult> run =
        fence(step, request)
            .thenCompose(fenced -> secrets(spec, secretNames))
            .thenCompose(
                secrets -> {
                  CommandRequest withSecrets = request;
                  if (!secrets.isEmpty()) {
                    Map<String, String> all = new LinkedHashMap<>(env);
                    all.putAll(secrets);
                    withSecrets =
                        request.toBuilder().environment(all).secretNames(secrets.keySet()).build();
                  }
                  CommandRequest toRun = withSecrets;
                  return ctx.retrying(
                      () -> {
                        CompletableFuture<CommandResult> f =
                            track(ctx.commands().run(toRun).toCompletableFuture());
                        attempt.set(f);
                        return f;
                      });
                })
            .thenApply(scrubber::scrubResult);
    ScheduledFuture<?> backstop =
        ctx.scheduler()
            .schedule(
                () -> {
                  CompletableFuture<CommandResult> current = attempt.get();
                  if (current != null) {
                    current.cancel(true);
                  }
                  run.cancel(true);
                },
                timeout.plus(ctx.commandGrace()).toMillis(),
                TimeUnit.MILLISECONDS);
    return run.handle(
        (result, e) -> {
          backstop.cancel(false);
          LifecycleEvent.Builder finished =
              LifecycleEvent.builder(EventType.COMMAND_FINISHED)
                  .stage(stage.name())
                  .node(node.role(), node.id())
                  .service(label, order);
          if (e != null) {
            String why =
                scrubber.scrub(
                    label + " on " + node.id() + " could not run: " + Failures.describe(e));
            emit(finished.message(why));
            throw new StepFailedException(why);
          }
          finished.exitCode(result.exitCode());
          if (result.timedOut()) {
            String why =
                label + " on " + node.id() + " timed out after " + timeout.toSeconds() + " s";
            emit(finished.message(why));
            throw new StepFailedException(why);
          }
          emit(finished);
          if (result.exitCode() != 0) {
            throw new StepFailedException(
                label + " on " + node.id() + " exited with " + result.exitCode() + tail(result));
          }
          return null;
        });
  }

  /**
   * Resolves the secrets a service declares, right before its command runs (docs/design.md §9.9):
   * their values go to this command only, and to the operation's scrubber, never to a record. A
   * secret that cannot be resolved fails the step with a message naming its reference.
   */
  private CompletableFuture<Map<String, String>> secrets(AppSpec spec, List<String> names) {
    if (names.isEmpty()) {
      return CompletableFuture.completedFuture(Map.of());
    }
    Map<String, CompletableFuture<String>> pending = new LinkedHashMap<>();
    for (String name : names) {
      String reference = spec.secrets().get(name);
      if (reference == null) {
        return CompletableFuture.failedFuture(
            new StepFailedException(
                "secret " + name + " is not declared under secrets: in version " + spec.version()));
      }
      SecretRef ref;
      try {
        ref = SecretRef.parse(reference);
      } catch (IllegalArgumentException e) {
        return CompletableFuture.failedFuture(
            new StepFailedException(
                "secret "
                    + name
                    + " has a malformed reference "
                    + reference
                    + ": "
                    + e.getMessage()));
      }
      pending.put(
          name,
          ctx.retrying(() -> track(Futures.call(() -> ctx.secrets().resolve(ref))))
              .handle(
                  (value, e) -> {
                    if (e != null) {
                      throw new StepFailedException(
                          "secret " + name + " (" + ref + "): " + Failures.describe(e));
                    }
                    if (value == null) {
                      throw new StepFailedException(
                          "secret " + name + " (" + ref + "): the resolver gave no value");
                    }
                    scrubber.add(value);
                    return value;
                  }));
    }
    return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Map<String, String> values = new LinkedHashMap<>();
              pending.forEach((name, f) -> values.put(name, f.join()));
              return values;
            });
  }

  /**
   * Before a command that an earlier run of the operation started runs again, makes the executor
   * prove that run gone (docs/design.md §5.8): two runs of one step never overlap.
   */
  private CompletableFuture<Void> fence(Step step, CommandRequest request) {
    if (!inDoubt.contains(step.id())) {
      return CompletableFuture.completedFuture(null);
    }
    return ctx.retrying(
            () ->
                track(ctx.commands().fence(request.node(), request.runKey()).toCompletableFuture()))
        .exceptionally(
            e -> {
              throw new StepFailedException(
                  "cannot make sure that the earlier run of "
                      + request.service()
                      + " on "
                      + request.node().ref().nodeId()
                      + " has ended, so it is not run again: "
                      + Failures.describe(e));
            });
  }

  private static String tail(CommandResult r) {
    String err = r.stderrTail().strip();
    if (err.isEmpty()) {
      return "";
    }
    int nl = err.lastIndexOf('\n');
    return ": " + (nl < 0 ? err : err.substring(nl + 1));
  }

  private CompletableFuture<Void> metadata(Stage stage, MetadataStep step) {
    MetadataChange change = ctx.tree().change(step, records.current());
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

  private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    inFlight.add(f);
    f.whenComplete((r, e) -> inFlight.remove(f));
    if (cancelled) {
      f.cancel(true);
    }
    return f;
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

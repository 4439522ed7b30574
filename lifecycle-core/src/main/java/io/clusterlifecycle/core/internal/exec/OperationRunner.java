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
import io.clusterlifecycle.api.plan.StartNodeStep;
import io.clusterlifecycle.api.plan.StopNodeStep;
import io.clusterlifecycle.api.plan.WaitStep;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.JournalEntry;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one plan: stages one after another, the steps of a stage in parallel (bounded by the
 * engine's limiter), finally-stages also after a failure. A failed step stops its stage from
 * starting more steps; the steps already in flight finish and are recorded (SPEC section 14).
 */
public final class OperationRunner {

  /** How the plan ended. */
  public record Result(String error, boolean refused, boolean timedOut, List<String> warnings,
      List<String> keptVolumes) {
    public boolean succeeded() {
      return error.isEmpty();
    }
  }

  private final EngineContext ctx;
  private final Plan plan;
  private final String operationId;
  private final OperationType type;
  private final RecordKeeper records;
  private final JournalWriter journal;
  private final Set<String> done;
  private final Set<CompletableFuture<?>> inFlight = ConcurrentHashMap.newKeySet();
  private final List<String> warnings = new ArrayList<>();
  private final List<String> keptVolumes = new ArrayList<>();
  private String error = "";
  private boolean refused;
  private volatile boolean timedOut;

  /**
   * @param done ids of steps the journal shows as succeeded: a resumed operation skips them
   */
  public OperationRunner(EngineContext ctx, Plan plan, String operationId, RecordKeeper records,
      Set<String> done) {
    this.ctx = ctx;
    this.plan = plan;
    this.operationId = operationId;
    this.type = plan.type();
    this.records = records;
    this.done = Set.copyOf(done);
    this.journal = new JournalWriter(batch -> ctx.retrying(() -> ctx.store().appendJournal(batch)));
  }

  /** Runs the plan; never completes exceptionally — failures are in the result. */
  public CompletableFuture<Result> run(Duration timeout) {
    ScheduledFuture<?> timer = ctx.scheduler().schedule(() -> onTimeout(timeout),
        timeout.toMillis(), TimeUnit.MILLISECONDS);
    return runStages(0).handle((v, e) -> {
      timer.cancel(false);
      if (e != null) {
        fail("internal error: " + Failures.describe(e), false);
      }
      return null;
    }).thenCompose(v -> journal.flush().handle((ok, e) -> {
      if (e != null) {
        fail("could not write the journal: " + Failures.describe(e), false);
      }
      synchronized (this) {
        return new Result(error, refused, timedOut, List.copyOf(warnings),
            List.copyOf(keptVolumes));
      }
    }));
  }

  private void onTimeout(Duration timeout) {
    timedOut = true;
    fail(type.displayName() + " timed out after " + timeout.toSeconds()
        + " s; the journal can be resumed with recover", false);
    inFlight.forEach(f -> f.cancel(true));
  }

  private CompletableFuture<Void> runStages(int index) {
    if (index >= plan.stages().size()) {
      return CompletableFuture.completedFuture(null);
    }
    Stage stage = plan.stages().get(index);
    if (hasFailed() && !stage.always()) {
      return runStages(index + 1);
    }
    long alreadyDone = stage.always() ? 0
        : stage.steps().stream().filter(st -> done.contains(st.id())).count();
    emit(LifecycleEvent.builder(EventType.STAGE_STARTED).stage(stage.name())
        .message(stage.steps().size() + " steps"
            + (alreadyDone > 0 ? ", " + alreadyDone + " already done" : "")));
    return runStage(stage).thenComposeAsync(stageError -> {
      String outcome = stageError.isEmpty() ? "ok"
          : stage.onFailure() == Stage.FailurePolicy.WARN ? "ok with warnings: " + stageError
          : "failed: " + stageError;
      emit(LifecycleEvent.builder(EventType.STAGE_FINISHED).stage(stage.name()).message(outcome));
      return runStages(index + 1);
    }, ctx.executor());
  }

  private synchronized boolean hasFailed() {
    return !error.isEmpty();
  }

  /** Runs a stage's steps; completes with the stage's first failure, or empty. */
  private CompletableFuture<String> runStage(Stage stage) {
    AtomicBoolean stopped = new AtomicBoolean();
    List<String> failures = new ArrayList<>();
    List<CompletableFuture<Void>> all = new ArrayList<>(stage.steps().size());
    for (Step step : stage.steps()) {
      // a clean-up stage runs again on resume even if it ran before: what it cleans up may have
      // been put back by the steps resumed before it
      if (done.contains(step.id()) && !stage.always()) {
        continue;
      }
      boolean holdsSlot = !(step instanceof WaitStep);
      CompletableFuture<Void> permit = holdsSlot ? ctx.limiter().acquire()
          : CompletableFuture.completedFuture(null);
      // a step that gets its permit while the stage is being launched is in flight together
      // with the others; only a step still waiting for a permit is held back by a failure
      boolean launchedWithStage = permit.isDone();
      all.add(permit.thenCompose(p -> {
        if ((!launchedWithStage && stopped.get()) || timedOut) {
          if (holdsSlot) {
            ctx.limiter().release();
          }
          return CompletableFuture.<Void>completedFuture(null);
        }
        CompletableFuture<Void> f;
        journal.record(entry(step, JournalEntry.Status.STARTED, ""));
        try {
          f = runStep(stage, step);
        } catch (RuntimeException e) {
          f = CompletableFuture.failedFuture(e);
        }
        return f.handle((ok, e) -> {
          if (holdsSlot) {
            ctx.limiter().release();
          }
          journal.record(e == null ? entry(step, JournalEntry.Status.SUCCEEDED, "")
              : entry(step, JournalEntry.Status.FAILED, Failures.describe(e)));
          if (e != null) {
            String why = Failures.describe(e);
            synchronized (failures) {
              failures.add(why);
            }
            onStepFailure(stage, step, why, stopped);
          }
          return null;
        });
      }));
    }
    return CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).thenApply(v -> {
      synchronized (failures) {
        return failures.isEmpty() ? "" : failures.get(0);
      }
    });
  }

  private JournalEntry entry(Step step, JournalEntry.Status status, String detail) {
    return new JournalEntry(operationId, step.id(), status,
        ctx.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS), java.util.Optional.of(detail));
  }

  private void onStepFailure(Stage stage, Step step, String why, AtomicBoolean stopped) {
    switch (stage.onFailure()) {
      case WARN -> {
        synchronized (this) {
          warnings.add(why);
        }
        emit(LifecycleEvent.builder(EventType.WARNING).stage(stage.name())
            .message("forced: " + why));
      }
      case REFUSE -> {
        stopped.set(true);
        fail(why, true);
      }
      case FAIL -> {
        stopped.set(true);
        fail(why, false);
        if (step instanceof CreateNodeStep c) {
          records.update(b -> b.putNode(node(c.node()).withState(NodeState.FAILED)));
        }
      }
    }
  }

  private synchronized void fail(String why, boolean isRefusal) {
    if (error.isEmpty()) {
      error = why;
      refused = isRefusal;
    }
  }

  private CompletableFuture<Void> runStep(Stage stage, Step step) {
    if (step instanceof CreateNodeStep s) {
      return createNode(stage, s);
    } else if (step instanceof DeleteNodeStep s) {
      return deleteNode(stage, s);
    } else if (step instanceof ServiceStep s) {
      Node node = node(s.node());
      ServiceSpec service = role(node).service(s.service()).orElseThrow(() ->
          new StepFailedException("role " + s.role() + " has no service " + s.service()
              + " in version " + records.current().specOf(node).version()));
      return command(stage, node, s.service(), s.service(), service.cmd(), s.order(),
          service.timeout(), s.env());
    } else if (step instanceof PreCheckStep s) {
      Node node = node(s.node());
      ServiceSpec service = role(node).service(s.service()).orElseThrow();
      String label = s.service() + ".pre_check";
      return command(stage, node, label, label, service.preCheck().orElseThrow(),
          service.order(), service.timeout(), Map.of());
    } else if (step instanceof MetadataStep s) {
      return metadata(stage, s);
    } else if (step instanceof ResizeNodeStep s) {
      return resource(stage, s.node(), EventType.RESOURCE_RESIZED,
          ref -> ctx.resources().resize(ref, s.cpu(), s.memory(), s.volumeSize()),
          n -> n.withSize(s.cpu(), s.memory(), s.volumeSize()),
          "cpu " + s.cpu() + ", memory " + s.memory() + " MiB"
              + (s.volumeSize() > 0 ? ", volume " + s.volumeSize() + " GiB" : ""));
    } else if (step instanceof ReplaceImageStep s) {
      return resource(stage, s.node(), EventType.IMAGE_REPLACED,
          ref -> ctx.resources().replaceImage(ref, s.image()),
          n -> n.withImage(s.image(), s.version()),
          "version " + s.version() + (s.image().isEmpty() ? "" : ", image " + s.image()));
    } else if (step instanceof StopNodeStep s) {
      return resource(stage, s.node(), EventType.RESOURCE_STOPPED,
          ref -> ctx.resources().stop(ref), n -> n.state() == NodeState.STOPPED ? n
              : n.withState(n.state().moveTo(NodeState.STOPPED)), null);
    } else if (step instanceof StartNodeStep s) {
      return resource(stage, s.node(), EventType.RESOURCE_STARTED,
          ref -> ctx.resources().start(ref), n -> n.state() == NodeState.RUNNING ? n
              : n.withState(n.state().moveTo(NodeState.RUNNING)), null);
    } else if (step instanceof WaitStep s) {
      CompletableFuture<Void> waited = new CompletableFuture<>();
      ScheduledFuture<?> timer = ctx.scheduler().schedule(() -> waited.complete(null),
          s.duration().toMillis(), TimeUnit.MILLISECONDS);
      waited.whenComplete((v, e) -> timer.cancel(false));
      return track(waited);
    }
    throw new IllegalStateException("unknown step " + step);
  }

  private CompletableFuture<Void> createNode(Stage stage, CreateNodeStep step) {
    Cluster cluster = records.current();
    Node node = node(step.node());
    RoleSpec role = role(node);
    NodeSpec spec = new NodeSpec(new NodeRef(cluster.id(), node.id()), cluster.name(),
        cluster.namespace(), node.role(), node.cpu(), node.memory(), node.volumeSize(),
        role.volume().map(v -> v.mountPoint()), node.image(),
        Map.of(NodeSpec.TAG_CLUSTER, cluster.id(), NodeSpec.TAG_ROLE, node.role(),
            NodeSpec.TAG_NODE, node.id()));
    return ctx.retrying(() -> track(ctx.resources().create(spec).toCompletableFuture()))
        .thenCompose(resource -> records.update(b -> b.putNode(node(step.node())
            .withResource(resource.address(), resource.instanceId()))))
        .thenAccept(c -> emit(LifecycleEvent.builder(EventType.RESOURCE_CREATED)
            .stage(stage.name()).node(node.role(), node.id()).message("address " + c.node(node.id())
                .flatMap(Node::address).orElse(""))));
  }

  /**
   * Runs a provider call on an existing node, then records what it changed in the node's record
   * and reports it.
   */
  private CompletableFuture<Void> resource(Stage stage, String nodeId, EventType event,
      java.util.function.Function<NodeRef, java.util.concurrent.CompletionStage<NodeResource>> call,
      java.util.function.UnaryOperator<Node> change, String message) {
    Node node = node(nodeId);
    NodeRef ref = new NodeRef(plan.clusterId(), node.id());
    return ctx.retrying(() -> track(call.apply(ref).toCompletableFuture()))
        .thenCompose(r -> records.update(b -> b.putNode(change.apply(node(nodeId)))))
        .thenAccept(c -> emit(LifecycleEvent.builder(event).stage(stage.name())
            .node(node.role(), node.id()).message(message)));
  }

  private CompletableFuture<Void> deleteNode(Stage stage, DeleteNodeStep step) {
    Node node = node(step.node());
    return ctx.retrying(() -> track(ctx.resources().delete(new NodeRef(plan.clusterId(),
        node.id()), step.keepVolume()).toCompletableFuture()))
        .thenCompose(kept -> {
          kept.ifPresent(v -> {
            synchronized (this) {
              keptVolumes.add(v);
            }
          });
          return records.update(b -> b.putNode(node(step.node()).withResource("", "")));
        })
        .thenAccept(c -> emit(LifecycleEvent.builder(EventType.RESOURCE_DELETED)
            .stage(stage.name()).node(node.role(), node.id())
            .message(step.keepVolume() ? "volume kept" : null)));
  }

  private CompletableFuture<Void> command(Stage stage, Node node, String service,
      String label, String script, int order, Duration timeout, Map<String, String> extraEnv) {
    Cluster cluster = records.current();
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
    NodeResource resource = new NodeResource(new NodeRef(cluster.id(), node.id()), node.role(),
        node.instanceId().orElse(""), node.address().orElse(""), node.cpu(), node.memory(), node.volumeSize(), java.util.Optional.empty(),
        node.image(), true, Map.of());
    emit(LifecycleEvent.builder(EventType.COMMAND_STARTED).stage(stage.name())
        .node(node.role(), node.id()).service(label, order));
    CommandRequest request = new CommandRequest(resource, service, script, env, timeout);
    java.util.concurrent.atomic.AtomicReference<CompletableFuture<CommandResult>> attempt =
        new java.util.concurrent.atomic.AtomicReference<>();
    CompletableFuture<CommandResult> run = ctx.retrying(() -> {
      CompletableFuture<CommandResult> f = track(ctx.commands().run(request).toCompletableFuture());
      attempt.set(f);
      return f;
    });
    ScheduledFuture<?> backstop = ctx.scheduler().schedule(() -> {
      CompletableFuture<CommandResult> current = attempt.get();
      if (current != null) {
        current.cancel(true);
      }
      run.cancel(true);
    },
        timeout.plus(ctx.commandGrace()).toMillis(), TimeUnit.MILLISECONDS);
    return run.handle((result, e) -> {
      backstop.cancel(false);
      LifecycleEvent.Builder finished = LifecycleEvent.builder(EventType.COMMAND_FINISHED)
          .stage(stage.name()).node(node.role(), node.id()).service(label, order);
      if (e != null) {
        String why = label + " on " + node.id() + " could not run: " + Failures.describe(e);
        emit(finished.message(why));
        throw new StepFailedException(why);
      }
      finished.exitCode(result.exitCode());
      if (result.timedOut()) {
        String why = label + " on " + node.id() + " timed out after " + timeout.toSeconds() + " s";
        emit(finished.message(why));
        throw new StepFailedException(why);
      }
      emit(finished);
      if (result.exitCode() != 0) {
        throw new StepFailedException(label + " on " + node.id() + " exited with "
            + result.exitCode() + tail(result));
      }
      return null;
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
        .thenAccept(v -> {
      boolean put = step.action() == MetadataStep.Action.PUBLISH;
      String path = step.sections().contains(MetadataStep.ALL) ? root
          : root + "/" + String.join(",", step.sections());
      emit(LifecycleEvent.builder(put ? EventType.METADATA_PUT : EventType.METADATA_DELETED)
          .stage(stage.name()).path(path)
          .message(put ? change.puts().size() + " keys" : change.deletePrefixes().size()
              + " prefixes"));
    });
  }

  private <T> CompletableFuture<T> track(CompletableFuture<T> f) {
    inFlight.add(f);
    f.whenComplete((r, e) -> inFlight.remove(f));
    if (timedOut) {
      f.cancel(true);
    }
    return f;
  }

  private Node node(String nodeId) {
    return records.current().node(nodeId).orElseThrow(() ->
        new StepFailedException("node " + nodeId + " is not in the cluster record"));
  }

  /** The role of a node in the spec of the version the node runs now. */
  private RoleSpec role(Node node) {
    return records.current().specOf(node).role(node.role()).orElseThrow(() ->
        new StepFailedException("role " + node.role() + " is not in the app spec of version "
            + records.current().specOf(node).version()));
  }

  private void emit(LifecycleEvent.Builder event) {
    ctx.events().emit(event.cluster(plan.clusterId()).operation(operationId, type));
  }
}

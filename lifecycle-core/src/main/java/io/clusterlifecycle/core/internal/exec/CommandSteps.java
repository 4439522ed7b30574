package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.WorkloadStatus;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.SecretRef;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeResource;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Runs the command of a service or pre-check step on its node (docs/design.md §9.3): builds the
 * request with the {@code LC_*} environment and the step's run key, fences an earlier run the
 * journal left in doubt, resolves the service's secrets right before the run, and turns the result
 * into the step's outcome, with secret values masked.
 */
final class CommandSteps {
  private final EngineContext ctx;
  private final String operationId;
  private final RecordKeeper records;
  private final Set<String> inDoubt;
  private final SecretScrubber scrubber;
  private final StepRunner steps;
  private CompletableFuture<List<Cluster>> allRecords;
  private final Map<String, Map<String, String>> results = new ConcurrentHashMap<>();
  private final Deadlines backstops;
  private final CommandEnvironment environment;

  /** How late a command's backstop may cancel it, past its timeout and the grace. */
  static final Duration BACKSTOP_TICK = Duration.ofMillis(100);

  /** How long writing a node's rendered files may take. */
  static final Duration WRITER_TIMEOUT = Duration.ofSeconds(60);

  CommandSteps(
      EngineContext ctx,
      String operationId,
      RecordKeeper records,
      Set<String> inDoubt,
      SecretScrubber scrubber,
      StepRunner steps) {
    this.ctx = ctx;
    this.operationId = operationId;
    this.records = records;
    this.inDoubt = inDoubt;
    this.scrubber = scrubber;
    this.steps = steps;
    this.backstops = new Deadlines(ctx.scheduler(), BACKSTOP_TICK);
    this.environment = new CommandEnvironment(operationId);
  }

  CompletableFuture<Void> run(
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
    Map<String, String> env = withExtra(extraEnv, environment.of(cluster, node, service));
    NodeResource resource = NodeResources.of(cluster.id(), node);
    steps.emit(
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
    long started = ctx.meters().commandStarted();
    // most commands have no secrets and nothing to fence: they start without the stages for them
    CompletableFuture<CommandResult> run =
        (secretNames.isEmpty() && !inDoubt.contains(step.id())
                ? attempt(request, attempt)
                : fence(step, request)
                    .thenCompose(fenced -> secrets(spec, secretNames))
                    .thenCompose(
                        secrets -> {
                          if (secrets.isEmpty()) {
                            return attempt(request, attempt);
                          }
                          Map<String, String> all = new LinkedHashMap<>(env);
                          all.putAll(secrets);
                          return attempt(
                              request.toBuilder()
                                  .environment(all)
                                  .secretNames(secrets.keySet())
                                  .build(),
                              attempt);
                        }))
            .thenApply(scrubber::scrubResult);
    Deadlines.Handle backstop =
        backstops.schedule(
            timeout.plus(ctx.commandGrace()),
            () -> {
              CompletableFuture<CommandResult> current = attempt.get();
              if (current != null) {
                current.cancel(true);
              }
              run.cancel(true);
            });
    return run.handle(
            (result, e) -> {
              backstop.cancel();
              ctx.meters()
                  .commandEnded(
                      started,
                      service,
                      e != null
                          ? "error"
                          : result.timedOut()
                              ? "timed_out"
                              : result.exitCode() == 0 ? "ok" : "nonzero");
              LifecycleEvent.Builder finished =
                  LifecycleEvent.builder(EventType.COMMAND_FINISHED)
                      .stage(stage.name())
                      .node(node.role(), node.id())
                      .service(label, order);
              if (e != null) {
                String why =
                    scrubber.scrub(
                        label + " on " + node.id() + " could not run: " + Failures.describe(e));
                steps.emit(finished.message(why));
                throw new StepFailedException(why);
              }
              finished.exitCode(result.exitCode());
              if (result.timedOut()) {
                String why =
                    label + " on " + node.id() + " timed out after " + timeout.toSeconds() + " s";
                steps.emit(finished.message(why));
                throw new StepFailedException(why);
              }
              Map<String, String> reported;
              Optional<WorkloadStatus> status;
              try {
                reported = ScriptReports.results(result.result());
                status = ScriptReports.status(result.status(), ctx.now());
              } catch (IllegalArgumentException bad) {
                String why = label + " on " + node.id() + ": " + bad.getMessage();
                steps.emit(finished.message(why));
                throw new StepFailedException(why);
              }
              steps.emit(finished.results(reported));
              if (!reported.isEmpty()) {
                results.merge(
                    node.id(),
                    reported,
                    (earlier, later) -> {
                      Map<String, String> both = new LinkedHashMap<>(earlier);
                      both.putAll(later);
                      return both;
                    });
              }
              CompletableFuture<Void> kept = status.map(st -> recordStatus(node, st)).orElse(DONE);
              return kept.thenRun(
                  () -> {
                    if (result.exitCode() != 0) {
                      throw new StepFailedException(
                          label
                              + " on "
                              + node.id()
                              + " exited with "
                              + result.exitCode()
                              + tail(result));
                    }
                  });
            })
        .thenCompose(v -> v);
  }

  /** Runs the command, retrying what fails transiently; {@code attempt} holds the latest try. */
  private CompletableFuture<CommandResult> attempt(
      CommandRequest request, AtomicReference<CompletableFuture<CommandResult>> attempt) {
    return ctx.retrying(
        () -> {
          CompletableFuture<CommandResult> f =
              steps.track(ctx.commands().run(request).toCompletableFuture());
          attempt.set(f);
          return f;
        });
  }

  /** The {@code LC_*} variables with a step's own beside them; the engine's win a clash. */
  private static Map<String, String> withExtra(Map<String, String> extra, Map<String, String> lc) {
    if (extra.isEmpty()) {
      return lc;
    }
    Map<String, String> merged = new LinkedHashMap<>(extra);
    merged.putAll(lc);
    return merged;
  }

  private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

  /**
   * What the operation's scripts reported through {@code LC_RESULT} so far, per node id
   * (docs/design.md §9.3.1).
   */
  Map<String, Map<String, String>> results() {
    return Map.copyOf(results);
  }

  /** Keeps a workload status a script reported in the node's record, and tells listeners. */
  private CompletableFuture<Void> recordStatus(Node node, WorkloadStatus status) {
    steps.emit(ScriptReports.statusEvent(records.current().node(node.id()).orElse(node), status));
    return records
        .update(
            b -> {
              Node current = records.current().node(node.id()).orElse(null);
              return current == null
                  ? b
                  : b.putNode(current.toBuilder().workload(Optional.of(status)).build());
            })
        .thenApply(c -> null);
  }

  /**
   * The {@code LC_*} variables the engine sets on every command of {@code node} (docs/design.md
   * §9.3).
   */
  static Map<String, String> environment(
      Cluster cluster, Node node, String service, String operationId) {
    return new CommandEnvironment(operationId).of(cluster, node, service);
  }

  /**
   * Writes the config files rendered from {@code node}'s role templates on the node, before one of
   * its commands runs (docs/design.md §15): the secret parameters are resolved for this write only,
   * and the files reach the node through {@link TemplateWriter}. Completes at once for a role
   * without templates.
   */
  CompletableFuture<Void> templates(Stage stage, Step step, Node node, int order) {
    Cluster cluster = records.current();
    if (!TemplateRenderer.hasTemplates(cluster, node)) {
      return CompletableFuture.completedFuture(null);
    }
    CompletableFuture<List<Cluster>> targets =
        cluster.dependencies().isEmpty()
            ? CompletableFuture.completedFuture(List.of())
            : linkTargets();
    return targets
        .thenCompose(
            all ->
                parameterSecrets(TemplateRenderer.secretReferences(cluster))
                    .thenApply(secrets -> TemplateRenderer.render(cluster, node, secrets, all)))
        .thenCompose(
            files ->
                run(
                    stage,
                    step,
                    node,
                    TemplateWriter.SERVICE,
                    TemplateWriter.SERVICE,
                    TemplateWriter.SCRIPT,
                    order,
                    WRITER_TIMEOUT,
                    TemplateWriter.environment(files),
                    List.of()));
  }

  /**
   * The cluster records the templates' links are read from: listed once per run of the operation,
   * not once per node; a failed listing is tried again by the next node.
   */
  private synchronized CompletableFuture<List<Cluster>> linkTargets() {
    if (allRecords == null || allRecords.isCompletedExceptionally()) {
      allRecords = ctx.retrying(() -> steps.track(ctx.store().list().toCompletableFuture()));
    }
    return allRecords;
  }

  /** Resolves the references the secret parameters hold, by config path. */
  private CompletableFuture<Map<String, String>> parameterSecrets(Map<String, String> refs) {
    Map<String, CompletableFuture<String>> pending = new LinkedHashMap<>();
    refs.forEach(
        (path, reference) ->
            pending.put(
                path,
                Futures.call(() -> CompletableFuture.completedFuture(SecretRef.parse(reference)))
                    .thenCompose(ref -> resolve("secret parameter at " + path, ref))));
    return joined(pending);
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
      pending.put(name, resolve("secret " + name, ref));
    }
    return joined(pending);
  }

  /** Resolves one secret, whose value then is masked in everything the operation reports. */
  private CompletableFuture<String> resolve(String what, SecretRef ref) {
    return ctx.retrying(() -> steps.track(Futures.call(() -> ctx.secrets().resolve(ref))))
        .handle(
            (value, e) -> {
              if (e != null) {
                throw new StepFailedException(what + " (" + ref + "): " + Failures.describe(e));
              }
              if (value == null) {
                throw new StepFailedException(what + " (" + ref + "): the resolver gave no value");
              }
              scrubber.add(value);
              return value;
            });
  }

  private static CompletableFuture<Map<String, String>> joined(
      Map<String, CompletableFuture<String>> pending) {
    return CompletableFuture.allOf(pending.values().toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              Map<String, String> values = new LinkedHashMap<>();
              pending.forEach((key, f) -> values.put(key, f.join()));
              return values;
            });
  }

  /**
   * Before a command that an earlier run of the operation started runs again, makes the executor
   * prove that run gone (docs/design.md §5.8): two runs of one step never overlap.
   */
  private CompletableFuture<Void> fence(Step step, CommandRequest request) {
    if (!inDoubt.contains(step.id())) {
      return DONE;
    }
    return ctx.retrying(
            () ->
                steps.track(
                    ctx.commands().fence(request.node(), request.runKey()).toCompletableFuture()))
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

  /** The last line of a command's standard error, as {@code ": <line>"}, or empty. */
  static String tail(CommandResult r) {
    String err = r.stderrTail().strip();
    if (err.isEmpty()) {
      return "";
    }
    int nl = err.lastIndexOf('\n');
    return ": " + (nl < 0 ? err : err.substring(nl + 1));
  }
}

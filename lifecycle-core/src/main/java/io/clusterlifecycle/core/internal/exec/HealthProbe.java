package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.WorkloadStatus;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.SecretRef;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.state.NodeState;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Judges one node of an idle running cluster (docs/design.md §3.6): asks the resource provider for
 * its instance and runs its role's {@code health} service, if it has one, outside any operation (no
 * journal, no run key, {@code LC_OPERATION_ID} empty), within the engine's max-in-flight.
 */
public final class HealthProbe {
  /** The name of the service a role may define to check a node's health. */
  public static final String SERVICE = "health";

  private final EngineContext ctx;

  /** A node's health: its problem, if any, and a workload status its health service reported. */
  public record Verdict(Optional<String> problem, Optional<WorkloadStatus> status) {}

  public HealthProbe(EngineContext ctx) {
    this.ctx = ctx;
  }

  /** Judges {@code node}; never completes exceptionally (what cannot be checked is a problem). */
  public CompletableFuture<Verdict> probe(Cluster cluster, Node node) {
    if (node.state() == NodeState.FAILED) {
      return CompletableFuture.completedFuture(
          new Verdict(Optional.of("the node is FAILED"), Optional.empty()));
    }
    if (node.state() != NodeState.RUNNING) {
      // held, suspended, powered off, stopped or undeployed on purpose: not judged
      return CompletableFuture.completedFuture(new Verdict(Optional.empty(), node.workload()));
    }
    return ctx.limiter()
        .acquire()
        .thenCompose(
            permit ->
                ctx.retrying(() -> ctx.resources().find(new NodeRef(cluster.id(), node.id())))
                    .thenCompose(
                        found -> {
                          if (found.isEmpty()) {
                            return problem("the provider has no instance for it");
                          }
                          if (!found.get().running()) {
                            return problem("the provider reports its instance not running");
                          }
                          return service(cluster, node);
                        })
                    .handle(
                        (verdict, e) ->
                            e == null
                                ? verdict
                                : new Verdict(
                                    Optional.of("could not be checked: " + Failures.describe(e)),
                                    Optional.empty()))
                    .whenComplete((v, e) -> ctx.limiter().release()));
  }

  private static CompletableFuture<Verdict> problem(String why) {
    return CompletableFuture.completedFuture(new Verdict(Optional.of(why), Optional.empty()));
  }

  private CompletableFuture<Verdict> service(Cluster cluster, Node node) {
    AppSpec spec = cluster.specOf(node);
    Optional<ServiceSpec> health = spec.role(node.role()).flatMap(r -> r.service(SERVICE));
    if (health.isEmpty()) {
      return CompletableFuture.completedFuture(new Verdict(Optional.empty(), Optional.empty()));
    }
    ServiceSpec s = health.get();
    SecretScrubber scrubber = new SecretScrubber();
    return secrets(spec, s, scrubber)
        .thenCompose(
            secrets -> {
              Map<String, String> env =
                  new LinkedHashMap<>(CommandSteps.environment(cluster, node, SERVICE, ""));
              env.putAll(secrets);
              CommandRequest request =
                  CommandRequest.builder()
                      .node(NodeResources.of(cluster.id(), node))
                      .service(SERVICE)
                      .script(s.cmd())
                      .environment(env)
                      .timeout(s.timeout())
                      .secretNames(secrets.keySet())
                      .build();
              CompletableFuture<CommandResult> run =
                  ctx.retrying(() -> ctx.commands().run(request));
              // an executor that overstays the timeout and its grace is given up on, on the
              // engine's scheduler (and so on its clock)
              ScheduledFuture<?> backstop =
                  ctx.scheduler()
                      .schedule(
                          () -> run.cancel(true),
                          s.timeout().plus(ctx.commandGrace()).toMillis(),
                          TimeUnit.MILLISECONDS);
              return run.whenComplete((r, e) -> backstop.cancel(false));
            })
        .thenApply(r -> verdict(scrubber.scrubResult(r), s));
  }

  private Verdict verdict(CommandResult r, ServiceSpec s) {
    Optional<WorkloadStatus> status;
    try {
      status = ScriptReports.status(r.status(), ctx.now());
    } catch (IllegalArgumentException bad) {
      return new Verdict(Optional.of(SERVICE + ": " + bad.getMessage()), Optional.empty());
    }
    if (r.timedOut()) {
      return new Verdict(
          Optional.of(SERVICE + " timed out after " + s.timeout().toSeconds() + " s"), status);
    }
    if (r.exitCode() != 0) {
      return new Verdict(
          Optional.of(SERVICE + " exited with " + r.exitCode() + CommandSteps.tail(r)), status);
    }
    return new Verdict(Optional.empty(), status);
  }

  private CompletableFuture<Map<String, String>> secrets(
      AppSpec spec, ServiceSpec s, SecretScrubber scrubber) {
    Map<String, String> values = new LinkedHashMap<>();
    CompletableFuture<Void> all = CompletableFuture.completedFuture(null);
    for (String name : s.secrets()) {
      String reference = spec.secrets().get(name);
      if (reference == null) {
        return CompletableFuture.failedFuture(
            new IllegalStateException("secret " + name + " is not declared under secrets:"));
      }
      all =
          all.thenCompose(
              v ->
                  ctx.retrying(() -> ctx.secrets().resolve(SecretRef.parse(reference)))
                      .thenAccept(
                          value -> {
                            scrubber.add(value);
                            synchronized (values) {
                              values.put(name, value);
                            }
                          }));
    }
    return all.thenApply(v -> values);
  }
}

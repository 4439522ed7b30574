package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.WorkloadStatus;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.state.NodeState;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Judges one node of an idle running cluster (docs/design.md §3.6): asks the resource provider for
 * its instance and runs its role's {@code health} service, if it has one, outside any operation (no
 * journal, no run key, {@code LC_OPERATION_ID} empty), within the engine's max-in-flight.
 */
public final class HealthProbe {
  /** The name of the service a role may define to check a node's health. */
  public static final String SERVICE = "health";

  private final EngineContext ctx;
  private final IdleCommands commands;

  /** A node's health: its problem, if any, and a workload status its health service reported. */
  public record Verdict(Optional<String> problem, Optional<WorkloadStatus> status) {}

  public HealthProbe(EngineContext ctx) {
    this.ctx = ctx;
    this.commands = new IdleCommands(ctx);
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
    Optional<ServiceSpec> health =
        cluster.specOf(node).role(node.role()).flatMap(r -> r.service(SERVICE));
    if (health.isEmpty()) {
      return CompletableFuture.completedFuture(new Verdict(Optional.empty(), Optional.empty()));
    }
    return commands
        .run(cluster, node, SERVICE, health.get())
        .thenApply(r -> verdict(r, health.get()));
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
}

package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.SecretRef;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a role's service on a node outside any operation (health checks, metrics): no journal, no
 * run key, {@code LC_OPERATION_ID} empty, the service's secrets resolved and scrubbed from what it
 * printed. The caller holds a max-in-flight permit.
 */
public final class IdleCommands {
  private final EngineContext ctx;

  public IdleCommands(EngineContext ctx) {
    this.ctx = ctx;
  }

  /** Runs {@code s}, the service {@code name} of the node's role; its output has no secrets. */
  public CompletableFuture<CommandResult> run(
      Cluster cluster, Node node, String name, ServiceSpec s) {
    AppSpec spec = cluster.specOf(node);
    SecretScrubber scrubber = new SecretScrubber();
    return secrets(spec, s, scrubber)
        .thenCompose(
            secrets -> {
              Map<String, String> env =
                  new LinkedHashMap<>(CommandSteps.environment(cluster, node, name, ""));
              env.putAll(secrets);
              CommandRequest request =
                  CommandRequest.builder()
                      .node(NodeResources.of(cluster.id(), node))
                      .service(name)
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
        .thenApply(scrubber::scrubResult);
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

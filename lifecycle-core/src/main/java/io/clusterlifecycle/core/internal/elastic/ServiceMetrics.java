package io.clusterlifecycle.core.internal.elastic;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ServiceSpec;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.MetricsSource;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.core.internal.exec.EngineContext;
import io.clusterlifecycle.core.internal.exec.IdleCommands;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The metrics source used when the host gives none (docs/design.md §6.14): runs the role's {@code
 * metrics} service on each of its running nodes, outside any operation and within the engine's
 * max-in-flight, reads the {@code NAME=value} lines it prints, and averages each name over the
 * nodes that printed it. A node whose service fails is left out.
 */
public final class ServiceMetrics implements MetricsSource {
  /** The name of the service a role defines to report its metrics. */
  public static final String SERVICE = "metrics";

  private static final Pattern LINE =
      Pattern.compile("^\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(-?[0-9]+(?:\\.[0-9]+)?)\\s*$");

  private final EngineContext ctx;
  private final IdleCommands commands;

  /**
   * Runs services through the engine's command executor.
   *
   * @param ctx the engine's context
   */
  public ServiceMetrics(EngineContext ctx) {
    this.ctx = ctx;
    this.commands = new IdleCommands(ctx);
  }

  @Override
  public CompletionStage<Map<String, Double>> sample(Cluster cluster, String role) {
    Optional<ServiceSpec> service = cluster.spec().role(role).flatMap(r -> r.service(SERVICE));
    if (service.isEmpty()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("role " + role + " has no " + SERVICE + " service"));
    }
    List<CompletableFuture<Map<String, Double>>> each =
        cluster.nodes(role).stream()
            .filter(n -> n.state() == NodeState.RUNNING)
            .map(n -> sample(cluster, n, service.get()))
            .toList();
    return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
        .thenApply(v -> average(each.stream().map(CompletableFuture::join).toList()));
  }

  private CompletableFuture<Map<String, Double>> sample(Cluster c, Node n, ServiceSpec s) {
    return ctx.limiter()
        .acquire()
        .thenCompose(
            permit ->
                commands
                    .run(c, n, SERVICE, s)
                    .handle((r, e) -> e == null ? values(r) : Map.<String, Double>of())
                    .whenComplete((v, e) -> ctx.limiter().release()));
  }

  /** The {@code NAME=value} lines of a successful run; other lines are ignored. */
  static Map<String, Double> values(CommandResult r) {
    Map<String, Double> out = new HashMap<>();
    if (r.exitCode() != 0 || r.timedOut()) {
      return out;
    }
    for (String line : r.stdoutTail().split("\n")) {
      Matcher m = LINE.matcher(line);
      if (m.matches()) {
        out.put(m.group(1), Double.parseDouble(m.group(2)));
      }
    }
    return out;
  }

  private static Map<String, Double> average(List<Map<String, Double>> samples) {
    Map<String, double[]> sums = new HashMap<>();
    for (Map<String, Double> s : samples) {
      s.forEach(
          (k, v) -> {
            double[] sum = sums.computeIfAbsent(k, x -> new double[2]);
            sum[0] += v;
            sum[1]++;
          });
    }
    Map<String, Double> out = new HashMap<>();
    sums.forEach((k, sum) -> out.put(k, sum[0] / sum[1]));
    return out;
  }

  @Override
  public Set<String> unknown(RoleSpec role, Set<String> metrics) {
    return role.service(SERVICE).isPresent() ? Set.of() : metrics;
  }

  @Override
  public String name() {
    return "the role's " + SERVICE + " service";
  }
}

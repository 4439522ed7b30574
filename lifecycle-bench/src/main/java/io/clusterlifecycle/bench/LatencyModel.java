package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.DeleteNodeStep;
import io.clusterlifecycle.api.plan.PreCheckStep;
import io.clusterlifecycle.api.plan.ReplaceImageStep;
import io.clusterlifecycle.api.plan.ResizeNodeStep;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.StartNodeStep;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.plan.StopNodeStep;
import io.clusterlifecycle.api.plan.WaitStep;
import java.util.Objects;

/**
 * The latencies of the simulated SPIs: one distribution for every resource-provider call, one for
 * every command. Both {@link LatencyResourceProvider} and {@link LatencyCommandExecutor} draw from
 * here with the keys below, and {@link CriticalPath} asks the same question of a plan's steps, so
 * the critical path is what the SPIs really waited for. Metadata commits have no simulated latency
 * (the in-memory store completes them at once). Immutable.
 *
 * @param resource latency of each provider call (create, delete, start, stop, resize, image)
 * @param command latency of each command run
 */
public record LatencyModel(Latency resource, Latency command) {

  /** Every call completes at once. */
  public static final LatencyModel ZERO = new LatencyModel(Latency.ZERO, Latency.ZERO);

  /**
   * Checks for nulls.
   *
   * @param resource provider latency
   * @param command command latency
   */
  public LatencyModel {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(command, "command");
  }

  /**
   * The latency of a provider call.
   *
   * @param clusterId the cluster id
   * @param nodeId the node id
   * @param method the provider method, for example {@code create}
   * @return nanoseconds
   */
  public long resourceNanos(String clusterId, String nodeId, String method) {
    return resource.draw(clusterId + "/" + nodeId + "/" + method);
  }

  /**
   * The latency of a command run.
   *
   * @param clusterId the cluster id
   * @param nodeId the node id
   * @param service the service the engine names in its request (a pre-check is {@code
   *     <service>.pre_check})
   * @return nanoseconds
   */
  public long commandNanos(String clusterId, String nodeId, String service) {
    return command.draw(clusterId + "/" + nodeId + "/" + service);
  }

  /**
   * What one step of a plan waits for in the simulated SPIs: its provider call, its command, its
   * wait; zero for a metadata step.
   *
   * @param clusterId the plan's cluster
   * @param step the step
   * @return nanoseconds
   */
  public long stepNanos(String clusterId, Step step) {
    if (step instanceof CreateNodeStep s) {
      return resourceNanos(clusterId, s.node(), LatencyResourceProvider.CREATE);
    } else if (step instanceof DeleteNodeStep s) {
      return resourceNanos(clusterId, s.node(), LatencyResourceProvider.DELETE);
    } else if (step instanceof StartNodeStep s) {
      return resourceNanos(clusterId, s.node(), LatencyResourceProvider.START);
    } else if (step instanceof StopNodeStep s) {
      return resourceNanos(clusterId, s.node(), LatencyResourceProvider.STOP);
    } else if (step instanceof ResizeNodeStep s) {
      return resourceNanos(clusterId, s.node(), LatencyResourceProvider.RESIZE);
    } else if (step instanceof ReplaceImageStep s) {
      return resourceNanos(clusterId, s.node(), LatencyResourceProvider.REPLACE_IMAGE);
    } else if (step instanceof ServiceStep s) {
      return commandNanos(clusterId, s.node(), s.service());
    } else if (step instanceof PreCheckStep s) {
      return commandNanos(clusterId, s.node(), s.service() + ".pre_check");
    } else if (step instanceof WaitStep s) {
      return s.duration().toNanos();
    } else if (step instanceof io.clusterlifecycle.api.plan.NodeActionStep s) {
      return resourceNanos(clusterId, s.node(), LatencyResourceProvider.STOP);
    }
    return 0;
  }

  @Override
  public String toString() {
    return "resource " + resource + ", command " + command;
  }
}

package io.clusterlifecycle.spi.jdbc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Records and waiting helpers shared by the tests of this module. */
final class Records {
  /** A time with milliseconds only, as records keep them. */
  static final Instant T0 = Instant.parse("2026-11-22T02:39:11.123Z");

  static final long WAIT_SECONDS = 30;

  private Records() {}

  static AppSpec spec() {
    return AppSpec.builder("zookeeper", "3.8.4")
        .env("tick", "2000")
        .role(
            "zk",
            r ->
                r.count(3)
                    .cpu(2)
                    .memory(2048)
                    .volume(10, "/data")
                    .service(StandardService.START, s -> s.cmd("bin/zk start")))
        .build();
  }

  /** A running cluster with two nodes, labels, a lease and one history entry. */
  static Cluster cluster(String id, String name, Instant createdAt) {
    return Cluster.builder(id, name, spec(), createdAt)
        .namespace("team-a")
        .labels(Map.of("env", "test", "tier", "gold"))
        .state(ClusterState.RUNNING)
        .putNode(
            Node.builder()
                .id(name + "-zk-1")
                .role("zk")
                .index(1)
                .state(NodeState.RUNNING)
                .address("10.0.0.2")
                .instanceId("i-0001")
                .cpu(2)
                .memory(2048)
                .volumeSize(10)
                .image("")
                .version("3.8.4")
                .build())
        .putNode(
            Node.builder()
                .id(name + "-zk-2")
                .role("zk")
                .index(2)
                .state(NodeState.RUNNING)
                .address("10.0.0.3")
                .instanceId("i-0002")
                .cpu(2)
                .memory(2048)
                .volumeSize(10)
                .image("zk:3.8")
                .version("3.8.4")
                .build())
        .operation("op-" + id + "-1")
        .lease(Optional.of(new Lease("engine-1", "host-a", 4242, createdAt.plusSeconds(30))))
        .addHistory("op-" + id + "-1")
        .updatedAt(createdAt.plusMillis(5))
        .build();
  }

  /** A backup of the two nodes of {@link #cluster}'s cluster, with its app spec and parameters. */
  static Backup backup(String id, String clusterId, Instant createdAt) {
    return Backup.builder()
        .id(id)
        .clusterId(clusterId)
        .clusterName("demo")
        .namespace("team-a")
        .spec(spec())
        .env(Map.of("tick", "2000", "greeting", "hello \"world\""))
        .roleCounts(Map.of("zk", 2))
        .artifacts(
            List.of(
                new Backup.Artifact("demo-zk-1", "zk", 1, id + "/demo-zk-1"),
                new Backup.Artifact("demo-zk-2", "zk", 2, id + "/demo-zk-2")))
        .createdAt(createdAt)
        .build();
  }

  /** A running create operation whose plan has two stages. */
  static Operation operation(String id, String clusterId, Instant createdAt) {
    Plan plan =
        new Plan(
            clusterId,
            "demo",
            OperationType.CREATE,
            List.of(
                Stage.builder("create nodes")
                    .addStep(new CreateNodeStep("s1", "demo-zk-1", "zk"))
                    .addStep(new CreateNodeStep("s2", "demo-zk-2", "zk"))
                    .build(),
                Stage.builder("start")
                    .addStep(
                        ServiceStep.builder()
                            .id("s3")
                            .node("demo-zk-1")
                            .role("zk")
                            .service("start")
                            .order(0)
                            .build())
                    .addStep(
                        ServiceStep.builder()
                            .id("s4")
                            .node("demo-zk-2")
                            .role("zk")
                            .service("start")
                            .order(1)
                            .build())
                    .build()));
    return Operation.builder()
        .id(id)
        .clusterId(clusterId)
        .type(OperationType.CREATE)
        .state(OperationState.RUNNING)
        .startedFrom(ClusterState.PENDING)
        .plan(plan)
        .createdAt(createdAt)
        .endedAt(Optional.empty())
        .error("")
        .refused(false)
        .warnings(List.of("w1"))
        .keptVolumes(List.of())
        .build();
  }

  static JournalEntry entry(
      String operationId, String stepId, JournalEntry.Status status, Instant at) {
    return JournalEntry.builder()
        .operationId(operationId)
        .stepId(stepId)
        .status(status)
        .at(at)
        .detail(status == JournalEntry.Status.FAILED ? "exit 3" : "")
        .build();
  }

  /** Waits for a stage, failing the test after {@link #WAIT_SECONDS}. */
  static <T> T await(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new AssertionError("stage failed: " + e.getCause(), e.getCause());
    } catch (InterruptedException | TimeoutException e) {
      throw new AssertionError("stage did not complete in " + WAIT_SECONDS + " s", e);
    }
  }

  /** Waits for a stage to fail and returns the cause. */
  static Throwable failure(CompletionStage<?> stage) {
    Throwable t =
        catchThrowable(() -> stage.toCompletableFuture().get(WAIT_SECONDS, TimeUnit.SECONDS));
    assertThat(t).as("the stage should fail").isInstanceOf(ExecutionException.class);
    Throwable cause = t.getCause();
    while (cause instanceof CompletionException && cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause;
  }
}

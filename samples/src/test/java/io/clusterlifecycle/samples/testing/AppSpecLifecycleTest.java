package io.clusterlifecycle.samples.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.codec.AppSpecFiles;
import io.clusterlifecycle.testkit.CommandRun;
import io.clusterlifecycle.testkit.TraceAssert;
import io.clusterlifecycle.testkit.junit.LifecycleExtension;
import io.clusterlifecycle.testkit.junit.TestLifecycle;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Testing an app spec's lifecycle without infrastructure: {@link LifecycleExtension} gives each
 * test an engine on the testkit's in-memory SPIs, where every command succeeds at once unless a
 * rule of {@code lc.commands()} says otherwise, and {@link TraceAssert} checks what ran.
 *
 * <p>The spec is {@code samples/specs/hadoop.yaml}: a master (start order 0), three workers (order
 * 1; their {@code init} runs after start; a {@code destroy} guard; {@code scale_out} on one node)
 * and a client (order 2).
 */
@ExtendWith(LifecycleExtension.class)
class AppSpecLifecycleTest {
  // Maven runs the tests in the module directory, samples/
  private static final AppSpec HADOOP = AppSpecFiles.read(Path.of("specs/hadoop.yaml"));
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private static Cluster create(TestLifecycle lc) {
    return lc.engine().create(CreateCluster.builder(HADOOP, "demo").build());
  }

  @Test
  void create_startsRoleByRoleInOrder_andInitsWorkersAfterTheirStart(TestLifecycle lc) {
    // a scripted command ends at once unless it has a latency: then starts can overlap
    lc.commands().on("start").latency(Duration.ofMillis(20));

    Cluster c = create(lc);

    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(c.nodes()).extracting(Node::state).containsOnly(NodeState.RUNNING);
    lc.trace()
        .hasStatePath("PENDING", "DEPLOYING", "RUNNING")
        .ranOnNodes(
            "start",
            "demo-master-1",
            "demo-worker-1",
            "demo-worker-2",
            "demo-worker-3",
            "demo-client-1")
        .ranOnNodes(
            "init",
            "demo-master-1",
            "demo-worker-1",
            "demo-worker-2",
            "demo-worker-3") // the client defines no init
        .ranInParallel("start") // the three workers share order 1
        // one service's order groups: master (0), then workers (1), then client (2)
        .ranBefore("start", "master", "start", "worker")
        .ranBefore("start", "worker", "start", "client")
        // post_start_service: the workers' init follows their start, the master's precedes it
        .ranBefore("start", "worker", "init", "worker")
        .ranBefore("init", "master", "start", "master");
  }

  @Test
  void addNodes_startsTheNewWorkers_thenRunsScaleOutOnOneExistingWorker(TestLifecycle lc) {
    create(lc);
    lc.events().clear();
    lc.commands().on("start").latency(Duration.ofMillis(20));

    Cluster c = lc.engine().addNodes(AddNodes.of("demo", "worker", 2));

    assertThat(c.nodes("worker"))
        .extracting(Node::id)
        .containsExactly(
            "demo-worker-1", "demo-worker-2", "demo-worker-3", "demo-worker-4", "demo-worker-5");
    lc.trace()
        .hasStatePath("RUNNING", "SCALING", "RUNNING")
        .ranOnNodes("start", "demo-worker-4", "demo-worker-5")
        .ranInParallel("start")
        .ranOnNodes("scale_out", "demo-worker-1") // nodes_to_execute_on: 1, old nodes only
        .ranBefore("start", "scale_out");
  }

  @Test
  void deleteNodes_runsTheGuardThenScaleInOnTheOthersThenStops(TestLifecycle lc) {
    Cluster created = create(lc);
    lc.events().clear();

    Cluster c = lc.engine().deleteNodes(DeleteNodes.of("demo", "demo-worker-3"));

    assertThat(c.nodes("worker"))
        .extracting(Node::id)
        .containsExactly("demo-worker-1", "demo-worker-2");
    assertThat(lc.resources().resources(created.id())).hasSize(4);
    lc.trace()
        .hasStatePath("RUNNING", "SCALING", "RUNNING")
        .ranOnNodes("destroy", "demo-worker-3") // the guard, before anything stops
        .ranOnNodes("scale_in", "demo-worker-1", "demo-worker-2")
        .ranOnNodes("stop", "demo-worker-3")
        .ranBefore("destroy", "scale_in")
        .ranBefore("scale_in", "stop");
  }

  @Test
  void deleteNodes_belowMinNodes_isRefusedBeforeAnythingRuns(TestLifecycle lc) {
    create(lc);
    int runs = lc.commands().runs().size();

    assertThatThrownBy(
            () -> lc.engine().deleteNodes(DeleteNodes.of("demo", "demo-worker-2", "demo-worker-3")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("min");
    assertThat(lc.commands().runs()).hasSize(runs);
    assertThat(lc.engine().get("demo").nodes("worker")).hasSize(3);
  }

  @Test
  void aFailedStartFailsTheOperation_andRecoverFinishesIt(TestLifecycle lc) {
    create(lc);
    lc.commands().on("start").forNode("demo-worker-4").exit(1).times(1); // fails once

    assertThatThrownBy(() -> lc.engine().addNodes(AddNodes.of("demo", "worker", 2)))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("demo-worker-4");
    assertThat(lc.engine().get("demo").state()).isEqualTo(ClusterState.FAILED_SCALING);

    Cluster c = lc.engine().recover("demo", TIMEOUT);

    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(c.nodes("worker"))
        .hasSize(5)
        .extracting(Node::state)
        .containsOnly(NodeState.RUNNING);
    assertThat(lc.commands().runs("start"))
        .filteredOn(r -> r.nodeId().equals("demo-worker-4"))
        .extracting(CommandRun::exitCode)
        .containsExactly(1, 0);
    lc.trace()
        .hasStatePath(
            "PENDING", "DEPLOYING", "RUNNING", "SCALING", "FAILED_SCALING", "SCALING", "RUNNING")
        .ranOnNodes("scale_out", "demo-worker-1");
  }

  @Test
  void aNodeThatCouldNotBeCreated_isCreatedAgainByRecover(TestLifecycle lc) {
    create(lc);
    lc.resources().failCreate("demo-worker-5", new IllegalStateException("no capacity")).times(1);

    assertThatThrownBy(() -> lc.engine().addNodes(AddNodes.of("demo", "worker", 2)))
        .isInstanceOf(OperationFailedException.class);
    assertThat(lc.engine().get("demo").node("demo-worker-5"))
        .get()
        .extracting(Node::state)
        .isEqualTo(NodeState.FAILED);

    Cluster c = lc.engine().recover("demo", TIMEOUT);

    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(lc.resources().createCount("demo-worker-5")).isEqualTo(2);
    assertThat(lc.resources().resources(c.id())).hasSize(7);
    lc.trace()
        .ranOnNodes(
            "start",
            "demo-master-1",
            "demo-worker-1",
            "demo-worker-2",
            "demo-worker-3",
            "demo-worker-4",
            "demo-worker-5",
            "demo-client-1");
  }
}

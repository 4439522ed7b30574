package io.clusterlifecycle.spi.local;

import static io.clusterlifecycle.spi.local.Fixtures.await;
import static io.clusterlifecycle.spi.local.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.state.NodeAction;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local provider's actions for real (docs/local.md): suspend and resume stop and continue the
 * node's processes, power off and undeploy end them, snapshots copy the node's directory or volume
 * and revert puts them back.
 */
class LocalActionsTest {
  @TempDir Path dir;
  private LocalHome home;
  private ExecutorService pool;
  private LocalResourceProvider provider;
  private final List<Process> started = new ArrayList<>();

  @BeforeEach
  void open() {
    home = LocalHome.open(dir);
    pool = Executors.newFixedThreadPool(4);
    provider = new LocalResourceProvider(home, pool, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    started.forEach(Process::destroyForcibly);
    provider.close();
    pool.shutdownNow();
  }

  /** A process of the node, as a daemon its start command left behind would be. */
  private Process daemon(String clusterId, String nodeId) throws IOException {
    ProcessBuilder pb = new ProcessBuilder("sleep", "300");
    pb.environment().put("LC_CLUSTER_ID", clusterId);
    pb.environment().put("LC_NODE_ID", nodeId);
    Process p = pb.start();
    started.add(p);
    return p;
  }

  private static char state(Process p) {
    return (char) ProcessTree.stat(p.pid()).orElseThrow()[0];
  }

  private NodeResource act(NodeRef ref, NodeAction action, String snapshot) {
    return await(provider.act(ref, action, snapshot));
  }

  @Test
  void everyProviderActionIsSupported() {
    assertThat(provider.actions())
        .containsExactlyInAnyOrder(
            NodeAction.UNDEPLOY,
            NodeAction.UNDEPLOY_HARD,
            NodeAction.SUSPEND,
            NodeAction.RESUME,
            NodeAction.POWEROFF,
            NodeAction.POWEROFF_HARD,
            NodeAction.SNAPSHOT_CREATE,
            NodeAction.SNAPSHOT_REVERT,
            NodeAction.SNAPSHOT_DELETE,
            NodeAction.DISK_SNAPSHOT_CREATE,
            NodeAction.DISK_SNAPSHOT_REVERT,
            NodeAction.DISK_SNAPSHOT_DELETE);
  }

  @Test
  void suspendStopsTheNodesProcesses_resumeContinuesThem_othersAreLeftAlone() throws Exception {
    NodeRef ref = new NodeRef("c1", "demo-db-1");
    await(provider.create(node("c1", "demo-db-1", "db", 0)));
    Process mine = daemon("c1", "demo-db-1");
    Process other = daemon("c1", "demo-db-2");
    Process otherCluster = daemon("c2", "demo-db-1");

    assertThat(act(ref, NodeAction.SUSPEND, "").running()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(mine) == 'T');
    assertThat(state(other)).isNotEqualTo('T');
    assertThat(state(otherCluster)).isNotEqualTo('T');

    assertThat(act(ref, NodeAction.RESUME, "").running()).isTrue();
    await().atMost(Duration.ofSeconds(10)).until(() -> state(mine) != 'T');
  }

  @Test
  void poweroffEndsTheNodesProcesses_hardAtOnce_undeployToo() throws Exception {
    for (NodeAction a :
        List.of(
            NodeAction.POWEROFF,
            NodeAction.POWEROFF_HARD,
            NodeAction.UNDEPLOY,
            NodeAction.UNDEPLOY_HARD)) {
      String id = "demo-db-" + a.ordinal();
      NodeRef ref = new NodeRef("c1", id);
      await(provider.create(node("c1", id, "db", 0)));
      Process mine = daemon("c1", id);
      Process other = daemon("c1", "demo-web-1");

      assertThat(act(ref, a, "").running()).as(a.label()).isFalse();
      // ended when the action completes; this JVM's reaper may record the exit a moment later
      assertThat(ProcessTree.alive(mine.toHandle())).as(a.label()).isFalse();
      assertThat(mine.onExit()).as(a.label()).succeedsWithin(Duration.ofSeconds(10));
      assertThat(other.isAlive()).as(a.label()).isTrue();
      assertThat(act(ref, NodeAction.RESUME, "").running()).isTrue();
    }
  }

  @Test
  void snapshotsCopyTheNodeAndDiskSnapshotsItsVolume_revertPutsThemBack() throws Exception {
    NodeRef ref = new NodeRef("c1", "demo-db-1");
    await(provider.create(node("c1", "demo-db-1", "db", 5)));
    Path nodeDir = home.nodeDirectory("demo-db-1");
    Files.writeString(nodeDir.resolve("conf"), "v1");
    Files.writeString(nodeDir.resolve("volume/data"), "d1");

    act(ref, NodeAction.SNAPSHOT_CREATE, "s1");
    act(ref, NodeAction.DISK_SNAPSHOT_CREATE, "s1");
    Files.writeString(nodeDir.resolve("conf"), "v2");
    Files.writeString(nodeDir.resolve("volume/data"), "d2");
    Files.writeString(nodeDir.resolve("added"), "x");

    act(ref, NodeAction.DISK_SNAPSHOT_REVERT, "s1");
    assertThat(Files.readString(nodeDir.resolve("volume/data"))).isEqualTo("d1");
    assertThat(Files.readString(nodeDir.resolve("conf"))).isEqualTo("v2");

    Files.writeString(nodeDir.resolve("volume/data"), "d3");
    act(ref, NodeAction.SNAPSHOT_REVERT, "s1");
    assertThat(Files.readString(nodeDir.resolve("conf"))).isEqualTo("v1");
    assertThat(Files.readString(nodeDir.resolve("volume/data"))).isEqualTo("d1");
    assertThat(nodeDir.resolve("added")).doesNotExist();
    assertThat(nodeDir.resolve("resource.json")).exists();

    act(ref, NodeAction.SNAPSHOT_DELETE, "s1");
    assertThat(Fixtures.failure(provider.act(ref, NodeAction.SNAPSHOT_REVERT, "s1")))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("no snapshot named s1");
    assertThat(Fixtures.failure(provider.act(ref, NodeAction.DISK_SNAPSHOT_CREATE, "s1")))
        .hasMessageContaining("has a snapshot named s1 already");

    await(provider.delete(ref, false));
    assertThat(home.root().resolve("snapshots/demo-db-1")).doesNotExist();
  }
}

package io.clusterlifecycle.testkit;

import static io.clusterlifecycle.testkit.Fixtures.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class InMemoryClusterStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
  private static final AppSpec SPEC =
      AppSpec.builder("zookeeper", "3.8.4")
          .role("zk", r -> r.count(3).service("start", "zkServer.sh start"))
          .build();

  private final InMemoryClusterStore store = new InMemoryClusterStore();

  private static Cluster cluster(String id, Instant createdAt) {
    return Cluster.builder(id, "demo-" + id, SPEC, createdAt).build();
  }

  private static Operation operation(String id, String clusterId, Instant createdAt) {
    return Operation.builder()
        .id(id)
        .clusterId(clusterId)
        .type(OperationType.CREATE)
        .state(OperationState.PENDING)
        .startedFrom(ClusterState.PENDING)
        .plan(new Plan(clusterId, "demo", OperationType.CREATE, List.of()))
        .createdAt(createdAt)
        .endedAt(Optional.empty())
        .error("")
        .refused(false)
        .warnings(List.of())
        .keptVolumes(List.of())
        .build();
  }

  static Backup backup(String id, String clusterId, Instant createdAt) {
    return Backup.builder()
        .id(id)
        .clusterId(clusterId)
        .clusterName("demo-" + clusterId)
        .namespace("default")
        .spec(SPEC)
        .env(Map.of("tick", "2000"))
        .roleCounts(Map.of("zk", 2))
        .artifacts(
            List.of(
                new Backup.Artifact(
                    "demo-" + clusterId + "-zk-1", "zk", 1, id + "/demo-" + clusterId + "-zk-1"),
                new Backup.Artifact(
                    "demo-" + clusterId + "-zk-2", "zk", 2, id + "/demo-" + clusterId + "-zk-2")))
        .createdAt(createdAt)
        .build();
  }

  @Test
  void put_ofANewRecordAtVersionZero_storesItAtVersionOne_andReadsBackEqual() throws Exception {
    Cluster fresh =
        cluster("c1", T0).toBuilder()
            .putNode(
                Node.builder()
                    .id("demo-c1-zk-1")
                    .role("zk")
                    .index(1)
                    .state(NodeState.PENDING)
                    .address("")
                    .instanceId("")
                    .cpu(1)
                    .memory(1024)
                    .volumeSize(0)
                    .image("")
                    .version("3.8.4")
                    .build())
            .labels(Map.of("env", "test"))
            .build();

    Cluster stored = await(store.put(fresh));

    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored.toBuilder().version(0).build()).isEqualTo(fresh);
    assertThat(await(store.get("c1"))).contains(stored);
    assertThat(await(store.get("nope"))).isEmpty();

    Cluster next = await(store.put(stored.toBuilder().state(ClusterState.DEPLOYING).build()));
    assertThat(next.version()).isEqualTo(2);
    assertThat(next.state()).isEqualTo(ClusterState.DEPLOYING);
    assertThat(store.putCount()).isEqualTo(2);
  }

  @Test
  void put_withAStaleVersion_isAConflict_andChangesNothing() throws Exception {
    Cluster v1 = await(store.put(cluster("c1", T0)));
    Cluster v2 = await(store.put(v1.toBuilder().state(ClusterState.DEPLOYING).build()));

    assertThatThrownBy(
            () -> await(store.put(v1.toBuilder().state(ClusterState.UNDEPLOYING).build())))
        .isInstanceOf(ExecutionException.class)
        .cause()
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 1, found 2");
    assertThat(await(store.get("c1"))).contains(v2);
    assertThat(store.conflictCount()).isEqualTo(1);
  }

  @Test
  void put_ofANewRecordWithAVersion_orOfAnExistingOneAtZero_isAConflict() throws Exception {
    Cluster pretendsToExist = cluster("c1", T0).toBuilder().version(3).build();
    assertThatThrownBy(() -> await(store.put(pretendsToExist)))
        .cause()
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 3, found 0");

    await(store.put(cluster("c1", T0)));
    assertThatThrownBy(() -> await(store.put(cluster("c1", T0))))
        .cause()
        .isInstanceOf(VersionConflictException.class);
    assertThat(store.putCount()).isEqualTo(1);
    assertThat(store.conflictCount()).isEqualTo(2);
  }

  @Test
  void concurrentPuts_fromTheSameVersion_haveExactlyOneWinner() throws Exception {
    int threads = 16;
    int rounds = 40;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      Cluster current = await(store.put(cluster("c1", T0)));
      for (int round = 0; round < rounds; round++) {
        Cluster base = current;
        CyclicBarrier start = new CyclicBarrier(threads);
        List<Future<Optional<Cluster>>> attempts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          String label = "t" + t;
          attempts.add(
              pool.submit(
                  () -> {
                    start.await();
                    try {
                      return Optional.of(
                          await(
                              store.put(base.toBuilder().labels(Map.of("winner", label)).build())));
                    } catch (ExecutionException e) {
                      assertThat(e.getCause()).isInstanceOf(VersionConflictException.class);
                      return Optional.<Cluster>empty();
                    }
                  }));
        }
        List<Cluster> winners = new ArrayList<>();
        for (Future<Optional<Cluster>> a : attempts) {
          a.get(10, TimeUnit.SECONDS).ifPresent(winners::add);
        }
        assertThat(winners).as("round %d", round).hasSize(1);
        current = winners.get(0);
        assertThat(current.version()).isEqualTo(base.version() + 1);
        assertThat(await(store.get("c1"))).contains(current);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(store.putCount()).isEqualTo(1 + rounds);
    assertThat(store.conflictCount()).isEqualTo(rounds * (threads - 1));
  }

  @Test
  void concurrentReadModifyWriteLoops_loseNoUpdate() throws Exception {
    int threads = 8;
    int increments = 100;
    await(store.put(cluster("c1", T0).toBuilder().labels(Map.of("n", "0")).build()));
    Set<Long> versionsWon = ConcurrentHashMap.newKeySet();
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> workers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        workers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < increments; i++) {
                    while (true) {
                      Cluster read = await(store.get("c1")).orElseThrow();
                      int n = Integer.parseInt(read.labels().get("n"));
                      Map<String, String> labels = new HashMap<>(read.labels());
                      labels.put("n", Integer.toString(n + 1));
                      try {
                        Cluster won = await(store.put(read.toBuilder().labels(labels).build()));
                        assertThat(versionsWon.add(won.version())).isTrue();
                        break;
                      } catch (ExecutionException e) {
                        assertThat(e.getCause()).isInstanceOf(VersionConflictException.class);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> w : workers) {
        w.get(15, TimeUnit.SECONDS);
      }
    } finally {
      pool.shutdownNow();
    }
    Cluster last = await(store.get("c1")).orElseThrow();
    assertThat(last.labels()).containsEntry("n", Integer.toString(threads * increments));
    assertThat(last.version()).isEqualTo(1L + threads * increments);
    assertThat(versionsWon).hasSize(threads * increments);
  }

  @Test
  void list_isByCreationTime_thenByFirstWrite() throws Exception {
    await(store.put(cluster("late", T0.plusSeconds(10))));
    await(store.put(cluster("early", T0)));
    await(store.put(cluster("tie-a", T0.plusSeconds(5))));
    await(store.put(cluster("tie-b", T0.plusSeconds(5))));

    assertThat(await(store.list()))
        .extracting(Cluster::id)
        .containsExactly("early", "tie-a", "tie-b", "late");
  }

  @Test
  void operations_areOldestFirst_replacedById_andDeletedWithTheirCluster() throws Exception {
    await(store.put(cluster("c1", T0)));
    await(store.putOperation(operation("op-2", "c1", T0.plusSeconds(2))));
    await(store.putOperation(operation("op-1", "c1", T0.plusSeconds(1))));
    await(store.putOperation(operation("op-x", "c2", T0)));
    Operation running =
        Operation.builder()
            .id("op-1")
            .clusterId("c1")
            .type(OperationType.CREATE)
            .state(OperationState.RUNNING)
            .startedFrom(ClusterState.PENDING)
            .plan(new Plan("c1", "demo", OperationType.CREATE, List.of()))
            .createdAt(T0.plusSeconds(1))
            .endedAt(Optional.empty())
            .error("")
            .refused(false)
            .warnings(List.of())
            .keptVolumes(List.of())
            .build();
    await(store.putOperation(running));

    assertThat(await(store.operations("c1")))
        .extracting(Operation::id)
        .containsExactly("op-1", "op-2");
    assertThat(await(store.getOperation("op-1"))).contains(running);

    await(store.delete("c1"));
    await(store.delete("c1"));

    assertThat(await(store.get("c1"))).isEmpty();
    assertThat(await(store.operations("c1"))).isEmpty();
    assertThat(await(store.getOperation("op-1"))).isEmpty();
    assertThat(await(store.getOperation("op-x"))).isPresent();
    // a purged id starts again at version 0
    assertThat(await(store.put(cluster("c1", T0))).version()).isEqualTo(1);
  }

  @Test
  void failPut_failsBeforeTheVersionCheck_andStoresNothing() throws Exception {
    TransientSpiException down = new TransientSpiException("store briefly unavailable", null);
    Fault fault = store.failPut(c -> c.id().equals("c1"), down).times(1);

    assertThatThrownBy(() -> await(store.put(cluster("c1", T0)))).hasCause(down);
    assertThat(store.cluster("c1")).isEmpty();
    assertThat(await(store.put(cluster("c1", T0))).version()).isEqualTo(1);
    assertThat(fault.hits()).isEqualTo(1);
    assertThat(store.conflictCount()).isZero();
  }

  @Test
  void backups_areReplacedById_listedOldestFirstThenById_perCluster() throws Exception {
    Backup late = backup("b-late", "c1", T0.plusSeconds(20));
    Backup tieB = backup("b-tie-b", "c1", T0.plusSeconds(10));
    Backup tieA = backup("b-tie-a", "c1", T0.plusSeconds(10));
    Backup early = backup("b-early", "c1", T0);
    for (Backup b : List.of(late, tieB, tieA, early, backup("b-other", "c2", T0))) {
      await(store.putBackup(b));
    }
    Backup replaced =
        Backup.builder()
            .id("b-late")
            .clusterId("c1")
            .clusterName("renamed")
            .namespace("team-b")
            .spec(SPEC)
            .env(Map.of())
            .roleCounts(Map.of("zk", 1))
            .artifacts(List.of())
            .createdAt(T0.plusSeconds(30))
            .build();

    await(store.putBackup(replaced));

    assertThat(await(store.getBackup("b-tie-a"))).contains(tieA);
    assertThat(await(store.getBackup("b-late"))).contains(replaced);
    assertThat(await(store.getBackup("b-unknown"))).isEmpty();
    assertThat(await(store.backups("c1"))).containsExactly(early, tieA, tieB, replaced);
    assertThat(await(store.backups("c2"))).extracting(Backup::id).containsExactly("b-other");
    assertThat(await(store.backups("c-none"))).isEmpty();
  }

  @Test
  void backups_outliveTheirCluster() throws Exception {
    await(store.put(cluster("c1", T0)));
    await(store.putOperation(operation("op-1", "c1", T0)));
    Backup b = backup("b-1", "c1", T0.plusSeconds(1));
    await(store.putBackup(b));

    await(store.delete("c1"));

    assertThat(await(store.get("c1"))).isEmpty();
    assertThat(await(store.getBackup("b-1"))).contains(b);
    assertThat(await(store.backups("c1"))).containsExactly(b);
  }

  @Test
  void newClient_sharesRecordsCountersAndFaults_andIsClosedOnItsOwn() throws Exception {
    InMemoryClusterStore other = store.newClient();
    Cluster v1 = await(store.put(cluster("c1", T0)));
    TransientSpiException down = new TransientSpiException("store down", null);
    store.failPut(c -> c.id().equals("c2"), down).times(1);

    assertThatThrownBy(() -> await(other.put(cluster("c1", T0))))
        .hasCauseInstanceOf(VersionConflictException.class);
    assertThatThrownBy(() -> await(other.put(cluster("c2", T0)))).hasCause(down);
    store.close();

    assertThatThrownBy(() -> await(store.get("c1")))
        .hasCauseInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
    assertThat(await(other.get("c1"))).contains(v1);
    assertThat(store.cluster("c1")).contains(v1);
    assertThat(store.putCount()).isEqualTo(1);
    assertThat(other.conflictCount()).isEqualTo(1);
    assertThat(await(store.newClient().list())).containsExactly(v1);
  }
}

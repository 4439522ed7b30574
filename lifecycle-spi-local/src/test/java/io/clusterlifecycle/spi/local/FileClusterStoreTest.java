package io.clusterlifecycle.spi.local;

import static io.clusterlifecycle.spi.local.Fixtures.await;
import static io.clusterlifecycle.spi.local.Fixtures.backup;
import static io.clusterlifecycle.spi.local.Fixtures.cluster;
import static io.clusterlifecycle.spi.local.Fixtures.failure;
import static io.clusterlifecycle.spi.local.Fixtures.operation;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileClusterStoreTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");

  @TempDir Path dir;
  private FileClusterStore store;

  @BeforeEach
  void open() {
    store = new FileClusterStore(LocalHome.open(dir));
  }

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void put_ofANewRecord_storesVersionOne_andReadsBackEqual() {
    Cluster c = cluster("c1", "demo", T0);

    Cluster stored = await(store.put(c));

    assertThat(stored.version()).isEqualTo(1);
    assertThat(stored).isEqualTo(c.toBuilder().version(1).build());
    assertThat(await(store.get("c1"))).contains(stored);
    assertThat(dir.resolve("clusters/c1.json")).exists();
  }

  @Test
  void named_ofAHomeWrittenBeforeTheNameIndex_indexesItOnce_andSkipsStaleMarkers()
      throws IOException {
    Cluster a = await(store.put(cluster("c1", "demo", T0)));
    Cluster b = await(store.put(cluster("c2", "demo", T0.plusSeconds(1))));
    await(store.put(cluster("c3", "other", T0)));
    store.close();
    AtomicFiles.deleteRecursively(dir.resolve("cluster-names"));
    store = new FileClusterStore(LocalHome.open(dir));

    assertThat(await(store.named("demo"))).containsExactly(a, b);
    assertThat(dir.resolve("cluster-names/demo/c1")).exists();
    assertThat(dir.resolve("cluster-names/.complete")).exists();

    // a crash after the marker was made and before the record was written leaves a stale marker
    Files.createFile(dir.resolve("cluster-names/demo/c9"));
    Files.createFile(dir.resolve("cluster-names/other/c1"));
    assertThat(await(store.named("demo"))).containsExactly(a, b);
    assertThat(await(store.named("other"))).extracting(Cluster::id).containsExactly("c3");
  }

  @Test
  void named_encodesNamesThatAreNoPlainFileNames() {
    Cluster dots = await(store.put(cluster("c1", "..", T0)));
    Cluster slash = await(store.put(cluster("c2", "a/b *", T0)));
    Cluster longName = await(store.put(cluster("c3", "n".repeat(300), T0)));

    assertThat(await(store.named(".."))).containsExactly(dots);
    assertThat(await(store.named("a/b *"))).containsExactly(slash);
    assertThat(await(store.named("n".repeat(300)))).containsExactly(longName);
    assertThat(await(store.named("a"))).isEmpty();
  }

  @Test
  void busy_ofAHomeWrittenBeforeTheBusyIndex_marksExactlyTheRecordsNamingAnOperation_once()
      throws IOException {
    Cluster a = await(store.put(running("c1", T0.plusSeconds(1), "op-1")));
    await(store.put(cluster("c2", "idle", T0)));
    Cluster b = await(store.put(running("c3", T0, "op-3")));
    store.close();
    AtomicFiles.deleteRecursively(dir.resolve("cluster-busy"));
    store = new FileClusterStore(LocalHome.open(dir));

    assertThat(await(store.busy())).containsExactly(b, a);
    assertThat(markers("cluster-busy")).containsExactlyInAnyOrder(".complete", "c1", "c3");

    Files.delete(dir.resolve("cluster-busy/c3"));
    store.close();
    store = new FileClusterStore(LocalHome.open(dir));
    assertThat(await(store.busy())).as("indexed once, not again").containsExactly(a);
  }

  @Test
  void busy_skipsStaleMarkers() throws IOException {
    Cluster a = await(store.put(running("c1", T0, "op-1")));
    await(store.put(cluster("c2", "idle", T0)));
    // a crash after the marker was made and before the record was written leaves a stale marker
    Files.createFile(dir.resolve("cluster-busy/c2"));
    Files.createFile(dir.resolve("cluster-busy/c9"));
    Files.createFile(dir.resolve("cluster-busy/not an id"));

    assertThat(await(store.busy())).containsExactly(a);
  }

  @Test
  void busyMarkers_followTheRecords_throughPutsAndDelete() throws IOException {
    Cluster v1 = await(store.put(running("c1", T0, "op-1")));
    Cluster v1b = await(store.put(running("c2", T0, "op-2")));
    assertThat(markers("cluster-busy")).contains("c1", "c2");

    Cluster v2 = await(store.put(v1.toBuilder().operation("").build()));
    await(store.delete(v1b.id()));

    assertThat(markers("cluster-busy")).containsExactly(".complete");
    assertThat(await(store.busy())).isEmpty();
    Cluster v3 = await(store.put(v2.toBuilder().operation("op-3").build()));
    assertThat(await(store.busy())).containsExactly(v3);
  }

  @Test
  void busy_readsOnlyTheRecordsWithAMarker() throws IOException {
    for (int i = 0; i < 50; i++) {
      await(store.put(cluster("idle-" + i, "idle", T0)));
    }
    Cluster running = await(store.put(running("c-run", T0, "op-1")));
    List<String> read = new ArrayList<>();
    ClusterBusyIndex index = new ClusterBusyIndex(dir.resolve("cluster-busy"));

    List<Cluster> found =
        index.records(
            id -> {
              read.add(id);
              return await(store.get(id)).orElse(null);
            });

    assertThat(found).containsExactly(running);
    assertThat(read).containsExactly("c-run");
    // a record naming an operation that the index does not know of is never opened
    Files.writeString(
        dir.resolve("clusters/idle-7.json"),
        Files.readString(dir.resolve("clusters/c-run.json")).replace("c-run", "idle-7"));
    assertThat(await(store.get("idle-7")).orElseThrow().operation()).contains("op-1");
    assertThat(await(store.busy())).containsExactly(running);
  }

  @Test
  void put_fromTheStoredVersion_succeeds_andFromAStaleOne_conflicts() {
    Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
    Cluster v2 = await(store.put(v1.toBuilder().state(ClusterState.STOPPING).build()));

    Throwable stale = failure(store.put(v1.toBuilder().state(ClusterState.UPDATING).build()));
    Throwable again = failure(store.put(cluster("c1", "demo", T0)));

    assertThat(v2.version()).isEqualTo(2);
    assertThat(stale)
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 1")
        .hasMessageContaining("found 2");
    assertThat(again)
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("expected version 0");
    assertThat(await(store.get("c1"))).contains(v2);
  }

  @Test
  void put_ofARecordThatWasNeverStored_withAVersion_conflicts() {
    Cluster ghost = cluster("c1", "demo", T0).toBuilder().version(3).build();

    assertThat(failure(store.put(ghost)))
        .isInstanceOf(VersionConflictException.class)
        .hasMessageContaining("found 0");
    assertThat(await(store.get("c1"))).isEmpty();
  }

  @Test
  void put_concurrentlyFromOneVersion_onTwoStores_letsExactlyOneWin() throws Exception {
    Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
    try (FileClusterStore other = new FileClusterStore(LocalHome.open(dir))) {
      List<CompletableFuture<Cluster>> attempts = new ArrayList<>();
      for (int i = 0; i < 10; i++) {
        FileClusterStore s = i % 2 == 0 ? store : other;
        attempts.add(
            s.put(v1.toBuilder().addHistory("attempt-" + i).build()).toCompletableFuture());
      }
      int won = 0;
      for (CompletableFuture<Cluster> f : attempts) {
        try {
          f.get(10, TimeUnit.SECONDS);
          won++;
        } catch (ExecutionException e) {
          assertThat(e.getCause()).isInstanceOf(VersionConflictException.class);
        }
      }
      assertThat(won).isEqualTo(1);
      assertThat(await(other.get("c1")).orElseThrow().version()).isEqualTo(2);
    }
  }

  @Test
  void put_fromTwoProcesses_neverLosesAnUpdate() throws Exception {
    await(store.put(cluster("c1", "demo", T0)));
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                CasIncrementMain.class.getName(),
                dir.toString(),
                "c1",
                "60")
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("child.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!Files.exists(dir.resolve("child.ready"))) {
      assertThat(child.isAlive()).as("child JVM running, see child.log").isTrue();
      assertThat(System.nanoTime()).as("child JVM ready in 30 s").isLessThan(deadline);
      Thread.onSpinWait();
    }
    Files.writeString(dir.resolve("go"), "");

    CasIncrementMain.increment(store, "c1", 60);

    assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
    assertThat(child.exitValue()).as("child exit code, see child.log").isZero();
    Cluster last = await(store.get("c1")).orElseThrow();
    assertThat(last.version()).isEqualTo(121);
    assertThat(last.history()).hasSize(121);
  }

  @Test
  void twoStoresOnOneHome_seeEachOthersWrites() {
    try (FileClusterStore other = new FileClusterStore(LocalHome.open(dir))) {
      Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
      Operation op = operation("op-1", "c1", T0);
      await(other.putOperation(op));

      assertThat(await(other.get("c1"))).contains(v1);
      assertThat(await(store.getOperation("op-1"))).contains(op);
      Cluster v2 = await(other.put(v1.toBuilder().state(ClusterState.STOPPED).build()));
      assertThat(await(store.get("c1"))).contains(v2);
    }
  }

  @Test
  void operations_roundTripEqual_andAreReplacedById() {
    Operation op = operation("op-1", "c1", T0);

    await(store.putOperation(op));
    Operation ended =
        op.ended(
            OperationState.FAILED,
            T0.plusSeconds(5),
            "boom",
            false,
            List.of("w1", "w2"),
            List.of("/kept/v1"));
    assertThat(await(store.getOperation("op-1"))).contains(op);
    await(store.putOperation(ended));

    assertThat(await(store.getOperation("op-1"))).contains(ended);
    assertThat(await(store.getOperation("op-2"))).isEmpty();
  }

  @Test
  void list_isByCreationTime_andOperationsOldestFirstPerCluster() {
    await(store.put(cluster("c-b", "second", T0.plusSeconds(10))));
    await(store.put(cluster("c-a", "third", T0.plusSeconds(20))));
    await(store.put(cluster("c-c", "first", T0)));
    await(store.putOperation(operation("op-z", "c-a", T0.plusSeconds(1))));
    await(store.putOperation(operation("op-y", "c-a", T0.plusSeconds(2))));
    await(store.putOperation(operation("op-x", "c-a", T0.plusSeconds(3))));
    await(store.putOperation(operation("op-other", "c-b", T0)));

    assertThat(await(store.list()))
        .extracting(Cluster::name)
        .containsExactly("first", "second", "third");
    assertThat(await(store.operations("c-a")))
        .extracting(Operation::id)
        .containsExactly("op-z", "op-y", "op-x");
    assertThat(await(store.operations("c-none"))).isEmpty();
  }

  @Test
  void delete_removesTheClusterAndItsOperationsOnly() throws IOException {
    await(store.put(cluster("c1", "demo", T0)));
    await(store.put(cluster("c2", "other", T0)));
    await(store.putOperation(operation("op-1", "c1", T0)));
    await(store.putOperation(operation("op-2", "c1", T0)));
    await(store.putOperation(operation("op-3", "c2", T0)));

    await(store.delete("c1"));

    assertThat(await(store.get("c1"))).isEmpty();
    assertThat(await(store.operations("c1"))).isEmpty();
    assertThat(await(store.getOperation("op-1"))).isEmpty();
    assertThat(await(store.operations("c2"))).extracting(Operation::id).containsExactly("op-3");
    assertThat(await(store.list())).extracting(Cluster::id).containsExactly("c2");
    await(store.delete("c1"));
    try (Stream<Path> files = Files.list(dir.resolve("clusters"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("c2.json");
    }
  }

  @Test
  void afterPut_noTemporaryFileIsLeft_andTheFileIsOneRecord() throws IOException {
    Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
    await(store.put(v1));

    try (Stream<Path> files = Files.list(dir.resolve("clusters"))) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("c1.json");
    }
    assertThat(Files.readString(dir.resolve("clusters/c1.json")))
        .contains("\"version\":2")
        .endsWith("}\n");
  }

  @Test
  void idsThatAreNotFileNames_areRefused() {
    assertThat(failure(store.get("../etc"))).isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(store.put(cluster("a/b", "demo", T0))))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(failure(store.getOperation(".hidden"))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aCorruptRecord_failsItsRead_withTheFileName() throws IOException {
    Files.writeString(dir.resolve("clusters/c1.json"), "{\"id\":");

    assertThat(failure(store.get("c1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("c1.json");
  }

  // ----------------------------------------------------------------------------- backups

  @Test
  void backups_roundTripEqual_areReplacedById_andListedOldestFirstThenById() {
    Backup late = backup("b-late", "c1", "demo", T0.plusSeconds(20));
    Backup tieB = backup("b-tie-b", "c1", "demo", T0.plusSeconds(10));
    Backup tieA = backup("b-tie-a", "c1", "demo", T0.plusSeconds(10));
    Backup early = backup("b-early", "c1", "demo", T0);
    for (Backup b : List.of(late, tieB, tieA, early, backup("b-other", "c2", "other", T0))) {
      await(store.putBackup(b));
    }
    Backup replaced =
        Backup.builder()
            .id("b-late")
            .clusterId("c1")
            .clusterName("demo")
            .namespace("team-b")
            .spec(Fixtures.spec())
            .env(Map.of())
            .roleCounts(Map.of("zk", 1))
            .artifacts(List.of())
            .createdAt(T0.plusSeconds(30))
            .build();

    await(store.putBackup(replaced));

    assertThat(await(store.getBackup("b-tie-a"))).contains(tieA);
    assertThat(await(store.getBackup("b-tie-a")).orElseThrow().spec()).isEqualTo(Fixtures.spec());
    assertThat(await(store.getBackup("b-late"))).contains(replaced);
    assertThat(await(store.getBackup("b-unknown"))).isEmpty();
    assertThat(await(store.backups("c1"))).containsExactly(early, tieA, tieB, replaced);
    assertThat(await(store.backups("c2"))).extracting(Backup::id).containsExactly("b-other");
    assertThat(await(store.backups("c-none"))).isEmpty();
    assertThat(dir.resolve("backup-records/b-late.json")).exists();
  }

  @Test
  void backups_surviveTheDeleteOfTheirCluster() {
    await(store.put(cluster("c1", "demo", T0)));
    await(store.putOperation(operation("op-1", "c1", T0)));
    Backup b = backup("b-1", "c1", "demo", T0.plusSeconds(1));
    await(store.putBackup(b));

    await(store.delete("c1"));

    assertThat(await(store.get("c1"))).isEmpty();
    assertThat(await(store.getBackup("b-1"))).contains(b);
    assertThat(await(store.backups("c1"))).containsExactly(b);
  }

  @Test
  void backups_surviveReopeningTheStore() {
    Backup first = backup("b-1", "c1", "demo", T0);
    Backup second = backup("b-2", "c1", "demo", T0.plusSeconds(1));
    await(store.putBackup(second));
    await(store.putBackup(first));
    store.close();

    try (FileClusterStore again = new FileClusterStore(LocalHome.open(dir))) {
      assertThat(await(again.getBackup("b-2"))).contains(second);
      assertThat(await(again.backups("c1"))).containsExactly(first, second);
    }
  }

  @Test
  void backupIdsThatAreNotFileNames_areRefused() {
    assertThat(failure(store.putBackup(backup("../b", "c1", "demo", T0))))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("backup id");
    assertThat(failure(store.getBackup("a/b"))).isInstanceOf(IllegalArgumentException.class);
  }

  private static Cluster running(String id, Instant createdAt, String operation) {
    return cluster(id, "demo", createdAt).toBuilder().operation(operation).build();
  }

  private List<String> markers(String index) throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve(index))) {
      return files.map(p -> p.getFileName().toString()).toList();
    }
  }
}

package io.clusterlifecycle.testkit.compat;

import static io.clusterlifecycle.testkit.compat.KitRecords.T0;
import static io.clusterlifecycle.testkit.compat.KitRecords.cluster;
import static io.clusterlifecycle.testkit.compat.KitRecords.entry;
import static io.clusterlifecycle.testkit.compat.KitRecords.operation;
import static io.clusterlifecycle.testkit.compat.Stages.await;
import static io.clusterlifecycle.testkit.compat.Stages.failure;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.JournalEntry.Status;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.api.state.OperationState;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The kit's checks of {@link ClusterStore#write(StoreBatch)}: a batch is stored whole, a batch
 * whose cluster conflicts stores nothing, and of batches racing from one version on two clients
 * exactly one is stored. Part of {@link ClusterStoreCompatibilityKit}; extend that class.
 */
public abstract class StoreBatchChecks extends EventLogChecks {
  private static final String ATOMIC =
      "ClusterStore.write must apply a batch whole or not at all: when its cluster's stored"
          + " version differs, it fails with VersionConflictException and stores none of the"
          + " batch's operations and journal entries";

  /** Creates the checks; extend {@link ClusterStoreCompatibilityKit} instead. */
  StoreBatchChecks() {}

  @Test
  void write_storesTheCluster_itsOperations_andTheJournal_together() throws Exception {
    ClusterStore store = open();
    Cluster c = cluster("c1", "demo", T0);
    Operation first = operation("op-1", "c1", T0);
    Operation second = operation("op-2", "c1", T0.plusSeconds(1));
    List<JournalEntry> journal =
        List.of(
            entry("op-1", "s1", Status.STARTED, T0),
            entry("op-1", "s1", Status.SUCCEEDED, T0.plusMillis(5)),
            entry("op-2", "s1", Status.STARTED, T0.plusMillis(7)));

    Optional<Cluster> stored =
        await(
            "write(cluster, operations, journal)",
            store.write(new StoreBatch(Optional.of(c), List.of(first, second), journal)));

    assertThat(stored)
        .as(CAS + "; ClusterStore.write returns the cluster as stored")
        .contains(c.withVersion(1));
    ClusterStore other = openAgain();
    for (ClusterStore via : List.of(store, other)) {
      assertThat(await("get", via.get("c1"))).as(ROUND_TRIP).contains(c.withVersion(1));
      assertThat(await("getOperation", via.getOperation("op-1"))).as(ROUND_TRIP).contains(first);
      assertThat(await("getOperation", via.getOperation("op-2"))).as(ROUND_TRIP).contains(second);
      assertThat(await("journal", via.journal("op-1")))
          .as("ClusterStore.write appends the batch's journal entries in order")
          .containsExactly(journal.get(0), journal.get(1));
      assertThat(await("journal", via.journal("op-2"))).containsExactly(journal.get(2));
    }
  }

  @Test
  void write_withoutACluster_storesTheOperations_andTheJournal() throws Exception {
    ClusterStore store = open();
    Operation op = operation("op-1", "c1", T0);
    Operation ended = op.toBuilder().state(OperationState.RUNNING).build();
    await("putOperation", store.putOperation(op));
    JournalEntry e = entry("op-1", "s1", Status.STARTED, T0);

    Optional<Cluster> stored =
        await(
            "write(operation, journal)",
            store.write(new StoreBatch(Optional.empty(), List.of(ended), List.of(e))));

    assertThat(stored).as("ClusterStore.write of a batch without a cluster").isEmpty();
    assertThat(await("getOperation", store.getOperation("op-1")))
        .as("ClusterStore.write replaces an operation by id")
        .contains(ended);
    assertThat(await("journal", store.journal("op-1"))).containsExactly(e);
    assertThat(await("list", store.list())).isEmpty();
    assertThat(
            await(
                "write(empty batch)",
                store.write(new StoreBatch(Optional.empty(), List.of(), List.of()))))
        .isEmpty();
  }

  @Test
  void write_withAStaleCluster_conflicts_andStoresNothingOfTheBatch() throws Exception {
    ClusterStore store = open();
    Cluster v1 = await("put", store.put(cluster("c1", "demo", T0)));
    Cluster v2 = await("put", store.put(v1.toBuilder().addHistory("op-0").build()));
    Operation op = operation("op-9", "c1", T0);

    Throwable conflict =
        failure(
            "write(stale cluster, operation, journal)",
            () ->
                store.write(
                    new StoreBatch(
                        Optional.of(v1.toBuilder().addHistory("op-9").build()),
                        List.of(op),
                        List.of(entry("op-9", "s1", Status.STARTED, T0)))));

    assertThat(conflict).as(ATOMIC).isInstanceOf(VersionConflictException.class);
    ClusterStore other = openAgain();
    for (ClusterStore via : List.of(store, other)) {
      assertThat(await("get", via.get("c1"))).as(ATOMIC).contains(v2);
      assertThat(await("getOperation", via.getOperation("op-9"))).as(ATOMIC).isEmpty();
      assertThat(await("journal", via.journal("op-9"))).as(ATOMIC).isEmpty();
      assertThat(await("operations", via.operations("c1"))).as(ATOMIC).isEmpty();
    }
    assertThat(
            failure(
                "write(new cluster that exists)",
                () -> store.write(StoreBatch.of(cluster("c1", "demo", T0), op))))
        .as(ATOMIC + " (a new record, version 0, over a stored one)")
        .isInstanceOf(VersionConflictException.class);
    assertThat(await("getOperation", store.getOperation("op-9"))).as(ATOMIC).isEmpty();
  }

  @Test
  void concurrentWrites_fromOneVersionOnTwoClients_storeExactlyOneBatch() throws Exception {
    ClusterStore store = open();
    ClusterStore other = openAgain();
    Cluster base = await("put", store.put(cluster("c1", "demo", T0)));
    int threads = 16;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    List<Future<Optional<Integer>>> results = new ArrayList<>();
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      for (int t = 0; t < threads; t++) {
        ClusterStore via = t % 2 == 0 ? store : other;
        int mine = t;
        StoreBatch batch =
            new StoreBatch(
                Optional.of(base.toBuilder().addHistory("op-" + t).build()),
                List.of(operation("op-" + t, "c1", T0)),
                List.of(entry("op-" + t, "s1", Status.STARTED, T0)));
        results.add(
            pool.submit(
                () -> {
                  start.await(Stages.WAIT_SECONDS, TimeUnit.SECONDS);
                  Stages.Outcome<Optional<Cluster>> r =
                      Stages.outcome("write", () -> via.write(batch));
                  if (r.error() == null) {
                    return Optional.of(mine);
                  }
                  assertThat(r.error()).as(ATOMIC).isInstanceOf(VersionConflictException.class);
                  return Optional.<Integer>empty();
                }));
      }
      List<Integer> winners = new ArrayList<>();
      for (Future<Optional<Integer>> f : results) {
        try {
          f.get(2 * Stages.WAIT_SECONDS, TimeUnit.SECONDS).ifPresent(winners::add);
        } catch (ExecutionException e) {
          throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
        }
      }
      assertThat(winners)
          .as(CAS + ": %d batches from one version on two clients must have one winner", threads)
          .hasSize(1);
      int w = winners.get(0);
      assertThat(await("get", other.get("c1")).orElseThrow().history())
          .as(CAS)
          .containsExactly(base.history().get(0), "op-" + w);
      assertThat(await("operations", store.operations("c1")))
          .as(ATOMIC + ": only the winner's operation is stored")
          .extracting(Operation::id)
          .containsExactly("op-" + w);
      for (int t = 0; t < threads; t++) {
        assertThat(await("journal", other.journal("op-" + t)))
            .as(ATOMIC + ": only the winner's journal entries are stored")
            .hasSize(t == w ? 1 : 0);
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void write_ofNull_failsTheStage_insteadOfThrowing() throws Exception {
    ClusterStore store = open();
    assertThat(failure("write(null)", () -> store.write(null)))
        .as("ClusterStore.write(null) must fail its stage, not throw")
        .isNotNull();
    assertThat(await("list", store.list())).isEmpty();
  }
}

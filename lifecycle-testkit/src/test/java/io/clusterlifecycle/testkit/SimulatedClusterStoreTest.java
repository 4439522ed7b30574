package io.clusterlifecycle.testkit;

import static io.clusterlifecycle.testkit.Fixtures.await;
import static io.clusterlifecycle.testkit.InMemoryClusterStoreTest.backup;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.api.Test;

/** The backup methods of a {@link Simulator}-wrapped {@link ClusterStore}. */
class SimulatedClusterStoreTest {
  private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private final InMemoryClusterStore delegate = new InMemoryClusterStore();
  private final Simulator sim = Simulator.builder().build();
  private final ClusterStore store = sim.wrap(delegate);

  @Test
  void backupMethods_reachTheWrappedStore_andAreCountedPerMethod() throws Exception {
    Backup older = backup("b-1", "c1", T0);
    Backup newer = backup("b-2", "c1", T0.plusSeconds(1));

    await(store.putBackup(newer));
    await(store.putBackup(older));

    assertThat(await(delegate.getBackup("b-1"))).contains(older);
    assertThat(await(store.getBackup("b-2"))).contains(newer);
    assertThat(await(store.getBackup("b-3"))).isEmpty();
    assertThat(await(store.backups("c1"))).containsExactly(older, newer);
    assertThat(sim.calls(SpiMethod.STORE_PUT_BACKUP)).isEqualTo(2);
    assertThat(sim.calls(SpiMethod.STORE_GET_BACKUP)).isEqualTo(2);
    assertThat(sim.calls(SpiMethod.STORE_BACKUPS)).isEqualTo(1);
  }

  @Test
  void anInjectedFailureOfPutBackup_neverReachesTheWrappedStore() throws Exception {
    TransientSpiException hiccup = new TransientSpiException("simulated store hiccup", null);
    sim.failNext(SpiMethod.STORE_PUT_BACKUP, hiccup);

    CompletableFuture<Void> failed = store.putBackup(backup("b-1", "c1", T0)).toCompletableFuture();

    assertThatThrownBy(failed::join).isInstanceOf(CompletionException.class).hasCause(hiccup);
    assertThat(await(delegate.getBackup("b-1"))).isEmpty();
    assertThat(sim.count(FaultKind.TRANSIENT)).isOne();
    await(store.putBackup(backup("b-1", "c1", T0)));
    assertThat(await(delegate.getBackup("b-1"))).isPresent();
  }

  @Test
  void transientFailuresOfEveryStoreMethod_includeTheBackupReads() {
    sim.transientFailures(SpiMethod.of(SpiMethod.Spi.CLUSTER_STORE), 1.0);

    assertThatThrownBy(() -> store.getBackup("b-1").toCompletableFuture().join())
        .hasCauseInstanceOf(TransientSpiException.class)
        .hasMessageContaining("STORE_GET_BACKUP");
    assertThatThrownBy(() -> store.backups("c1").toCompletableFuture().join())
        .hasCauseInstanceOf(TransientSpiException.class)
        .hasMessageContaining("STORE_BACKUPS");
  }

  @Test
  void onlyPutBackup_countsAsAWrite() {
    assertThat(SpiMethod.of(SpiMethod.Spi.CLUSTER_STORE))
        .contains(SpiMethod.STORE_PUT_BACKUP, SpiMethod.STORE_GET_BACKUP, SpiMethod.STORE_BACKUPS);
    assertThat(SpiMethod.STORE_PUT_BACKUP.writes()).isTrue();
    assertThat(SpiMethod.STORE_GET_BACKUP.writes()).isFalse();
    assertThat(SpiMethod.STORE_BACKUPS.writes()).isFalse();
  }
}

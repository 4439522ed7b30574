package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.VersionConflictException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link K8sClusterStore} uses ConfigMaps and Leases, beyond the SPI contract. */
class K8sClusterStoreTest {
  private static final Instant NOW = Instant.parse("2026-12-02T10:00:00Z");

  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private K8sClusterStore store;
  private String name;

  @BeforeAll
  static void start() {
    k8s = MockKubernetes.start(pods);
  }

  @AfterAll
  static void stop() {
    k8s.close();
  }

  @BeforeEach
  void open() {
    name = "s-" + UUID.randomUUID().toString().substring(0, 8);
    store =
        K8sClusterStore.builder()
            .client(k8s.client())
            .namespace("test")
            .store(name)
            .maxBytes(16 * 1024)
            .clock(Clock.fixed(NOW, ZoneOffset.UTC))
            .build();
  }

  @AfterEach
  void close() {
    k8s.faults().clear();
    store.close();
  }

  @Test
  void theOperationLease_isMirroredIntoACoordinationLease_andRemovedWithIt() {
    Cluster stored = join(store.put(cluster("c1")));
    Lease lease = new Lease("host-a/42/abcdef", "host-a", 42, NOW.plusSeconds(30));

    Cluster owned = join(store.put(stored.toBuilder().lease(Optional.of(lease)).build()));

    var k8sLease =
        k8s.client().leases().inNamespace("test").withName("lc-lease." + name + ".c1").get();
    assertThat(k8sLease.getSpec().getHolderIdentity()).isEqualTo("host-a/42/abcdef");
    assertThat(k8sLease.getSpec().getLeaseDurationSeconds()).isEqualTo(30);
    assertThat(k8sLease.getSpec().getRenewTime().toInstant()).isEqualTo(NOW);

    join(store.put(owned.toBuilder().lease(Optional.empty()).build()));

    assertThat(k8s.client().leases().inNamespace("test").withName("lc-lease." + name + ".c1").get())
        .isNull();
  }

  @Test
  void aWriteTheApiServerRefusesWith409_isAVersionConflict() {
    Cluster stored = join(store.put(cluster("c1")));
    k8s.faults()
        .fail(
            "PUT",
            "/configmaps/lc-cluster." + name + ".c1",
            409,
            "the object has been modified",
            1);

    Throwable refused = failure(store.put(stored));

    assertThat(refused).isInstanceOf(VersionConflictException.class);
    assertThat(join(store.get("c1"))).contains(stored);
  }

  @Test
  void aRecordPastTheLimit_isRefused_andNothingIsWritten() {
    Cluster big = cluster("c1").toBuilder().labels(Map.of("note", "x".repeat(20 * 1024))).build();

    Throwable refused = failure(store.put(big));

    assertThat(refused).isInstanceOf(K8sObjectTooLargeException.class);
    assertThat(join(store.get("c1"))).isEmpty();
  }

  private static Cluster cluster(String id) {
    AppSpec spec = AppSpec.builder("app", "1").role("db", r -> r.count(1)).build();
    return Cluster.builder(id, "demo", spec, NOW).build();
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the stage failed: " + e, e);
    }
  }

  private static Throwable failure(CompletionStage<?> stage) {
    Throwable t = catchThrowable(() -> stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertThat(t).as("the stage must fail").isNotNull();
    return K8sCalls.unwrap(t);
  }
}

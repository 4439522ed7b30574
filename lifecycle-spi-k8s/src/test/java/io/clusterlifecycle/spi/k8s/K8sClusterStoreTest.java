package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.codec.RecordCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
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
  private static final String NAME_LABEL = "lifecycle.clusterlifecycle.io/cluster-name-hash";
  private static final String BUSY_LABEL = "lifecycle.clusterlifecycle.io/busy";

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

  @Test
  void named_findsTheRecordsAnOlderReleaseWroteWithoutTheNameLabel_andLabelsThem() {
    Cluster old = writtenByAnOlderRelease(cluster("c1"));
    writtenByAnOlderRelease(cluster("c2", "other"));

    assertThat(join(store.named("demo"))).containsExactly(old);

    assertThat(configMap("c1").getMetadata().getLabels())
        .containsEntry(NAME_LABEL, Names.hashLabel("demo"));
    assertThat(configMap("c2").getMetadata().getLabels())
        .containsEntry(NAME_LABEL, Names.hashLabel("other"));
    Cluster next = join(store.put(old.toBuilder().labels(Map.of("tier", "gold")).build()));
    assertThat(next.version()).isEqualTo(2);
    assertThat(failure(store.put(old))).isInstanceOf(VersionConflictException.class);
    assertThat(join(store.named("demo"))).containsExactly(next);
  }

  @Test
  void named_listsOnlyTheConfigMapsLabelledWithTheNamesHash() {
    join(store.put(cluster("c1")));
    join(store.named("demo"));
    int before = k8s.requests().size();

    join(store.named("demo"));

    assertThat(k8s.requests().subList(before, k8s.requests().size()))
        .filteredOn(r -> r.getPath().contains("/configmaps"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(URLDecoder.decode(r.getPath(), StandardCharsets.UTF_8))
                    .contains("labelSelector=")
                    .contains(NAME_LABEL + "=" + Names.hashLabel("demo")));
  }

  @Test
  void aPutRefusedWith409_afterAWriteThatLeftAnUnlabelledRecordAsItWas_isWrittenAgain() {
    Cluster old = writtenByAnOlderRelease(cluster("c1"));
    k8s.faults().fail("PUT", "/configmaps/lc-cluster." + name + ".c1", 409, "modified", 1);

    Cluster next = join(store.put(old));

    assertThat(k8s.faults().answered()).isEqualTo(1);
    assertThat(next.version()).isEqualTo(2);
    assertThat(join(store.get("c1"))).contains(next);
    assertThat(configMap("c1").getMetadata().getLabels())
        .containsEntry(NAME_LABEL, Names.hashLabel("demo"));
  }

  @Test
  void busy_listsOnlyTheConfigMapsLabelledBusy_andPutKeepsTheLabelMatchingTheRecord() {
    join(store.put(cluster("c1")));
    Cluster busy = join(store.put(cluster("c2").toBuilder().operation("op-2").build()));
    join(store.busy());
    int before = k8s.requests().size();

    assertThat(join(store.busy())).containsExactly(busy);

    assertThat(k8s.requests().subList(before, k8s.requests().size()))
        .filteredOn(r -> r.getPath().contains("/configmaps"))
        .singleElement()
        .satisfies(
            r ->
                assertThat(URLDecoder.decode(r.getPath(), StandardCharsets.UTF_8))
                    .contains("labelSelector=")
                    .contains(BUSY_LABEL + "=true"));
    assertThat(configMap("c1").getMetadata().getLabels()).containsEntry(BUSY_LABEL, "false");
    assertThat(configMap("c2").getMetadata().getLabels()).containsEntry(BUSY_LABEL, "true");
    join(store.put(busy.toBuilder().operation("").build()));
    assertThat(configMap("c2").getMetadata().getLabels()).containsEntry(BUSY_LABEL, "false");
    assertThat(join(store.busy())).isEmpty();
  }

  @Test
  void busy_findsTheRecordsAnOlderReleaseWroteWithoutTheBusyLabel_andLabelsThem() {
    Cluster old = writtenByAnOlderRelease(cluster("c1").toBuilder().operation("op-1").build());
    writtenByAnOlderRelease(cluster("c2"));
    Cluster named =
        writtenByAnOlderRelease(
            cluster("c3").toBuilder().operation("op-3").build(),
            Map.of(NAME_LABEL, Names.hashLabel("demo")));

    assertThat(join(store.busy())).containsExactly(old, named);

    assertThat(configMap("c1").getMetadata().getLabels()).containsEntry(BUSY_LABEL, "true");
    assertThat(configMap("c2").getMetadata().getLabels()).containsEntry(BUSY_LABEL, "false");
    assertThat(configMap("c3").getMetadata().getLabels())
        .containsEntry(BUSY_LABEL, "true")
        .containsEntry(NAME_LABEL, Names.hashLabel("demo"));
    assertThat(configMap("c1").getMetadata().getLabels()).doesNotContainKey(NAME_LABEL);
    Cluster next = join(store.put(old.toBuilder().operation("").build()));
    assertThat(next.version()).isEqualTo(2);
    assertThat(failure(store.put(old))).isInstanceOf(VersionConflictException.class);
    assertThat(join(store.busy())).containsExactly(named);
  }

  @Test
  void theBackfill_labelsARecordWrittenSinceItsList_readingItAgain() {
    Cluster old = writtenByAnOlderRelease(cluster("c1").toBuilder().operation("op-1").build());
    k8s.faults().fail("PUT", "/configmaps/lc-cluster." + name + ".c1", 409, "modified", 1);

    assertThat(join(store.busy())).containsExactly(old);

    assertThat(k8s.faults().answered()).isEqualTo(1);
    assertThat(configMap("c1").getMetadata().getLabels()).containsEntry(BUSY_LABEL, "true");
  }

  @Test
  void aPutRefusedWith409_afterTheNameAndBusyLabelsWereAddedInTurn_isWrittenAgain() {
    Cluster old = writtenByAnOlderRelease(cluster("c1"));
    k8s.faults().fail("PUT", "/configmaps/lc-cluster." + name + ".c1", 409, "modified", 2);

    Cluster next = join(store.put(old));

    assertThat(k8s.faults().answered()).isEqualTo(2);
    assertThat(next.version()).isEqualTo(2);
    assertThat(configMap("c1").getMetadata().getLabels())
        .containsEntry(NAME_LABEL, Names.hashLabel("demo"))
        .containsEntry(BUSY_LABEL, "false");
  }

  /** Writes a record's ConfigMap as releases before the name label did; returns it as stored. */
  private Cluster writtenByAnOlderRelease(Cluster cluster) {
    return writtenByAnOlderRelease(cluster, Map.of());
  }

  /** Writes a record's ConfigMap with the labels of every release and {@code more}. */
  private Cluster writtenByAnOlderRelease(Cluster cluster, Map<String, String> more) {
    Cluster stored = cluster.withVersion(1);
    ConfigMap cm =
        new ConfigMapBuilder()
            .withNewMetadata()
            .withName(ConfigMapDocs.name("cluster", name, cluster.id()))
            .withNamespace("test")
            .addToLabels(K8sLabels.MANAGED_BY, K8sLabels.MANAGER)
            .addToLabels(K8sLabels.KIND, "cluster")
            .addToLabels("lifecycle.clusterlifecycle.io/store", name)
            .addToLabels(NodeSpec.TAG_CLUSTER, cluster.id())
            .addToLabels(more)
            .endMetadata()
            .withData(Map.of(ConfigMapDocs.KEY, RecordCodec.write(stored)))
            .build();
    k8s.client().configMaps().inNamespace("test").resource(cm).create();
    return RecordCodec.read(RecordCodec.write(stored), Cluster.class);
  }

  private ConfigMap configMap(String clusterId) {
    return k8s.client()
        .configMaps()
        .inNamespace("test")
        .withName(ConfigMapDocs.name("cluster", name, clusterId))
        .get();
  }

  private static Cluster cluster(String id) {
    return cluster(id, "demo");
  }

  private static Cluster cluster(String id, String clusterName) {
    AppSpec spec = AppSpec.builder("app", "1").role("db", r -> r.count(1)).build();
    return Cluster.builder(id, clusterName, spec, NOW).build();
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

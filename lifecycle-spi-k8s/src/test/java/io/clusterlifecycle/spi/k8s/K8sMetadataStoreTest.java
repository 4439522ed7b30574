package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How {@link K8sMetadataStore} maps trees to ConfigMaps, beyond the SPI contract. */
class K8sMetadataStoreTest {
  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private K8sMetadataStore store;
  private K8sMetadataStore other;
  private String cluster;
  private String tree;

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
    store = newStore(64 * 1024);
    other = K8sMetadataStore.builder().client(k8s.newClient()).namespace("test").build();
    cluster = "m-" + UUID.randomUUID().toString().substring(0, 8);
    tree = "/clusters/" + cluster;
  }

  @AfterEach
  void close() {
    k8s.faults().clear();
    store.close();
    other.close();
  }

  @Test
  void aTree_isOneConfigMap_namedAfterTheCluster() {
    join(store.commit(puts(tree + "/hosts/db/n1/ip", "10.0.0.1")));

    ConfigMap cm =
        k8s.client().configMaps().inNamespace("test").withName("lc-metadata." + cluster).get();

    assertThat(cm.getData().get("tree.json"))
        .isEqualTo("{\"" + tree + "/hosts/db/n1/ip\":\"10.0.0.1\"}");
    assertThat(cm.getMetadata().getLabels()).containsEntry(K8sLabels.KIND, "metadata");
  }

  @Test
  void aTreePastTheLimit_isRefusedWhole_andNothingIsWritten() {
    join(store.commit(puts(tree + "/small", "kept")));

    Throwable refused = failure(store.commit(puts(tree + "/big", "x".repeat(70 * 1024))));

    assertThat(refused)
        .isInstanceOfSatisfying(
            K8sObjectTooLargeException.class, e -> assertThat(e.limit()).isEqualTo(64 * 1024))
        .hasMessageContaining("nothing was written");
    assertThat(join(store.get(tree))).isEqualTo(Map.of(tree + "/small", "kept"));
  }

  @Test
  void aCommitSpanningTwoTrees_orOutsideTheRoot_isRefused() {
    Throwable two =
        catchThrowable(
            () -> store.commit(puts(tree + "/a", "1", "/clusters/other-cluster/a", "2")));
    Throwable outside = catchThrowable(() -> store.commit(puts("/elsewhere/a", "1")));

    assertThat(two).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("one tree");
    assertThat(outside)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("/clusters/<cluster-id>");
  }

  @Test
  void racingCommitsFromTwoStores_areAllApplied_throughResourceVersionConflicts() {
    List<CompletableFuture<Void>> commits = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      K8sMetadataStore s = i % 2 == 0 ? store : other;
      commits.add(s.commit(puts(tree + "/k" + i, "v" + i)).toCompletableFuture());
    }
    commits.forEach(K8sMetadataStoreTest::join);

    assertThat(join(store.get(tree))).hasSize(20).containsEntry(tree + "/k19", "v19");
  }

  @Test
  void aConflictAnsweredByTheServer_isRetried() {
    join(store.commit(puts(tree + "/a", "1")));
    k8s.faults()
        .fail("PUT", "/configmaps/lc-metadata." + cluster, 409, "the object has been modified", 2);

    join(store.commit(puts(tree + "/b", "2")));

    assertThat(k8s.faults().answered()).isEqualTo(2);
    assertThat(join(store.get(tree)))
        .containsEntry(tree + "/a", "1")
        .containsEntry(tree + "/b", "2");
  }

  @Test
  void anEmptiedTree_isDeleted() {
    join(store.commit(puts(tree + "/a", "1")));

    join(store.commit(new MetadataChange(Map.of(), List.of(tree))));

    assertThat(
            k8s.client().configMaps().inNamespace("test").withName("lc-metadata." + cluster).get())
        .isNull();
    assertThat(join(store.get(tree))).isEmpty();
  }

  private static K8sMetadataStore newStore(long maxBytes) {
    return K8sMetadataStore.builder()
        .client(k8s.client())
        .namespace("test")
        .maxBytes(maxBytes)
        .build();
  }

  private static MetadataChange puts(String... kv) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return new MetadataChange(m, List.of());
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

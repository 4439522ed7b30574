package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
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

/**
 * Waits for pods end even when the pod watch misses what happens: a watch that stays open and
 * delivers nothing ({@link ExpiringWatches} holds it), and an informer that fabric8 stopped for
 * good. Without the provider's recheck, each wait here would last its ready timeout (2 min).
 */
class K8sPodWatchRestartTest {
  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private K8sResourceProvider provider;
  private String cluster;

  @BeforeAll
  static void start() {
    k8s = MockKubernetes.start(pods);
  }

  @AfterAll
  static void stop() {
    k8s.close();
  }

  @BeforeEach
  void name() {
    cluster = "r-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() {
    k8s.watches().holdNext(0);
    k8s.watches().closeAll();
    provider.close();
  }

  private K8sResourceProvider open(KubernetesClient c) {
    return K8sResourceProvider.builder()
        .client(c)
        .namespace(MockKubernetes.NAMESPACE)
        .readyTimeout(Duration.ofMinutes(2))
        .podRecheck(Duration.ofSeconds(1))
        .deleteGracePeriod(Duration.ZERO)
        .build();
  }

  @Test
  void aPodWatchThatDeliversNothing_stillEndsTheWaits_throughTheRecheck() throws Exception {
    k8s.watches().holdNext("pods", 1);
    provider = open(k8s.client());
    await().atMost(WAIT).until(() -> k8s.watches().held() == 1);
    NodeSpec spec = Nodes.spec(cluster, "web", 1, 0);

    NodeResource created = join(provider.create(spec));
    Optional<String> deleted = join(provider.delete(spec.ref(), false));

    assertThat(created.running()).isTrue();
    assertThat(deleted).isEmpty();
    assertThat(
            k8s.client()
                .pods()
                .inNamespace(MockKubernetes.NAMESPACE)
                .withName(spec.ref().nodeId())
                .get())
        .isNull();
    assertThat(k8s.watches().held()).as("the watch delivered nothing all along").isEqualTo(1);
  }

  @Test
  void aPodInformerFabric8Stopped_isStartedAgain_andTheWaitsEnd() throws Exception {
    long watchesBefore = podWatches();
    k8s.watches().holdNext("pods", 1);
    provider = open(k8s.client());
    await().atMost(WAIT).until(() -> k8s.watches().held() == 1);
    k8s.watches().breakAll();
    NodeSpec spec = Nodes.spec(cluster, "web", 1, 0);

    NodeResource created = join(provider.create(spec));

    assertThat(created.running()).isTrue();
    // fabric8 does not watch again; a new informer does, after its listing
    await().atMost(WAIT).until(() -> podWatches() - watchesBefore == 2);
  }

  private static long podWatches() {
    return k8s.requests().stream()
        .map(r -> r.getPath())
        .filter(p -> p.contains("/pods?") && p.contains("watch=true") && p.contains("managed-by"))
        .count();
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the stage did not complete: " + e, e);
    }
  }
}

package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * The address {@link K8sResourceProvider} reports for a node ({@link K8sAddresses}): by default the
 * pod's IP, which the {@link TestKubelet} hands out anew for every pod it starts, so a recreated
 * pod moves; with {@link K8sAddresses#DNS_NAME}, the stable DNS name.
 */
class K8sAddressesTest {
  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private final List<K8sResourceProvider> providers = new ArrayList<>();
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
  void newCluster() {
    cluster = "a-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() {
    providers.forEach(K8sResourceProvider::close);
  }

  private K8sResourceProvider provider(K8sPodSettings settings) {
    K8sResourceProvider p =
        K8sResourceProvider.builder()
            .client(k8s.client())
            .namespace(MockKubernetes.NAMESPACE)
            .readyTimeout(Duration.ofSeconds(30))
            .deleteGracePeriod(Duration.ZERO)
            .pods(settings)
            .build();
    providers.add(p);
    return p;
  }

  @Test
  void podIp_isTheAddress_aStoppedNodeKeepsItsLastOne_andStartReportsTheNewPodsIp() {
    K8sResourceProvider provider = provider(K8sPodSettings.ofDefaults());
    NodeSpec spec = Nodes.spec(cluster, "db", 1, 10);
    String node = spec.ref().nodeId();

    NodeResource created = join(provider.create(spec));
    assertThat(created.address()).isNotBlank().isEqualTo(podIp(node));

    NodeResource stopped = join(provider.stop(spec.ref()));
    NodeResource stoppedAgain = join(provider.stop(spec.ref()));
    assertThat(client().pods().withName(node).get()).isNull();
    assertThat(List.of(stopped.address(), stoppedAgain.address())).containsOnly(created.address());
    assertThat(join(provider.find(spec.ref())))
        .hasValueSatisfying(r -> assertThat(r.address()).isEqualTo(created.address()));
    assertThat(join(provider.list(cluster)))
        .singleElement()
        .satisfies(r -> assertThat(r.address()).isEqualTo(created.address()));
    assertThat(client().configMaps().withName(Names.nodeRecord(node)).get().getData())
        .containsEntry(NodeObjects.POD_IP_KEY, created.address());

    NodeResource started = join(provider.start(spec.ref()));

    assertThat(started.address()).isNotBlank().isNotEqualTo(created.address());
    assertThat(started.address()).isEqualTo(podIp(node));
    assertThat(join(provider.find(spec.ref())))
        .hasValueSatisfying(r -> assertThat(r.address()).isEqualTo(started.address()));
    assertThat(join(provider.list(cluster)))
        .singleElement()
        .satisfies(r -> assertThat(r.address()).isEqualTo(started.address()));
  }

  @Test
  void resizeAndReplaceImage_ofARunningNode_reportTheNewPodsIp_ofAStoppedNode_itsLastOne() {
    K8sResourceProvider provider = provider(K8sPodSettings.ofDefaults());
    NodeSpec running = Nodes.spec(cluster, "db", 1, 10);
    NodeSpec down = Nodes.spec(cluster, "db", 2, 10);
    NodeResource created = join(provider.create(running));
    NodeResource last = join(provider.create(down));
    join(provider.stop(down.ref()));

    NodeResource resized = join(provider.resize(running.ref(), 2, 1024, 10));
    NodeResource upgraded = join(provider.replaceImage(running.ref(), "postgres:17"));

    assertThat(List.of(created.address(), resized.address(), upgraded.address()))
        .doesNotHaveDuplicates();
    assertThat(upgraded.address()).isEqualTo(podIp(running.ref().nodeId()));

    NodeResource resizedDown = join(provider.resize(down.ref(), 2, 1024, 10));
    NodeResource upgradedDown = join(provider.replaceImage(down.ref(), "postgres:17"));

    assertThat(client().pods().withName(down.ref().nodeId()).get()).isNull();
    assertThat(List.of(resizedDown, upgradedDown))
        .allSatisfy(
            r -> {
              assertThat(r.running()).isFalse();
              assertThat(r.address()).isEqualTo(last.address());
            });
  }

  @Test
  void podIp_ofAPodThatHasNoneYet_isEmpty_untilItIsReady() {
    K8sResourceProvider provider = provider(K8sPodSettings.ofDefaults());
    NodeSpec spec = Nodes.spec(cluster, "web", 1, 0);
    String node = spec.ref().nodeId();
    k8s.kubelet().failPod(node, TestKubelet.Failure.HELD);

    CompletionStage<NodeResource> creating = provider.create(spec);
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> client().pods().withName(node).get() != null);

    assertThat(join(provider.find(spec.ref())))
        .hasValueSatisfying(
            r -> {
              assertThat(r.running()).isFalse();
              assertThat(r.address()).isEmpty();
            });
    k8s.kubelet().release(node);
    assertThat(join(creating).address()).isNotBlank().isEqualTo(podIp(node));
  }

  @Test
  void dnsName_isTheAddress_throughStopStartResizeAndUpgrade() {
    K8sResourceProvider provider =
        provider(K8sPodSettings.builder().addresses(K8sAddresses.DNS_NAME).build());
    NodeSpec spec = Nodes.spec(cluster, "db", 1, 10);
    String dns = spec.ref().nodeId() + "." + cluster + ".test.svc.cluster.local";

    NodeResource created = join(provider.create(spec));
    String firstIp = podIp(spec.ref().nodeId());
    NodeResource stopped = join(provider.stop(spec.ref()));
    NodeResource started = join(provider.start(spec.ref()));
    NodeResource resized = join(provider.resize(spec.ref(), 2, 1024, 10));
    NodeResource upgraded = join(provider.replaceImage(spec.ref(), "postgres:17"));

    assertThat(podIp(spec.ref().nodeId())).as("the pod did move").isNotEqualTo(firstIp);
    assertThat(List.of(created, stopped, started, resized, upgraded))
        .extracting(NodeResource::address)
        .containsOnly(dns);
    assertThat(join(provider.list(cluster)))
        .singleElement()
        .satisfies(r -> assertThat(r.address()).isEqualTo(dns));
  }

  @Test
  void podSettings_refuseNoAddresses_andDefaultToPodIps() {
    assertThat(K8sPodSettings.ofDefaults().addresses()).isEqualTo(K8sAddresses.POD_IP);
    assertThat(catchThrowable(() -> K8sPodSettings.builder().addresses(null)))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("addresses");
  }

  private static String podIp(String name) {
    Pod pod = client().pods().withName(name).get();
    assertThat(pod).as("pod " + name).isNotNull();
    return pod.getStatus().getPodIP();
  }

  private static KubernetesClient client() {
    return k8s.client()
        .adapt(io.fabric8.kubernetes.client.NamespacedKubernetesClient.class)
        .inNamespace(MockKubernetes.NAMESPACE);
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the stage failed: " + e, e);
    }
  }
}

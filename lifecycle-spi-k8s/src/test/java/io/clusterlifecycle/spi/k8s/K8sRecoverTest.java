package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.codec.AppSpecFiles;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.HangingCreates;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An engine dies in the middle of a create on Kubernetes, after a node's pod was created and before
 * the engine recorded it; another engine recovers the cluster: it finds the pod instead of creating
 * a second one, and finishes the create.
 */
class K8sRecoverTest {
  private static final String DYING_NODE = "h-worker-2";
  private static final int NODES = 5;

  @TempDir Path pods;
  private MockKubernetes k8s;
  private final ScheduledExecutorService deadScheduler = Executors.newScheduledThreadPool(1);
  private final List<AutoCloseable> open = new java.util.ArrayList<>();

  @BeforeEach
  void start() {
    k8s = MockKubernetes.start(pods);
  }

  @AfterEach
  void stop() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    deadScheduler.shutdownNow();
    k8s.close();
  }

  @Test
  void anEngineKilledMidCreate_isRecoveredByAnother_withoutASecondPod() throws Exception {
    AppSpec spec = AppSpecFiles.read(Path.of("../samples/specs/hadoop.yaml"));
    K8sResourceProvider pods = provider();
    java.util.concurrent.CountDownLatch podsCreated =
        new java.util.concurrent.CountDownLatch(NODES);
    ResourceProvider dying = new HangingCreates(pods, podsCreated);
    LifecycleEngine a =
        engine(dying, b -> b.scheduler(deadScheduler).leaseDuration(Duration.ofSeconds(5)));

    CompletableFuture<Operation> lost = a.submit(CreateCluster.builder(spec, "h").build());
    assertThat(podsCreated.await(30, TimeUnit.SECONDS))
        .as("the dying engine created the pods")
        .isTrue();
    deadScheduler.shutdownNow();
    String uid = client().pods().withName(DYING_NODE).get().getMetadata().getUid();

    LifecycleEngine b =
        engine(provider(), x -> x.clock(Clock.offset(Clock.systemUTC(), Duration.ofMinutes(1))));
    Cluster recovered = b.recover("h", Duration.ofMinutes(1));

    assertThat(recovered.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(recovered.node(DYING_NODE))
        .hasValueSatisfying(n -> assertThat(n.address()).isPresent());
    assertThat(client().pods().withName(DYING_NODE).get().getMetadata().getUid())
        .as("the pod the dead engine created is the node's pod")
        .isEqualTo(uid);
    assertThat(
            k8s.requests().stream()
                .filter(r -> r.getMethod().equals("POST"))
                .filter(r -> r.getPath().equals("/api/v1/namespaces/test/pods"))
                .count())
        .as("pods created, by both engines")
        .isEqualTo(NODES);
    assertThat(recovered.nodes()).hasSize(NODES);
    assertThat(lost).isNotDone();
  }

  private K8sResourceProvider provider() {
    K8sResourceProvider p =
        K8sResourceProvider.builder()
            .client(k8s.client())
            .namespace(MockKubernetes.NAMESPACE)
            .readyTimeout(Duration.ofSeconds(30))
            .deleteGracePeriod(Duration.ZERO)
            .build();
    open.add(p);
    return p;
  }

  private LifecycleEngine engine(
      ResourceProvider resources,
      java.util.function.Consumer<io.clusterlifecycle.core.LifecycleEngineBuilder> tweak) {
    KubernetesClient client = k8s.client();
    K8sMetadataStore metadata =
        K8sMetadataStore.builder().client(client).namespace(MockKubernetes.NAMESPACE).build();
    K8sCommandExecutor executor =
        MockKubernetes.executor(client, pods).metadata(metadata, "/clusters").build();
    K8sClusterStore store =
        K8sClusterStore.builder().client(client).namespace(MockKubernetes.NAMESPACE).build();
    open.add(metadata);
    open.add(executor);
    open.add(store);
    var builder =
        LifecycleEngine.builder()
            .resourceProvider(resources)
            .commandExecutor(executor)
            .metadataStore(metadata)
            .clusterStore(store);
    tweak.accept(builder);
    LifecycleEngine engine = builder.build();
    open.add(engine);
    return engine;
  }

  private KubernetesClient client() {
    return k8s.client()
        .adapt(io.fabric8.kubernetes.client.NamespacedKubernetesClient.class)
        .inNamespace(MockKubernetes.NAMESPACE);
  }
}

package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link K8sResourceProvider} does to Kubernetes objects, beyond the SPI contract. */
class K8sResourceProviderTest {
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
  void open() {
    provider =
        K8sResourceProvider.builder()
            .client(k8s.client())
            .namespace(MockKubernetes.NAMESPACE)
            .readyTimeout(Duration.ofSeconds(30))
            .deleteGracePeriod(Duration.ZERO)
            .pods(K8sPodSettings.builder().roleImage("db", "postgres:16").build())
            .build();
    cluster = "t-" + UUID.randomUUID().toString().substring(0, 8);
  }

  @AfterEach
  void close() {
    k8s.faults().clear();
    provider.close();
  }

  @Test
  void create_turnsPlacementTagsIntoARequiredNodeAffinity_andKeepsOtherTagsAsLabels() {
    NodeSpec base = Nodes.spec(cluster, "db", 1, 0);
    Map<String, String> tags = new java.util.LinkedHashMap<>(base.tags());
    tags.put(K8sLabels.PLACEMENT_PREFIX + "disktype", "ssd");
    tags.put(K8sLabels.PLACEMENT_PREFIX + "topology.kubernetes.io/zone", "zone-a");
    tags.put("team", "data");
    NodeSpec spec = base.toBuilder().tags(tags).build();

    join(provider.create(spec));

    Pod pod = pod(spec.ref().nodeId());
    assertThat(pod.getMetadata().getLabels())
        .containsEntry("team", "data")
        .doesNotContainKeys(
            K8sLabels.PLACEMENT_PREFIX + "disktype",
            K8sLabels.PLACEMENT_PREFIX + "topology.kubernetes.io/zone");
    var terms =
        pod.getSpec()
            .getAffinity()
            .getNodeAffinity()
            .getRequiredDuringSchedulingIgnoredDuringExecution()
            .getNodeSelectorTerms();
    assertThat(terms).hasSize(1);
    assertThat(terms.get(0).getMatchExpressions())
        .extracting(e -> e.getKey() + " " + e.getOperator() + " " + e.getValues())
        .containsExactlyInAnyOrder("disktype In [ssd]", "topology.kubernetes.io/zone In [zone-a]");
  }

  @Test
  void create_withoutPlacementTags_setsNoAffinity() {
    NodeSpec spec = Nodes.spec(cluster, "db", 1, 0);

    join(provider.create(spec));

    assertThat(pod(spec.ref().nodeId()).getSpec().getAffinity()).isNull();
  }

  @Test
  void create_makesALabelledPodWithRequestsAndLimits_aPvc_andAHeadlessService() {
    NodeSpec spec = Nodes.spec(cluster, "db", 1, 10).toBuilder().cpu(2).memory(3072).build();

    NodeResource r = join(provider.create(spec));

    Pod pod = pod(spec.ref().nodeId());
    assertThat(pod.getMetadata().getLabels())
        .containsEntry(K8sLabels.INSTANCE, cluster)
        .containsEntry(K8sLabels.COMPONENT, "db")
        .containsEntry(K8sLabels.MANAGED_BY, "lifecycle")
        .containsEntry(K8sLabels.NAME, cluster)
        .containsEntry(NodeSpec.TAG_CLUSTER, cluster)
        .containsEntry(NodeSpec.TAG_ROLE, "db")
        .containsEntry(NodeSpec.TAG_NODE, spec.ref().nodeId());
    var container = pod.getSpec().getContainers().get(0);
    assertThat(container.getImage()).isEqualTo("postgres:16");
    assertThat(container.getResources().getRequests())
        .containsEntry("cpu", new Quantity("2"))
        .containsEntry("memory", new Quantity("3072Mi"));
    assertThat(container.getResources().getLimits())
        .isEqualTo(container.getResources().getRequests());
    assertThat(container.getVolumeMounts())
        .singleElement()
        .satisfies(m -> assertThat(m.getMountPath()).isEqualTo("/data"));
    assertThat(pod.getSpec().getHostname()).isEqualTo(spec.ref().nodeId());
    assertThat(pod.getSpec().getSubdomain()).isEqualTo(cluster);
    assertThat(pvc(spec.ref().nodeId() + "-data").getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("10Gi"));
    Service service = client().services().withName(cluster).get();
    assertThat(service.getSpec().getClusterIP()).isEqualTo("None");
    assertThat(service.getSpec().getSelector()).containsEntry(NodeSpec.TAG_CLUSTER, cluster);
    assertThat(r.address()).isNotBlank().isEqualTo(pod.getStatus().getPodIP());
    assertThat(r.volumeId()).contains(spec.ref().nodeId() + "-data");
  }

  @Test
  void create_waitsForReadyThroughTheInformer_withoutPollingThePod() throws Exception {
    NodeSpec spec = Nodes.spec(cluster, "web", 1, 0);
    String path = "/api/v1/namespaces/test/pods/" + spec.ref().nodeId();
    k8s.kubelet().failPod(spec.ref().nodeId(), TestKubelet.Failure.HELD);

    CompletionStage<NodeResource> stage = provider.create(spec);
    await().atMost(Duration.ofSeconds(30)).until(() -> podOrNull(spec.ref().nodeId()) != null);
    Callable<Long> reads =
        () -> k8s.requests().stream().filter(r -> r.getPath().equals(path)).count();
    long before = reads.call();

    // a polling loop would read the pod while it stays Pending
    await()
        .during(Duration.ofMillis(1500))
        .atMost(Duration.ofSeconds(15))
        .until(() -> reads.call() == before && !stage.toCompletableFuture().isDone());
    k8s.kubelet().release(spec.ref().nodeId());

    assertThat(join(stage).running()).isTrue();
  }

  @Test
  void create_failsWithTheReason_andAnotherCreateReplacesTheFailedPod() {
    NodeSpec pull = Nodes.spec(cluster, "web", 1, 0);
    NodeSpec unschedulable = Nodes.spec(cluster, "web", 2, 0);
    k8s.kubelet().failPod(pull.ref().nodeId(), TestKubelet.Failure.IMAGE_PULL_BACK_OFF);
    k8s.kubelet().failPod(unschedulable.ref().nodeId(), TestKubelet.Failure.UNSCHEDULABLE);

    Throwable pullFailure = failure(provider.create(pull));
    Throwable scheduleFailure = failure(provider.create(unschedulable));

    assertThat(pullFailure)
        .isInstanceOfSatisfying(
            PodStartFailedException.class,
            e -> assertThat(e.reason()).isEqualTo("ImagePullBackOff"))
        .hasMessageContaining("kit-image:404");
    assertThat(scheduleFailure)
        .isInstanceOfSatisfying(
            PodStartFailedException.class, e -> assertThat(e.reason()).isEqualTo("Unschedulable"))
        .hasMessageContaining("Insufficient cpu");
    String failedUid = pod(pull.ref().nodeId()).getMetadata().getUid();

    k8s.kubelet().heal(pull.ref().nodeId());
    NodeResource recovered = join(provider.create(pull));

    assertThat(recovered.running()).isTrue();
    assertThat(pod(pull.ref().nodeId()).getMetadata().getUid()).isNotEqualTo(failedUid);
    assertThat(join(provider.list(cluster))).hasSize(2);
  }

  @Test
  void stop_deletesThePodAndKeepsThePvc_andStartRecreatesIt() {
    NodeSpec spec = Nodes.spec(cluster, "db", 1, 10);
    join(provider.create(spec));
    String uid = pod(spec.ref().nodeId()).getMetadata().getUid();

    NodeResource stopped = join(provider.stop(spec.ref()));

    assertThat(stopped.running()).isFalse();
    assertThat(podOrNull(spec.ref().nodeId())).isNull();
    assertThat(pvc(spec.ref().nodeId() + "-data")).isNotNull();
    assertThat(join(provider.find(spec.ref()))).contains(stopped);

    NodeResource started = join(provider.start(spec.ref()));

    assertThat(started.running()).isTrue();
    assertThat(pod(spec.ref().nodeId()).getMetadata().getUid()).isNotEqualTo(uid);
  }

  @Test
  void resize_recreatesThePodWithNewRequests_andGrowsThePvcItKeeps() {
    NodeSpec spec = Nodes.spec(cluster, "db", 1, 10);
    join(provider.create(spec));
    String uid = pod(spec.ref().nodeId()).getMetadata().getUid();

    NodeResource resized = join(provider.resize(spec.ref(), 4, 8192, 25));

    Pod pod = pod(spec.ref().nodeId());
    assertThat(pod.getMetadata().getUid()).isNotEqualTo(uid);
    assertThat(pod.getSpec().getContainers().get(0).getResources().getLimits())
        .containsEntry("cpu", new Quantity("4"))
        .containsEntry("memory", new Quantity("8192Mi"));
    assertThat(pvc(spec.ref().nodeId() + "-data").getSpec().getResources().getRequests())
        .containsEntry("storage", new Quantity("25Gi"));
    assertThat(List.of(resized.cpu(), resized.memory(), resized.volumeSize()))
        .containsExactly(4, 8192, 25);
    assertThat(failure(provider.resize(spec.ref(), 4, 8192, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot shrink");
  }

  @Test
  void volumeGrowth_refusedByTheStorageClass_failsWithTheApiServersReason() {
    NodeSpec spec = Nodes.spec(cluster, "db", 1, 10);
    join(provider.create(spec));
    k8s.faults()
        .fail(
            "PATCH",
            "/persistentvolumeclaims/" + spec.ref().nodeId() + "-data",
            403,
            "only dynamically provisioned pvc can be resized and the storageclass that"
                + " provisions the pvc must support resize",
            1);

    Throwable refused = failure(provider.resize(spec.ref(), 1, 512, 20));

    assertThat(refused)
        .isInstanceOfSatisfying(K8sApiException.class, e -> assertThat(e.code()).isEqualTo(403))
        .hasMessageContaining("must support resize");
    assertThat(join(provider.find(spec.ref())))
        .hasValueSatisfying(r -> assertThat(r.volumeSize()).isEqualTo(10));
  }

  @Test
  void replaceImage_recreatesThePodWithTheNewImage_onTheSamePvc() {
    NodeSpec spec = Nodes.spec(cluster, "db", 1, 10);
    join(provider.create(spec));

    NodeResource upgraded = join(provider.replaceImage(spec.ref(), "postgres:17"));

    Pod pod = pod(spec.ref().nodeId());
    assertThat(pod.getSpec().getContainers().get(0).getImage()).isEqualTo("postgres:17");
    assertThat(pod.getSpec().getVolumes().get(0).getPersistentVolumeClaim().getClaimName())
        .isEqualTo(spec.ref().nodeId() + "-data");
    assertThat(upgraded.image()).contains("postgres:17");
  }

  @Test
  void delete_removesThePvcUnlessKept_andTheServiceWithTheLastNode() {
    NodeSpec kept = Nodes.spec(cluster, "db", 1, 10);
    NodeSpec gone = Nodes.spec(cluster, "db", 2, 10);
    join(provider.create(kept));
    join(provider.create(gone));

    assertThat(join(provider.delete(gone.ref(), false))).isEmpty();
    assertThat(client().persistentVolumeClaims().withName(gone.ref().nodeId() + "-data").get())
        .isNull();
    assertThat(client().services().withName(cluster).get()).isNotNull();

    assertThat(join(provider.delete(kept.ref(), true))).contains(kept.ref().nodeId() + "-data");
    assertThat(pvc(kept.ref().nodeId() + "-data")).isNotNull();
    assertThat(client().services().withName(cluster).get()).isNull();
    assertThat(client().configMaps().withName("lc-node." + kept.ref().nodeId()).get()).isNull();
  }

  @Test
  void rateLimitsAndServerErrors_areTransient_andRefusalsCarryTheApiMessage() {
    NodeSpec spec = Nodes.spec(cluster, "web", 1, 0);
    k8s.faults().fail("POST", "/api/v1/namespaces/test/pods", 429, "slow down", 1);
    Throwable throttled = failure(provider.create(spec));
    k8s.faults().fail("GET", "/api/v1/namespaces/test/configmaps/lc-node.", 500, "etcd down", 1);
    Throwable broken = failure(provider.find(spec.ref()));
    k8s.faults().fail("POST", "/api/v1/namespaces/test/pods", 403, "pods is forbidden", 1);
    Throwable forbidden = failure(provider.create(Nodes.spec(cluster, "web", 2, 0)));

    assertThat(throttled).isInstanceOf(TransientSpiException.class).hasMessageContaining("429");
    assertThat(broken).isInstanceOf(TransientSpiException.class).hasMessageContaining("etcd down");
    assertThat(forbidden)
        .isInstanceOfSatisfying(K8sApiException.class, e -> assertThat(e.code()).isEqualTo(403))
        .hasMessageContaining("pods is forbidden");
    assertThat(join(provider.create(spec)).running())
        .as("the create a 429 refused succeeds when retried")
        .isTrue();
  }

  @Test
  void create_refusesAPodOfTheSameNameThatBelongsToAnotherCluster() {
    NodeSpec spec = Nodes.spec(cluster, "web", 1, 0);
    client()
        .pods()
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(spec.ref().nodeId())
                .withLabels(Map.of(NodeSpec.TAG_CLUSTER, "someone-else"))
                .endMetadata()
                .withNewSpec()
                .addNewContainer()
                .withName("x")
                .withImage("x")
                .endContainer()
                .endSpec()
                .build())
        .create();

    Throwable refused = failure(provider.create(spec));

    assertThat(refused)
        .isInstanceOfSatisfying(K8sApiException.class, e -> assertThat(e.code()).isEqualTo(409))
        .hasMessageContaining("does not belong to cluster " + cluster);
    assertThat(join(provider.find(spec.ref()))).isEqualTo(Optional.empty());
  }

  private static KubernetesClient client() {
    return k8s.client()
        .adapt(io.fabric8.kubernetes.client.NamespacedKubernetesClient.class)
        .inNamespace(MockKubernetes.NAMESPACE);
  }

  private static Pod pod(String name) {
    Pod pod = podOrNull(name);
    assertThat(pod).as("pod " + name).isNotNull();
    return pod;
  }

  private static Pod podOrNull(String name) {
    return client().pods().withName(name).get();
  }

  private static PersistentVolumeClaim pvc(String name) {
    return client().persistentVolumeClaims().withName(name).get();
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

package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.codec.AppSpecFiles;
import io.clusterlifecycle.codec.SpecFormat;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine with every SPI on Kubernetes, on the fabric8 mock API server: nodes are pods made
 * Ready by the {@link TestKubelet}, commands run through pod exec (as local processes in each pod's
 * directory), the metadata tree and the records are ConfigMaps. samples/specs/hadoop.yaml goes
 * through create, add and delete nodes, vertical scaling, stop and start, upgrade, and delete with
 * and without kept volumes. Node addresses are pod IPs: every recreated pod moves its node, and the
 * engine republishes {@code /hosts} and runs the client's {@code reload}.
 */
class K8sEngineTest {
  private static final Path HADOOP = Path.of("../samples/specs/hadoop.yaml");

  @TempDir Path pods;
  private MockKubernetes k8s;
  private K8sResourceProvider provider;
  private K8sCommandExecutor executor;
  private K8sMetadataStore metadata;
  private K8sClusterStore store;
  private LifecycleEngine engine;
  private RecordingEventListener events;

  @BeforeEach
  void open() {
    k8s = MockKubernetes.start(pods);
    KubernetesClient client = k8s.client();
    provider =
        K8sResourceProvider.builder()
            .client(client)
            .namespace(MockKubernetes.NAMESPACE)
            .readyTimeout(Duration.ofSeconds(30))
            .deleteGracePeriod(Duration.ZERO)
            .build();
    metadata =
        K8sMetadataStore.builder().client(client).namespace(MockKubernetes.NAMESPACE).build();
    executor = MockKubernetes.executor(client, pods).metadata(metadata, "/clusters").build();
    store = K8sClusterStore.builder().client(client).namespace(MockKubernetes.NAMESPACE).build();
    events = new RecordingEventListener();
    engine =
        LifecycleEngine.builder()
            .eventListener(events)
            .resourceProvider(provider)
            .commandExecutor(executor)
            .metadataStore(metadata)
            .clusterStore(store)
            .build();
  }

  @AfterEach
  void close() {
    engine.close();
    executor.close();
    provider.close();
    metadata.close();
    store.close();
    k8s.close();
  }

  @Test
  void hadoop_createScaleResizeStopStartUpgradeAndDelete_onPods() throws Exception {
    AppSpec spec = AppSpecFiles.read(HADOOP);

    Cluster created = engine.create(CreateCluster.builder(spec, "h").build());

    assertThat(created.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(podNames())
        .containsExactlyInAnyOrder(
            "h-master-1", "h-worker-1", "h-worker-2", "h-worker-3", "h-client-1");
    assertThat(pvcNames())
        .containsExactlyInAnyOrder(
            "h-master-1-data", "h-worker-1-data", "h-worker-2-data", "h-worker-3-data");
    assertThat(client().services().withName(created.id()).get()).isNotNull();
    assertThat(Files.readString(pods.resolve("h-master-1/name/VERSION"))).isEqualTo("formatted\n");
    assertThat(Files.readString(pods.resolve("h-client-1/client.state"))).isEqualTo("ready\n");
    assertTheAddressesAreThePodIps_andHostsHoldThem(created);

    Cluster grown = engine.addNodes(AddNodes.of("h", "worker", 1));
    assertThat(grown.nodes("worker")).hasSize(4);
    assertThat(podNames()).contains("h-worker-4");

    engine.deleteNodes(DeleteNodes.of("h", "h-worker-4"));
    assertThat(podNames()).doesNotContain("h-worker-4");
    assertThat(pvcNames()).doesNotContain("h-worker-4-data");

    Map<String, String> uids = uids();
    Map<String, String> beforeResize = addresses(engine.get("h"));
    engine.execute(ScaleVertical.of("h", RoleResize.of("worker").cpu(8).memory(16384)));
    Cluster resized = engine.get("h");
    assertThat(changed(beforeResize, addresses(resized)))
        .containsExactlyInAnyOrder("h-worker-1", "h-worker-2", "h-worker-3");
    assertTheAddressesAreThePodIps_andHostsHoldThem(resized);
    assertHostsWereRepublished_andTheClientReloadedThem(resized);
    assertThat(resized.nodes("worker")).allSatisfy(n -> assertThat(n.cpu()).isEqualTo(8));
    for (String w : List.of("h-worker-1", "h-worker-2", "h-worker-3")) {
      Pod pod = client().pods().withName(w).get();
      assertThat(pod.getMetadata().getUid())
          .as("pod %s was recreated", w)
          .isNotEqualTo(uids.get(w));
      assertThat(pod.getSpec().getContainers().get(0).getResources().getRequests())
          .containsEntry("cpu", new Quantity("8"))
          .containsEntry("memory", new Quantity("16384Mi"));
    }
    assertThat(pvcNames()).contains("h-worker-1-data", "h-worker-2-data", "h-worker-3-data");
    assertThat(client().pods().withName("h-master-1").get().getMetadata().getUid())
        .isEqualTo(uids.get("h-master-1"));

    Map<String, String> beforeStop = addresses(engine.get("h"));
    engine.execute(StopCluster.of("h"));
    assertThat(podNames()).isEmpty();
    assertThat(addresses(engine.get("h"))).isEqualTo(beforeStop);
    assertThat(pvcNames()).hasSize(4);
    assertThat(Files.readString(pods.resolve("h-master-1/master.state"))).isEqualTo("stopped\n");

    engine.execute(StartCluster.of("h"));
    assertThat(podNames()).hasSize(5);
    Cluster started = engine.get("h");
    assertThat(started.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(changed(beforeStop, addresses(started))).hasSize(5);
    assertTheAddressesAreThePodIps_andHostsHoldThem(started);
    assertHostsWereRepublished_andTheClientReloadedThem(started);
    assertThat(Files.readString(pods.resolve("h-master-1/master.state"))).isEqualTo("running\n");

    AppSpec next =
        AppSpecFiles.parse(Files.readString(HADOOP).replace("3.3.6", "3.4.0"), SpecFormat.YAML);
    engine.execute(Upgrade.of("h", next));
    Cluster upgraded = engine.get("h");
    assertThat(changed(addresses(started), addresses(upgraded))).hasSize(5);
    assertTheAddressesAreThePodIps_andHostsHoldThem(upgraded);
    assertHostsWereRepublished_andTheClientReloadedThem(upgraded);
    assertThat(
            client()
                .pods()
                .withName("h-worker-1")
                .get()
                .getSpec()
                .getContainers()
                .get(0)
                .getImage())
        .isEqualTo("hadoop:3.4.0");
    assertThat(engine.get("h").nodes()).allSatisfy(n -> assertThat(n.version()).contains("3.4.0"));

    engine.delete(DeleteCluster.of("h").keepingVolumes());
    assertThat(podNames()).isEmpty();
    assertThat(pvcNames()).hasSize(4);
    assertThat(client().services().withName(created.id()).get()).isNull();
    assertTheShippedRoleAllowsEveryCallMade();
  }

  private static Map<String, String> addresses(Cluster c) {
    return c.nodes().stream()
        .collect(
            Collectors.toMap(Node::id, n -> n.address().orElse(""), (a, b) -> a, TreeMap::new));
  }

  /** The nodes whose address differs, each having one before and after. */
  private static List<String> changed(Map<String, String> before, Map<String, String> after) {
    assertThat(after.keySet()).isEqualTo(before.keySet());
    assertThat(after.values()).allSatisfy(a -> assertThat(a).isNotBlank());
    return before.keySet().stream().filter(id -> !before.get(id).equals(after.get(id))).toList();
  }

  /**
   * Checks that every node's recorded address is its pod's IP now, and that the tree's {@code
   * /hosts/<role>/<node>/ip} holds it.
   */
  private void assertTheAddressesAreThePodIps_andHostsHoldThem(Cluster c) {
    Map<String, String> podIps =
        client()
            .pods()
            .withLabel(K8sLabels.MANAGED_BY, K8sLabels.MANAGER)
            .list()
            .getItems()
            .stream()
            .collect(
                Collectors.toMap(
                    p -> p.getMetadata().getName(),
                    p -> p.getStatus().getPodIP(),
                    (a, b) -> a,
                    TreeMap::new));
    assertThat(addresses(c)).isEqualTo(podIps);
    String hosts = "/clusters/" + c.id() + "/hosts";
    Map<String, String> tree = metadata.get(hosts).toCompletableFuture().join();
    Map<String, String> hostIps = new TreeMap<>();
    for (Node n : c.nodes()) {
      hostIps.put(n.id(), tree.get(hosts + "/" + n.role() + "/" + n.id() + "/ip"));
    }
    assertThat(hostIps).isEqualTo(podIps);
  }

  /**
   * Checks that the last operation ran the stages that follow a change of address (design.md §5.7):
   * {@code /hosts} republished, then the client's {@code reload}, which copied a tree holding every
   * node's new address to {@code client.metadata.json} in its pod.
   */
  private void assertHostsWereRepublished_andTheClientReloadedThem(Cluster c) throws Exception {
    List<LifecycleEvent> all = events.events();
    int from = 0;
    for (int i = 0; i < all.size(); i++) {
      if (all.get(i).event() == EventType.OPERATION_STARTED) {
        from = i;
      }
    }
    List<String> lastOperation = new ArrayList<>();
    for (LifecycleEvent e : all.subList(from, all.size())) {
      if (e.event() == EventType.STAGE_FINISHED) {
        lastOperation.add(e.stage().orElse("") + ": " + e.message().orElse(""));
      } else if (e.event() == EventType.COMMAND_FINISHED) {
        lastOperation.add(
            e.service().orElse("") + "@" + e.node().orElse("") + "=" + e.exitCode().orElse(null));
      }
    }
    assertThat(lastOperation)
        .containsSubsequence(
            "republish /hosts (an address changed): ok",
            "reload@h-client-1=0",
            "reload (order 0): ok");
    String reloaded = Files.readString(pods.resolve("h-client-1/client.metadata.json"));
    assertThat(addresses(c).values())
        .allSatisfy(ip -> assertThat(reloaded).contains("\"" + ip + "\""));
  }

  /**
   * Checks that the Role in rbac.yaml grants every request the adapters made; the test kubelet's
   * own requests (pod status updates) are left out.
   */
  private void assertTheShippedRoleAllowsEveryCallMade() {
    ShippedRole role = ShippedRole.load();
    List<String> needed =
        k8s.requests().stream()
            .map(ShippedRole::needed)
            .flatMap(java.util.Optional::stream)
            .filter(rule -> !rule.startsWith("/pods/status:"))
            .distinct()
            .sorted()
            .toList();
    assertThat(needed).contains("/pods/exec:create", "coordination.k8s.io/leases:update");
    assertThat(needed).allSatisfy(rule -> assertThat(role.allows(rule)).as(rule).isTrue());
  }

  @Test
  void delete_withoutKeptVolumes_removesThePvcs() {
    AppSpec spec = AppSpecFiles.read(HADOOP);
    engine.create(CreateCluster.builder(spec, "g").build());
    assertThat(pvcNames()).hasSize(4);

    engine.delete(DeleteCluster.of("g"));

    assertThat(podNames()).isEmpty();
    assertThat(pvcNames()).isEmpty();
    assertThat(client().configMaps().withLabel(K8sLabels.KIND, "node").list().getItems()).isEmpty();
  }

  @Test
  void aPodStuckInImagePullBackOff_failsTheCreateWithTheReason_andRecoverCreatesItAgain() {
    k8s.kubelet().failPod("f-worker-2", TestKubelet.Failure.IMAGE_PULL_BACK_OFF);
    AppSpec spec = AppSpecFiles.read(HADOOP);

    Throwable failed =
        catchThrowable(() -> engine.create(CreateCluster.builder(spec, "f").build()));

    assertThat(failed).isInstanceOf(OperationFailedException.class);
    assertThat(((OperationFailedException) failed).operation().error())
        .hasValueSatisfying(e -> assertThat(e).contains("ImagePullBackOff", "f-worker-2"));
    String stuck = client().pods().withName("f-worker-2").get().getMetadata().getUid();

    k8s.kubelet().heal("f-worker-2");
    Cluster recovered = engine.recover("f", Duration.ofMinutes(1));

    assertThat(recovered.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(client().pods().withName("f-worker-2").get().getMetadata().getUid())
        .as("recover created the pod again")
        .isNotEqualTo(stuck);
    assertThat(podNames()).hasSize(5);
  }

  @Test
  void aPodWatchWhoseFirstListingFailed_isStartedAgainByTheNextWait() {
    k8s.faults()
        .fail("GET", "/api/v1/namespaces/test/pods?", 500, "etcdserver: request timed out", 1);
    K8sResourceProvider fresh =
        K8sResourceProvider.builder()
            .client(k8s.client())
            .namespace(MockKubernetes.NAMESPACE)
            .readyTimeout(Duration.ofSeconds(30))
            .deleteGracePeriod(Duration.ZERO)
            .build();
    LifecycleEngine other =
        LifecycleEngine.builder()
            .resourceProvider(fresh)
            .commandExecutor(executor)
            .metadataStore(metadata)
            .clusterStore(store)
            .build();
    try {
      Cluster created = other.create(CreateCluster.builder(AppSpecFiles.read(HADOOP), "w").build());
      assertThat(created.state()).isEqualTo(ClusterState.RUNNING);
      assertThat(k8s.faults().answered()).isEqualTo(1);
    } finally {
      other.close();
      fresh.close();
    }
  }

  @Test
  void anExecTheApiServerDoesNotAnswerInTime_isRetriedByTheEngine() {
    // the mock server answers on one event loop: while it holds the exec, every request waits
    k8s.faults().stall("GET", "/pods/t-master-1/exec", Duration.ofSeconds(2), 1);
    try (KubernetesClient impatient = k8s.newClient(Duration.ofMillis(500));
        K8sCommandExecutor hurried =
            MockKubernetes.executor(impatient, pods).metadata(metadata, "/clusters").build();
        LifecycleEngine other =
            LifecycleEngine.builder()
                .resourceProvider(provider)
                .commandExecutor(hurried)
                .metadataStore(metadata)
                .clusterStore(store)
                .build()) {
      Cluster created = other.create(CreateCluster.builder(AppSpecFiles.read(HADOOP), "t").build());

      assertThat(k8s.faults().stalled()).isEqualTo(1);
      assertThat(created.state()).isEqualTo(ClusterState.RUNNING);
    }
  }

  @Test
  void serverErrorsAndRateLimits_areRetriedByTheEngine_andARefusalFailsTheStepWithItsMessage() {
    AppSpec spec = AppSpecFiles.read(HADOOP);
    k8s.faults().fail("POST", "/api/v1/namespaces/test/pods", 500, "etcdserver: leader changed", 1);
    k8s.faults()
        .fail("POST", "/api/v1/namespaces/test/persistentvolumeclaims", 429, "slow down", 2);

    Cluster created = engine.create(CreateCluster.builder(spec, "r").build());

    assertThat(created.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(k8s.faults().answered()).isEqualTo(3);
    assertThat(podNames()).hasSize(5);

    k8s.faults()
        .fail(
            "POST",
            "/api/v1/namespaces/test/pods",
            403,
            "pods is forbidden: exceeded quota: compute-resources",
            1);
    Throwable refused = catchThrowable(() -> engine.addNodes(AddNodes.of("r", "worker", 1)));

    assertThat(refused).isInstanceOf(OperationFailedException.class);
    assertThat(((OperationFailedException) refused).operation().error())
        .hasValueSatisfying(e -> assertThat(e).contains("403", "exceeded quota"));
  }

  private Map<String, String> uids() {
    return client().pods().list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p.getMetadata().getUid()));
  }

  private List<String> podNames() {
    return client()
        .pods()
        .withLabel(K8sLabels.MANAGED_BY, K8sLabels.MANAGER)
        .list()
        .getItems()
        .stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  private List<String> pvcNames() {
    return client().persistentVolumeClaims().list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .toList();
  }

  private KubernetesClient client() {
    return k8s.client()
        .adapt(io.fabric8.kubernetes.client.NamespacedKubernetesClient.class)
        .inNamespace(MockKubernetes.NAMESPACE);
  }
}

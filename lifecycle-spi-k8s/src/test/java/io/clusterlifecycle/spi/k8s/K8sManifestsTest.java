package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.spi.NodeSpec;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** {@link K8sManifests} writes, without a cluster, what the provider creates. */
class K8sManifestsTest {
  private final K8sManifests manifests =
      K8sManifests.of(
          K8sPodSettings.builder().storageClass("fast").roleImage("worker", "hadoop:3.3.6").build(),
          "apps");

  @Test
  void objects_areOneServicePerCluster_thenEachNodesPvcAndPod() {
    List<NodeSpec> nodes =
        List.of(
            Nodes.spec("h-1a2b3c", "worker", 1, 100),
            Nodes.spec("h-1a2b3c", "worker", 2, 100),
            Nodes.spec("h-1a2b3c", "client", 1, 0));

    List<HasMetadata> objects = manifests.objects(nodes);

    assertThat(objects.stream().map(o -> o.getKind() + " " + o.getMetadata().getName()))
        .containsExactly(
            "Service h-1a2b3c",
            "PersistentVolumeClaim h-1a2b3c-worker-1-data",
            "Pod h-1a2b3c-worker-1",
            "PersistentVolumeClaim h-1a2b3c-worker-2-data",
            "Pod h-1a2b3c-worker-2",
            "Pod h-1a2b3c-client-1");
    assertThat(objects)
        .allSatisfy(o -> assertThat(o.getMetadata().getNamespace()).isEqualTo("apps"));
  }

  @Test
  void yaml_readsBackAsTheSameObjects() {
    List<NodeSpec> nodes = List.of(Nodes.spec("h-1a2b3c", "worker", 1, 100));

    String yaml = manifests.yaml(nodes);
    List<HasMetadata> read =
        new KubernetesSerialization()
            .unmarshal(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8)));

    assertThat(read).isEqualTo(manifests.objects(nodes));
    assertThat(yaml)
        .contains("storageClassName: \"fast\"", "image: \"hadoop:3.3.6\"", "clusterIP: \"None\"");
  }

  @Test
  void aNodeIdThatCannotNameAPod_isRefused() {
    NodeSpec bad = Nodes.spec("H_Upper", "worker", 1, 0);

    assertThat(catchThrowable(() -> manifests.pod(bad)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot name a pod");
  }

  @Test
  void longIds_getHostnamesAndLabelValuesWithinKubernetesLimits() {
    String cluster = "c".repeat(40) + "-abcdef";
    NodeSpec node = Nodes.spec(cluster, "r".repeat(40), 12, 0);

    var pod = manifests.pod(node);

    assertThat(pod.getSpec().getHostname()).hasSizeLessThanOrEqualTo(63);
    assertThat(pod.getMetadata().getLabels().values())
        .allSatisfy(v -> assertThat(v).hasSizeLessThanOrEqualTo(63));
    assertThat(manifests.address(cluster, node.ref().nodeId()))
        .startsWith(
            pod.getSpec().getHostname() + "." + pod.getSpec().getSubdomain() + ".apps.svc.");
  }
}

package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.cli.LifecycleCli;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --infra k8s --store k8s} end to end through the command-line tool on the fabric8 mock API
 * server (CRUD mode) with the adapter's test kubelet and exec endpoint (this module's test-jar):
 * samples/specs/hadoop.yaml is created, grown by a node, shrunk by one and deleted, reaching the
 * server only through the kubeconfig given with {@code --kubeconfig}; pods, PVCs and the records'
 * ConfigMaps are what the server holds, and nothing is written to the home.
 */
class K8sCliIT {
  private static final Path HADOOP = Path.of("../samples/specs/hadoop.yaml");
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private MockKubernetes k8s;
  private KubernetesClient client;
  private Path kubeconfig;

  /** What one run of the tool printed and its exit code. */
  record Result(int code, String out, String err) {}

  @BeforeEach
  void start() throws IOException {
    k8s = MockKubernetes.start(dir.resolve("pods"));
    client = k8s.client();
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(
        kubeconfig,
        String.join(
            "\n",
            "apiVersion: v1",
            "kind: Config",
            "clusters:",
            "- name: mock",
            "  cluster: {server: \"" + client.getMasterUrl() + "\"}",
            "contexts:",
            "- name: mock",
            "  context: {cluster: mock, user: u, namespace: elsewhere}",
            "current-context: mock",
            "users:",
            "- name: u",
            "  user: {token: not-a-real-token}",
            ""));
  }

  @AfterEach
  void stop() {
    k8s.close();
  }

  private Result cli(String... args) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--home",
                dir.resolve("home").toString(),
                "--infra",
                "k8s",
                "--store",
                "k8s",
                "--kubeconfig",
                kubeconfig.toString(),
                "--k8s-namespace",
                MockKubernetes.NAMESPACE));
    all.addAll(List.of(args));
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        LifecycleCli.run(new PrintWriter(out), new PrintWriter(err), all.toArray(String[]::new));
    return new Result(code, out.toString(), err.toString());
  }

  private List<String> pods() {
    return client.pods().inNamespace(MockKubernetes.NAMESPACE).list().getItems().stream()
        .map(p -> p.getMetadata().getName())
        .sorted()
        .toList();
  }

  private List<String> claims() {
    return client
        .persistentVolumeClaims()
        .inNamespace(MockKubernetes.NAMESPACE)
        .list()
        .getItems()
        .stream()
        .map(PersistentVolumeClaim::getMetadata)
        .map(m -> m.getName())
        .sorted()
        .toList();
  }

  @Test
  void hadoop_createAddNodeDeleteNodeDelete_asPodsAndConfigMaps() throws IOException {
    Result created = cli("--json", "create", HADOOP.toString(), "--name", "h");

    assertThat(created.code()).as(created.err()).isZero();
    JsonNode c = JSON.readTree(created.out());
    String id = c.get("id").asText();
    assertThat(c.get("state").asText()).isEqualTo("RUNNING");
    assertThat(pods())
        .containsExactly("h-client-1", "h-master-1", "h-worker-1", "h-worker-2", "h-worker-3");
    assertThat(claims())
        .containsExactly(
            "h-master-1-data", "h-worker-1-data", "h-worker-2-data", "h-worker-3-data");
    Pod worker = client.pods().inNamespace(MockKubernetes.NAMESPACE).withName("h-worker-2").get();
    assertThat(worker.getMetadata().getLabels())
        .containsEntry(K8sLabels.NAME, "hadoop")
        .containsEntry(K8sLabels.VERSION, "3.3.6")
        .containsEntry(K8sLabels.COMPONENT, "worker")
        .containsEntry(K8sLabels.INSTANCE, id);
    assertThat(worker.getSpec().getContainers().get(0).getImage()).isEqualTo("hadoop:3.3.6");
    assertThat(client.services().inNamespace(MockKubernetes.NAMESPACE).withName(id).get())
        .isNotNull();
    List<String> records =
        client.configMaps().inNamespace(MockKubernetes.NAMESPACE).list().getItems().stream()
            .map(ConfigMap::getMetadata)
            .map(m -> m.getName())
            .toList();
    assertThat(records)
        .as("the cluster record and the metadata tree, in ConfigMaps")
        .contains("lc-cluster.lifecycle." + id, "lc-metadata." + id);

    Result added = cli("--json", "add-nodes", "h", "--role", "worker", "--count", "1");

    assertThat(added.code()).as(added.err()).isZero();
    assertThat(pods()).contains("h-worker-4").hasSize(6);

    Result shrunk = cli("--json", "delete-nodes", "h", "h-worker-1");

    assertThat(shrunk.code()).as(shrunk.err()).isZero();
    assertThat(pods()).doesNotContain("h-worker-1").hasSize(5);
    assertThat(claims()).doesNotContain("h-worker-1-data");

    Result listed = cli("--json", "list");
    assertThat(listed.code()).as(listed.err()).isZero();
    assertThat(JSON.readTree(listed.out()).findValuesAsText("name")).containsExactly("h");

    Result deleted = cli("delete", "h");

    assertThat(deleted.code()).as(deleted.err()).isZero();
    assertThat(pods()).isEmpty();
    assertThat(claims()).isEmpty();
    assertThat(dir.resolve("home")).as("records and tree live in Kubernetes only").doesNotExist();
  }
}

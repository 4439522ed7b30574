package io.clusterlifecycle.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plan SPEC --name NAME --format k8s}: the Service, PVCs and Pods a create would make, as
 * YAML, written by the Kubernetes adapter from the engine's node specs, without connecting to the
 * API server the kubeconfig names (a listening socket that must see no connection) and without
 * creating the home.
 */
class K8sPlanFormatTest {
  private static final Path HADOOP = Path.of("../samples/specs/hadoop.yaml");
  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path dir;
  private ServerSocket apiServer;
  private Path kubeconfig;

  /** A kubeconfig whose current context {@code test} points at HOST:PORT, namespace apps. */
  static String kubeconfig(String host, int port) {
    return String.join(
        "\n",
        "apiVersion: v1",
        "kind: Config",
        "clusters:",
        "- name: c",
        "  cluster: {server: \"https://"
            + host
            + ":"
            + port
            + "\", insecure-skip-tls-verify: true}",
        "contexts:",
        "- name: test",
        "  context: {cluster: c, user: u, namespace: apps}",
        "current-context: test",
        "users:",
        "- name: u",
        "  user: {token: not-a-real-token}",
        "");
  }

  @BeforeEach
  void listen() throws IOException {
    apiServer = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    kubeconfig = dir.resolve("kubeconfig");
    Files.writeString(kubeconfig, kubeconfig("127.0.0.1", apiServer.getLocalPort()));
  }

  @AfterEach
  void close() throws IOException {
    apiServer.close();
  }

  private LifecycleCliTest.Result plan(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--home",
                dir.resolve("home").toString(),
                "--infra",
                "k8s",
                "--kubeconfig",
                kubeconfig.toString()));
    args.addAll(List.of(more));
    return LifecycleCliTest.run(args.toArray(String[]::new));
  }

  private static List<JsonNode> documents(String yaml) throws IOException {
    List<JsonNode> docs = new ArrayList<>();
    try (YAMLParser p = new YAMLFactory().createParser(yaml)) {
      YAML.readValues(p, JsonNode.class).forEachRemaining(d -> docs.add(d));
    }
    return docs;
  }

  @Test
  void hadoop_printsServicePvcsAndPods_withLabelsAndResources_connectingNowhere()
      throws IOException {
    LifecycleCliTest.Result r = plan("plan", HADOOP.toString(), "--name", "h", "--format", "k8s");

    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> docs = documents(r.out());
    Map<String, String> kinds = new TreeMap<>();
    docs.forEach(d -> kinds.put(d.at("/metadata/name").asText(), d.get("kind").asText()));
    assertThat(kinds)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "h", "Service",
                "h-master-1", "Pod",
                "h-master-1-data", "PersistentVolumeClaim",
                "h-worker-1", "Pod",
                "h-worker-1-data", "PersistentVolumeClaim",
                "h-worker-2", "Pod",
                "h-worker-2-data", "PersistentVolumeClaim",
                "h-worker-3", "Pod",
                "h-worker-3-data", "PersistentVolumeClaim",
                "h-client-1", "Pod"));
    assertThat(docs.get(0).get("kind").asText()).isEqualTo("Service");
    assertThat(docs.get(0).at("/spec/clusterIP").asText()).isEqualTo("None");
    docs.forEach(
        d -> {
          assertThat(d.at("/metadata/namespace").asText())
              .as("the context's namespace")
              .isEqualTo("apps");
          assertThat(d.at("/metadata/labels/app.kubernetes.io~1name").asText()).isEqualTo("hadoop");
          assertThat(d.at("/metadata/labels/app.kubernetes.io~1version").asText())
              .isEqualTo("3.3.6");
          assertThat(d.at("/metadata/labels/app.kubernetes.io~1managed-by").asText())
              .isEqualTo("lifecycle");
        });
    JsonNode worker = pod(docs, "h-worker-2");
    assertThat(worker.at("/metadata/labels/app.kubernetes.io~1component").asText())
        .isEqualTo("worker");
    assertThat(worker.at("/metadata/labels/lifecycle.node-id").asText()).isEqualTo("h-worker-2");
    JsonNode container = worker.at("/spec/containers/0");
    assertThat(container.get("image").asText()).isEqualTo("hadoop:3.3.6");
    assertThat(container.at("/resources/requests/cpu").asText()).isEqualTo("4");
    assertThat(container.at("/resources/limits/memory").asText()).isEqualTo("8192Mi");
    assertThat(container.at("/volumeMounts/0/mountPath").asText()).isEqualTo("/data");
    assertThat(worker.at("/spec/subdomain").asText()).isEqualTo("h");
    assertThat(pod(docs, "h-client-1").at("/spec/containers/0/image").asText())
        .isEqualTo("hadoop-client:3.3.6");
    assertThat(pod(docs, "h-worker-3-data").at("/spec/resources/requests/storage").asText())
        .isEqualTo("100Gi");

    apiServer.setSoTimeout(300);
    assertThatThrownBy(() -> apiServer.accept().close())
        .as("no connection reached the API server")
        .isInstanceOf(SocketTimeoutException.class);
    assertThat(dir.resolve("home")).doesNotExist();
  }

  @Test
  void namespaceStorageClassAndRoleImage_fromTheCommandLine() throws IOException {
    Path spec = dir.resolve("plain.yaml");
    Files.writeString(
        spec,
        String.join(
            "\n",
            "name: kv",
            "version: \"2\"",
            "roles:",
            "  - role: db",
            "    count: 2",
            "    cpu: 1",
            "    memory: 512",
            "    volume: {size: 5, mount_point: /var/db}",
            "    services:",
            "      start: {cmd: \"true\"}",
            ""));

    LifecycleCliTest.Result r =
        plan(
            "--k8s-namespace",
            "team-a",
            "--k8s-storage-class",
            "fast",
            "--k8s-image",
            "db=postgres:16",
            "plan",
            spec.toString(),
            "--name",
            "kv1",
            "--count",
            "db=3",
            "--format",
            "k8s");

    assertThat(r.code()).as(r.err()).isZero();
    List<JsonNode> docs = documents(r.out());
    assertThat(docs).hasSize(1 + 3 * 2);
    assertThat(docs)
        .allSatisfy(d -> assertThat(d.at("/metadata/namespace").asText()).isEqualTo("team-a"));
    assertThat(pod(docs, "kv1-db-3").at("/spec/containers/0/image").asText())
        .isEqualTo("postgres:16");
    assertThat(pod(docs, "kv1-db-3").at("/spec/containers/0/volumeMounts/0/mountPath").asText())
        .isEqualTo("/var/db");
    assertThat(pod(docs, "kv1-db-1-data").at("/spec/storageClassName").asText()).isEqualTo("fast");
  }

  @Test
  void formatK8s_ofAnotherOperation_isAUsageError() {
    LifecycleCliTest.Result r =
        plan(
            "plan",
            "h",
            "--op",
            "scale-vertical",
            "--role",
            "worker",
            "--cpu",
            "8",
            "--format",
            "k8s");

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.err()).contains("--format", "objects a create makes");
  }

  @Test
  void formatK8s_invalidSpec_isRefusedAsCreateWouldBe() throws IOException {
    LifecycleCliTest.Result r =
        plan("plan", HADOOP.toString(), "--name", "h", "--count", "worker=99", "--format", "k8s");

    assertThat(r.code()).isEqualTo(ExitCodes.BAD_INPUT);
    assertThat(r.out()).isEmpty();
    assertThat(r.err()).contains("counts.worker");
  }

  private static JsonNode pod(List<JsonNode> docs, String name) {
    return docs.stream()
        .filter(d -> d.at("/metadata/name").asText().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no object " + name));
  }
}

package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@link K8sCommandExecutor} sends to the pod and makes of the answer, beyond the SPI kit. */
class K8sCommandExecutorTest {
  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private static K8sResourceProvider provider;
  private static NodeResource node;
  private static InMemoryMetadataStore metadata;
  private static K8sCommandExecutor executor;

  @BeforeAll
  static void start() {
    k8s = MockKubernetes.start(pods);
    provider =
        K8sResourceProvider.builder()
            .client(k8s.client())
            .namespace(MockKubernetes.NAMESPACE)
            .deleteGracePeriod(Duration.ZERO)
            .build();
    String cluster = "ex-" + UUID.randomUUID().toString().substring(0, 8);
    node = provider.create(Nodes.spec(cluster, "node", 1, 0)).toCompletableFuture().join();
    metadata = new InMemoryMetadataStore();
    executor = MockKubernetes.executor(k8s.client(), pods).metadata(metadata, "/clusters").build();
  }

  @AfterAll
  static void stop() {
    executor.close();
    provider.close();
    k8s.close();
  }

  @AfterEach
  void noFaultsLeft() {
    k8s.faults().clear();
  }

  @Test
  void script_andEachVariable_travelAsArgumentsOfTheirOwn_neverSplicedIntoAShellString() {
    String script = "echo \"$GREETING\"; exit 7";
    String value = "it's $(not run) `either`; echo no";

    CommandResult r = run(executor, script, Map.of("GREETING", value));

    assertThat(r.exitCode()).isEqualTo(7);
    assertThat(r.stdoutTail()).isEqualTo(value + "\n");
    List<String> argv = last();
    assertThat(argv.subList(argv.size() - 5, argv.size()))
        .containsExactly("bash", "-c", ExecScript.WRAPPER, ExecScript.NAME, script);
    assertThat(argv).contains("GREETING=" + value).startsWith("env");
    assertThat(argv.stream().filter(a -> a.contains("$(not run)")))
        .as("the value appears once, as its own K=V argument")
        .containsExactly("GREETING=" + value);
  }

  @Test
  void metadataFile_holdsTheClustersTreeAsItIsWhenTheCommandStarts() {
    String tree = "/clusters/" + node.ref().clusterId();
    metadata
        .commit(
            new MetadataChange(
                Map.of(tree + "/hosts/node/n1/ip", "10.0.0.1", tree + "/env/K", "v1"), List.of()))
        .toCompletableFuture()
        .join();

    CommandResult first = run(executor, "cat \"$LC_METADATA\"", Map.of());
    metadata
        .commit(new MetadataChange(Map.of(tree + "/env/K", "v2"), List.of()))
        .toCompletableFuture()
        .join();
    CommandResult second = run(executor, "cat \"$LC_METADATA\"", Map.of());

    assertThat(first.stdoutTail())
        .isEqualTo("{\"env\":{\"K\":\"v1\"},\"hosts\":{\"node\":{\"n1\":{\"ip\":\"10.0.0.1\"}}}}");
    assertThat(second.stdoutTail()).contains("\"K\":\"v2\"");
  }

  @Test
  void lcVariablesOfTheContainer_thatTheRequestDoesNotSet_areRemoved() {
    CommandResult r = run(executor, "printf '%s' \"${LC_BACKUP_ID-unset}\"", Map.of());

    assertThat(k8s.exec().received()).isNotEmpty();
    assertThat(r.stdoutTail())
        .as("the test exec endpoint's container environment sets LC_BACKUP_ID")
        .isEqualTo("unset");
  }

  @Test
  void workingDirectory_isWhereTheCommandStarts() throws Exception {
    Path dir = Files.createDirectories(pods.resolve("work dir"));
    try (K8sCommandExecutor inDir =
        MockKubernetes.executor(k8s.client(), pods).workingDirectory(dir.toString()).build()) {
      assertThat(run(inDir, "pwd", Map.of()).stdoutTail()).isEqualTo(dir + "\n");
    }
  }

  @Test
  void execRefusals_failTheStage_403Permanent_500Transient() {
    String exec = "/pods/" + node.ref().nodeId() + "/exec";
    k8s.faults().fail("GET", exec, 403, "pods exec is forbidden", 1);
    Throwable forbidden = failure(executor.run(request("true", Map.of())));
    k8s.faults().fail("GET", exec, 500, "kubelet unreachable", 1);
    Throwable broken = failure(executor.run(request("true", Map.of())));

    assertThat(forbidden)
        .isInstanceOfSatisfying(K8sApiException.class, e -> assertThat(e.code()).isEqualTo(403))
        .hasMessageContaining("HTTP 403");
    assertThat(broken).isInstanceOf(TransientSpiException.class);
    assertThat(run(executor, "true", Map.of()).exitCode()).isZero();
  }

  @Test
  void anExecUpgradeTheApiServerDoesNotAnswerInTime_isTransient_andTheNextRunGoesThrough() {
    String exec = "/pods/" + node.ref().nodeId() + "/exec";
    k8s.faults().stall("GET", exec, Duration.ofSeconds(2), 1);
    try (KubernetesClient impatient = k8s.newClient(Duration.ofMillis(500));
        K8sCommandExecutor hurried = MockKubernetes.executor(impatient, pods).build()) {
      Throwable late = failure(hurried.run(request("true", Map.of())));

      assertThat(late)
          .as("a time-out asks the engine for a retry")
          .isInstanceOf(TransientSpiException.class)
          .hasMessageContaining("exec in pod " + node.ref().nodeId());
      assertThat(run(executor, "true", Map.of()).exitCode())
          .as("a client that waits longer gets through once the server answers again")
          .isZero();
    }
  }

  @Test
  void fence_fromAnotherExecutor_killsARunTheFirstStarted_withItsChildren() throws Exception {
    String key = "op-1/step-" + UUID.randomUUID();
    Path pidFile = pods.resolve(node.ref().nodeId()).resolve("fenced-" + UUID.randomUUID());
    CompletionStage<CommandResult> running =
        executor.run(
            request(
                    "sleep 60 & echo $! > \"$PID_FILE\"; wait",
                    Map.of("PID_FILE", pidFile.toString()))
                .toBuilder()
                .runKey(key)
                .build());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> Files.exists(pidFile) && Files.size(pidFile) > 0);
    long child = Long.parseLong(Files.readString(pidFile).strip());

    try (K8sCommandExecutor other = MockKubernetes.executor(k8s.client(), pods).build()) {
      other.fence(node, key).get(30, TimeUnit.SECONDS);
    }

    assertThat(running(child)).as("the fenced run's sleep is running").isFalse();
    assertThat(running.toCompletableFuture().get(30, TimeUnit.SECONDS).exitCode())
        .as("the first executor's run ends, killed")
        .isNotZero();
  }

  /** Whether a process exists and is not a zombie (one nobody reaped yet counts as gone). */
  private static boolean running(long pid) throws java.io.IOException {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    if (!Files.exists(stat)) {
      return false;
    }
    String line;
    try {
      line = Files.readString(stat);
    } catch (java.nio.file.NoSuchFileException e) {
      return false;
    }
    return !line.substring(line.lastIndexOf(')') + 2).startsWith("Z");
  }

  private static List<String> last() {
    List<List<String>> all = k8s.exec().received();
    return all.get(all.size() - 1);
  }

  private static CommandRequest request(String script, Map<String, String> env) {
    return CommandRequest.builder()
        .node(node)
        .service("test")
        .script(script)
        .environment(env)
        .timeout(Duration.ofSeconds(30))
        .build();
  }

  private static CommandResult run(K8sCommandExecutor on, String script, Map<String, String> env) {
    try {
      return on.run(request(script, env)).get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the command could not run: " + e, e);
    }
  }

  private static Throwable failure(CompletionStage<?> stage) {
    Throwable t = catchThrowable(() -> stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertThat(t).as("the stage must fail").isNotNull();
    return K8sCalls.unwrap(t);
  }
}

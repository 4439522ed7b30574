package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.testkit.compat.CommandExecutorCompatibilityKit;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link K8sCommandExecutor} keeps the {@link CommandExecutor} contract through fabric8's real exec
 * client, against the mock server's {@link ExecEndpoint}, which speaks the exec WebSocket protocol
 * and runs what it receives as local processes: exit codes, tails, timeouts, cancellation and the
 * script reaching bash as written are real. The node is a pod {@link K8sResourceProvider} created.
 */
class K8sCommandExecutorCompatibilityTest extends CommandExecutorCompatibilityKit {
  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private static K8sResourceProvider provider;
  private static NodeResource node;

  @BeforeAll
  static void start() {
    k8s = MockKubernetes.start(pods);
    provider =
        K8sResourceProvider.builder()
            .client(k8s.client())
            .namespace(MockKubernetes.NAMESPACE)
            .deleteGracePeriod(Duration.ZERO)
            .build();
    String cluster = "exec-" + UUID.randomUUID().toString().substring(0, 8);
    node = provider.create(Nodes.spec(cluster, "node", 1, 0)).toCompletableFuture().join();
  }

  @AfterAll
  static void stop() {
    provider.close();
    k8s.close();
  }

  @AfterEach
  void noFaultsLeft() {
    k8s.faults().clear();
  }

  @Override
  protected CommandExecutor newExecutor() {
    return MockKubernetes.executor(k8s.client(), pods).killGrace(Duration.ofSeconds(1)).build();
  }

  @Override
  protected NodeResource node() {
    return node;
  }
}

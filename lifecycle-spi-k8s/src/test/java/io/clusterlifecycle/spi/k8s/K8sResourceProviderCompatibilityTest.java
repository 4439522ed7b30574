package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link K8sResourceProvider} keeps the {@link ResourceProvider} contract on the fabric8 mock API
 * server in CRUD mode, whose pods a {@link TestKubelet} makes Ready.
 *
 * <p>With the default addresses, pod IPs ({@link K8sAddresses#POD_IP}), a recreated pod has a new
 * one, as docs/design.md §9.2 allows: the kit runs with {@link #recreatesInstances()}. {@code
 * K8sAddressesTest} checks {@link K8sAddresses#DNS_NAME}.
 */
class K8sResourceProviderCompatibilityTest extends ResourceProviderCompatibilityKit {
  @TempDir static Path pods;
  private static MockKubernetes k8s;

  @BeforeAll
  static void start() {
    k8s = MockKubernetes.start(pods);
  }

  @AfterAll
  static void stop() {
    k8s.close();
  }

  @Override
  protected ResourceProvider newProvider() {
    return K8sResourceProvider.builder()
        .client(k8s.client())
        .namespace(MockKubernetes.NAMESPACE)
        .readyTimeout(Duration.ofSeconds(30))
        .deleteGracePeriod(Duration.ZERO)
        .build();
  }

  @Override
  protected boolean recreatesInstances() {
    return true;
  }

  @Override
  protected void removeKeptVolume(String volumeId) {
    k8s.client()
        .persistentVolumeClaims()
        .inNamespace(MockKubernetes.NAMESPACE)
        .withName(volumeId)
        .delete();
  }
}

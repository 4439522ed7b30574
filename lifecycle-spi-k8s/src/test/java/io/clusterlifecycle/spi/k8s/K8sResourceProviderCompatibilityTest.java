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
 * <p>The kit asks that stop, start, resize and replaceImage keep a node's address. With pod IPs
 * (the default, {@link K8sAddresses#POD_IP}) a recreated pod has a new one, as docs/design.md §5.7
 * allows, so the kit runs the provider with {@link K8sAddresses#DNS_NAME}; {@code K8sAddressesTest}
 * checks the pod IPs.
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
        .pods(K8sPodSettings.builder().addresses(K8sAddresses.DNS_NAME).build())
        .build();
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

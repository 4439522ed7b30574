package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.testkit.compat.MetadataStoreCompatibilityKit;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link K8sMetadataStore} keeps the {@link MetadataStore} contract on the fabric8 mock API server
 * in CRUD mode, which, like the real API server, refuses an update whose resourceVersion is stale.
 */
class K8sMetadataStoreCompatibilityTest extends MetadataStoreCompatibilityKit {
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
  protected MetadataStore newStore() {
    return K8sMetadataStore.builder()
        .client(k8s.client())
        .namespace(MockKubernetes.NAMESPACE)
        .build();
  }
}

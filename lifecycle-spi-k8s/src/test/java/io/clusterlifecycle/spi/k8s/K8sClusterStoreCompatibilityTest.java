package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.testkit.compat.ClusterStoreCompatibilityKit;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link K8sClusterStore} keeps the {@link ClusterStore} contract on the fabric8 mock API server in
 * CRUD mode, which refuses an update with a stale resourceVersion (409) as the real API server
 * does. Each test has a store name of its own; another client is another store object, with its own
 * client, on the same name.
 */
class K8sClusterStoreCompatibilityTest extends ClusterStoreCompatibilityKit {
  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private static final List<KubernetesClient> clients = new CopyOnWriteArrayList<>();
  private String store;

  @BeforeAll
  static void start() {
    k8s = MockKubernetes.start(pods);
  }

  @AfterAll
  static void stop() {
    clients.forEach(KubernetesClient::close);
    k8s.close();
  }

  @Override
  protected ClusterStore newStore() {
    store = "kit-" + UUID.randomUUID().toString().substring(0, 8);
    return reopen();
  }

  @Override
  protected ClusterStore reopen() {
    KubernetesClient client = k8s.newClient();
    clients.add(client);
    return K8sClusterStore.builder()
        .client(client)
        .namespace(MockKubernetes.NAMESPACE)
        .store(store)
        .build();
  }
}

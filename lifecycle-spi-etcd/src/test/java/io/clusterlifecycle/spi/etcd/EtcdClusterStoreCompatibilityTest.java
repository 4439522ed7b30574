package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.testkit.compat.ClusterStoreCompatibilityKit;
import io.clusterlifecycle.testsupport.EtcdServer;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link EtcdClusterStore} keeps the {@link ClusterStore} contract on a real etcd. Each test has a
 * key prefix of its own; another client is another store, with its own etcd connection, on the same
 * prefix.
 */
class EtcdClusterStoreCompatibilityTest extends ClusterStoreCompatibilityKit {
  private static EtcdServer etcd;
  private String prefix;

  @BeforeAll
  static void start() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Override
  protected ClusterStore newStore() {
    prefix = "/kit-" + UUID.randomUUID();
    return reopen();
  }

  @Override
  protected ClusterStore reopen() {
    return EtcdClusterStore.builder()
        .endpoints(EtcdEndpoints.parse(etcd.url()))
        .prefix(prefix)
        .build();
  }
}

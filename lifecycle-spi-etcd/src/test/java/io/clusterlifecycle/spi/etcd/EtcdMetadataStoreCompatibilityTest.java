package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.testkit.compat.MetadataStoreCompatibilityKit;
import io.clusterlifecycle.testsupport.EtcdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link EtcdMetadataStore} keeps the {@link MetadataStore} contract on a real etcd. The contract's
 * one-notification-per-commit needs each commit to fit one etcd transaction: the kit commits 500
 * keys at once, so the server runs with {@code --max-txn-ops} raised to {@value
 * EtcdServer#MAX_TXN_OPS} and the store is told so in its address (with etcd's default of 128, a
 * commit that large is split, as {@link EtcdMetadataStore} documents).
 */
class EtcdMetadataStoreCompatibilityTest extends MetadataStoreCompatibilityKit {
  private static EtcdServer etcd;

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
  protected MetadataStore newStore() {
    return EtcdMetadataStore.open(etcd.url() + "?max-txn-ops=" + EtcdServer.MAX_TXN_OPS);
  }
}

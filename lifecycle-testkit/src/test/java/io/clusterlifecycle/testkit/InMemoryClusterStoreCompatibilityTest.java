package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.testkit.compat.ClusterStoreCompatibilityKit;

/** {@link InMemoryClusterStore} keeps the {@link ClusterStore} contract. */
class InMemoryClusterStoreCompatibilityTest extends ClusterStoreCompatibilityKit {
  private InMemoryClusterStore last;

  @Override
  protected ClusterStore newStore() {
    last = new InMemoryClusterStore();
    return last;
  }

  @Override
  protected ClusterStore reopen() {
    return last.newClient();
  }
}

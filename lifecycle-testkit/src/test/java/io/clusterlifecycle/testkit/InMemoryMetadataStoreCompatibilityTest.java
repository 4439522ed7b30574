package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.testkit.compat.MetadataStoreCompatibilityKit;

/** {@link InMemoryMetadataStore} keeps the {@link MetadataStore} contract. */
class InMemoryMetadataStoreCompatibilityTest extends MetadataStoreCompatibilityKit {
  @Override
  protected MetadataStore newStore() {
    return new InMemoryMetadataStore();
  }
}

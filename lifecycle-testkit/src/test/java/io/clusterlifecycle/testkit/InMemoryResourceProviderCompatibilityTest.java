package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit;

/** {@link InMemoryResourceProvider} keeps the {@link ResourceProvider} contract. */
class InMemoryResourceProviderCompatibilityTest extends ResourceProviderCompatibilityKit {
  @Override
  protected ResourceProvider newProvider() {
    return InMemoryResourceProvider.builder().build();
  }
}

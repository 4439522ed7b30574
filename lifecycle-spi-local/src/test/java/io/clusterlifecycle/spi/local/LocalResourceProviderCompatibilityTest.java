package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link LocalResourceProvider} keeps the {@link ResourceProvider} contract: on a home of its own
 * per test, with the pool the provider creates and shuts down on close.
 */
class LocalResourceProviderCompatibilityTest extends ResourceProviderCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected ResourceProvider newProvider() {
    return new LocalResourceProvider(LocalHome.open(dir));
  }
}

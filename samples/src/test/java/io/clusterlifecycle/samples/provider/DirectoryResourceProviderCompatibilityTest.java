package io.clusterlifecycle.samples.provider;

import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link DirectoryResourceProvider} keeps the {@link ResourceProvider} contract: the whole test of
 * an adapter against the compatibility kit is a factory method.
 */
class DirectoryResourceProviderCompatibilityTest extends ResourceProviderCompatibilityKit {
  @TempDir Path root;

  @Override
  protected ResourceProvider newProvider() {
    return DirectoryResourceProvider.open(root);
  }
}

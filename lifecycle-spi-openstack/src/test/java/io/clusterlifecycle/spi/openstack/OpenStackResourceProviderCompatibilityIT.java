package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.testkit.compat.ResourceProviderCompatibilityKit;
import java.util.concurrent.TimeUnit;

/**
 * {@link OpenStackResourceProvider} keeps the {@link ResourceProvider} contract on a real OpenStack
 * Zed (keystone, nova with the fake driver, cinder with a no-op backend, glance), with {@code
 * network: none}: the kit's 1 core / 512 MiB nodes get flavor {@code lc.1c512}, its resize {@code
 * lc.2c1024}, its images are the stack's {@code kit-image-1} and {@code kit-image-2}, and volumes
 * are real Cinder volumes attached through Nova. Kept volumes are deleted after each test.
 */
class OpenStackResourceProviderCompatibilityIT extends ResourceProviderCompatibilityKit {
  @Override
  protected ResourceProvider newProvider() {
    return RealStack.provider().build();
  }

  @Override
  protected String image() {
    return "kit-image-1";
  }

  @Override
  protected String otherImage() {
    return "kit-image-2";
  }

  @Override
  protected void removeKeptVolume(String volumeId) throws Exception {
    new Cinder(RealStack.api()).delete(volumeId).get(60, TimeUnit.SECONDS);
  }
}

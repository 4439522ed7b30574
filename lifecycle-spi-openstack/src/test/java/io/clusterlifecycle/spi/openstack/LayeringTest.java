package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesOnlyTheApiOfThisProject() {
    Layering.adapter("lifecycle-spi-openstack", "io.clusterlifecycle.spi.openstack")
        .check(Layering.mainClasses());
  }
}

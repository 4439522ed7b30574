package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesOnlyTheApiAndTheCodecOfThisProject() {
    Layering.adapter("lifecycle-spi-k8s", "io.clusterlifecycle.spi.k8s")
        .check(Layering.mainClasses());
  }
}

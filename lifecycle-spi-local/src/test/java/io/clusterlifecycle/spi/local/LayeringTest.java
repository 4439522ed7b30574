package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesOnlyTheApiAndTheCodecOfThisProject() {
    Layering.adapter("lifecycle-spi-local", "io.clusterlifecycle.spi.local")
        .check(Layering.mainClasses());
  }
}

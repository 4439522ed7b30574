package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesOnlyTheApiAndTheCodecOfThisProject() {
    Layering.adapter("lifecycle-spi-jdbc", "io.clusterlifecycle.spi.jdbc")
        .check(Layering.mainClasses());
  }
}

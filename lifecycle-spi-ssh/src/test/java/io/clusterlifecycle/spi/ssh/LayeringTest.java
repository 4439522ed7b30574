package io.clusterlifecycle.spi.ssh;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesOnlyTheApiAndTheCodecOfThisProject() {
    Layering.adapter("lifecycle-spi-ssh", "io.clusterlifecycle.spi.ssh")
        .check(Layering.mainClasses());
  }
}

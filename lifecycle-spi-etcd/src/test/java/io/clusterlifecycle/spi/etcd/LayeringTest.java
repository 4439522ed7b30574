package io.clusterlifecycle.spi.etcd;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesOnlyTheApiAndTheCodecOfThisProject() {
    Layering.adapter("lifecycle-spi-etcd", "io.clusterlifecycle.spi.etcd")
        .check(Layering.mainClasses());
  }
}

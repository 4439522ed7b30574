package io.clusterlifecycle.source;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesOnlyTheApiAndTheCodecOfThisProject() {
    Layering.dependsOnlyOn(
            "lifecycle-source", "io.clusterlifecycle.source", Layering.API, Layering.CODEC)
        .check(Layering.mainClasses());
  }
}

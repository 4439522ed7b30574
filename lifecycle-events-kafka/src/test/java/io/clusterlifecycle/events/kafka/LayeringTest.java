package io.clusterlifecycle.events.kafka;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesOnlyTheApiOfThisProject() {
    Layering.dependsOnlyOn(
            "lifecycle-events-kafka", "io.clusterlifecycle.events.kafka", Layering.API)
        .check(Layering.mainClasses());
  }
}

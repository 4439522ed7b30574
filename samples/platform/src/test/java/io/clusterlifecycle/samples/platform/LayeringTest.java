package io.clusterlifecycle.samples.platform;

import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  @Test
  void usesTheLibraryThroughItsApiSpecSourcesAndCodecOnly() {
    Layering.dependsOnlyOn(
            "samples/platform",
            "io.clusterlifecycle.samples.platform",
            Layering.API,
            Layering.CODEC,
            "io.clusterlifecycle.source..")
        .check(Layering.mainClasses());
  }
}

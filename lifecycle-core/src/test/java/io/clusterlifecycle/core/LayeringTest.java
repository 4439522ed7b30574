package io.clusterlifecycle.core;

import com.tngtech.archunit.core.domain.JavaClasses;
import io.clusterlifecycle.testsupport.Layering;
import org.junit.jupiter.api.Test;

class LayeringTest {
  private static final JavaClasses CORE = Layering.mainClasses();

  @Test
  void usesOnlyTheApiAndTheCodec_noAdapterCliOrTestkit() {
    Layering.dependsOnlyOn(
            "lifecycle-core", "io.clusterlifecycle.core", Layering.API, Layering.CODEC)
        .check(CORE);
  }

  @Test
  void thePlannerDoesNotTouchTheExecutor() {
    Layering.independent(
            "io.clusterlifecycle.core.internal.plan",
            "io.clusterlifecycle.core.internal.exec",
            "plans are pure: computed before anything runs, the same for dry-run and execution")
        .check(CORE);
  }

  @Test
  void thePlannerDoesNotTouchTheOperations() {
    Layering.independent(
            "io.clusterlifecycle.core.internal.plan",
            "io.clusterlifecycle.core.internal.ops",
            "operations compute their plans from the planner's blocks, never the other way round")
        .check(CORE);
  }
}

package io.clusterlifecycle.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The critical path computed from a plan under random latencies. */
class CriticalPathTest {

  @Test
  void criticalPath_isTheSumOfEachStagesSlowestStep_withRandomLatencies() {
    LatencyModel latency =
        new LatencyModel(
            Latency.uniform(Duration.ofMillis(150), Duration.ofMillis(250), 3),
            Latency.exponential(Duration.ofMillis(50), Duration.ofMillis(400), 5));
    Plan plan;
    try (PlanWorkload w = new PlanWorkload(40, 4)) {
      plan = w.planOnce();
    }

    CriticalPath critical = CriticalPath.of(plan, latency);

    long expected = 0;
    for (Stage stage : plan.stages()) {
      long slowest = 0;
      for (Step step : stage.steps()) {
        slowest = Math.max(slowest, latency.stepNanos(plan.clusterId(), step));
      }
      expected += slowest;
    }
    assertThat(critical.nanos()).isEqualTo(expected);
    assertThat(critical.stages())
        .extracting(CriticalPath.StageBound::name)
        .containsExactly(
            "create resources",
            "publish metadata",
            "init (order 0)",
            "init (order 1)",
            "start (order 0)",
            "start (order 1)");
    // draws are a function of the key: the same model gives the same path, another seed not
    assertThat(CriticalPath.of(plan, latency).nanos()).isEqualTo(critical.nanos());
    assertThat(critical.stages().get(0).nanos())
        .isBetween(Duration.ofMillis(150).toNanos(), Duration.ofMillis(250).toNanos());
  }
}

package io.clusterlifecycle.codec;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ElasticCounters;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ElasticityPolicy;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.ScalingType;
import io.clusterlifecycle.api.spec.ScheduledPolicy;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Elasticity and scheduled policies in spec files and in stored records (docs/design.md §6.14). */
class PolicySpecFileTest {
  private static final String SPEC =
      """
      name: web
      version: "1"
      roles:
        - role: web
          count: 2
          max_nodes: 10
          advanced_actions: [scale_horizontal]
          elasticity_policies:
            - expression: "CPU > 80 && QUEUE > 10"
              type: PERCENTAGE_CHANGE
              adjust: 50
              min_adjust_step: 2
              period_number: 3
              period: 30
              cooldown: 120
            - {expression: "CPU < 20", adjust: -1}
          scheduled_policies:
            - {recurrence: "0 8 * * 1-5", type: CARDINALITY, adjust: 6}
            - {start_time: "2027-01-31T18:00:00Z", adjust: -2, cooldown: 0}
      """;

  @Test
  void policiesAreRead_withTheirDefaults() {
    RoleSpec web = AppSpecFiles.parse(SPEC, SpecFormat.YAML).roles().get(0);

    ElasticityPolicy busy = web.elasticityPolicies().get(0);
    assertThat(busy.expression().metrics()).containsExactly("CPU", "QUEUE");
    assertThat(busy.type()).isEqualTo(ScalingType.PERCENTAGE_CHANGE);
    assertThat(busy.adjust()).isEqualTo(50);
    assertThat(busy.minAdjustStep()).isEqualTo(2);
    assertThat(busy.periodNumber()).isEqualTo(3);
    assertThat(busy.period()).isEqualTo(Duration.ofSeconds(30));
    assertThat(busy.cooldown()).isEqualTo(Duration.ofSeconds(120));
    ElasticityPolicy idle = web.elasticityPolicies().get(1);
    assertThat(idle.type()).isEqualTo(ScalingType.CHANGE);
    assertThat(idle.period()).isEqualTo(Duration.ofSeconds(60));
    assertThat(idle.cooldown()).isEqualTo(Duration.ofSeconds(300));
    assertThat(web.scheduledPolicies())
        .containsExactly(
            ScheduledPolicy.recurring(ScalingType.CARDINALITY, 6, "0 8 * * 1-5"),
            ScheduledPolicy.once(ScalingType.CHANGE, -2, Instant.parse("2027-01-31T18:00:00Z"))
                .withCooldown(Duration.ZERO));
  }

  @Test
  void policiesSurviveWritingAndReading_inBothFormats() {
    AppSpec spec = AppSpecFiles.parse(SPEC, SpecFormat.YAML);
    for (SpecFormat format : SpecFormat.values()) {
      assertThat(AppSpecFiles.parse(AppSpecFiles.write(spec, format), format)).isEqualTo(spec);
    }
  }

  @Test
  void theAutoscalersCountersSurviveTheRecordCodec() {
    AppSpec spec = AppSpecFiles.parse(SPEC, SpecFormat.YAML);
    Instant now = Instant.parse("2026-12-03T10:00:00Z");
    ElasticCounters counters =
        new ElasticCounters(
            Map.of("e0", 2, "e1", 0), Map.of("e0", now, "s0", now), Duration.ofSeconds(120));
    Cluster c = Cluster.builder("c1", "web", spec, now).elasticity("web", counters).build();

    Cluster back = RecordCodec.read(RecordCodec.write(c), Cluster.class);

    assertThat(back.elasticity()).containsExactly(Map.entry("web", counters));
    assertThat(back.spec()).isEqualTo(spec);
    assertThat(Optional.of(back)).contains(c);
  }

  @Test
  void recurrences_nextFiringIsInUtc() {
    assertThat(Recurrences.next("0 8 * * 1-5", Instant.parse("2026-12-04T09:00:00Z")))
        .contains(Instant.parse("2026-12-07T08:00:00Z"));
    assertThat(Recurrences.problem("*/5 * * * *")).isEmpty();
  }
}

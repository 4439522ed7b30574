package io.clusterlifecycle.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class LifecycleExtensionSettingsTest {
  @RegisterExtension
  static final LifecycleExtension ONE_AT_A_TIME =
      LifecycleExtension.configuring(b -> b.maxInFlight(1));

  private static final AppSpec ZK =
      AppSpec.builder("zookeeper", "3.8.4")
          .role("zk", r -> r.count(3).service("start", "s"))
          .build();

  @Test
  void theSettingsReachTheEngine_oneStepInFlight_startsNeverOverlap(TestLifecycle lc) {
    lc.commands().on("start").latency(Duration.ofMillis(30));

    lc.engine().create(CreateCluster.builder(ZK, "zk1").build());

    lc.trace().ranOnNodes("start", "zk1-zk-1", "zk1-zk-2", "zk1-zk-3");
    assertThatThrownBy(() -> lc.trace().ranInParallel("start"))
        .hasMessageContaining("ran one after another");
  }

  @Test
  void configuring_refusesNull() {
    assertThatThrownBy(() -> LifecycleExtension.configuring(null))
        .isInstanceOf(NullPointerException.class);
    assertThat(LifecycleExtension.configuring(b -> {})).isNotNull();
  }
}

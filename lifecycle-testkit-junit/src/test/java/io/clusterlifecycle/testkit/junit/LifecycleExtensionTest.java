package io.clusterlifecycle.testkit.junit;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.testkit.VirtualClock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LifecycleExtension.class)
class LifecycleExtensionTest {
  private static final List<TestLifecycle> SEEN = new ArrayList<>();
  private static final AppSpec ZK =
      AppSpec.builder("zookeeper", "3.8.4")
          .role(
              "zk", r -> r.count(3).service("init", "i").service("start", s -> s.cmd("s").order(1)))
          .build();

  private TestLifecycle fromBeforeEach;

  @BeforeEach
  void remember(TestLifecycle lc) {
    fromBeforeEach = lc;
  }

  @Test
  void aTest_getsAnEngineOnInMemorySpis_withAVirtualClock(TestLifecycle lc) {
    SEEN.add(lc);
    assertThat(lc).as("one engine per test, shared with its @BeforeEach").isSameAs(fromBeforeEach);
    lc.clock().set(VirtualClock.DEFAULT_START.plus(Duration.ofDays(3)));
    Cluster c = lc.engine().create(CreateCluster.builder(ZK, "zk1").build());
    assertThat(c.createdAt()).isEqualTo(VirtualClock.DEFAULT_START.plus(Duration.ofDays(3)));
    assertThat(lc.resources().resources(c.id())).hasSize(3);
    lc.trace()
        .ranOnNodes("start", "zk1-zk-1", "zk1-zk-2", "zk1-zk-3")
        .ranBefore("init", "start")
        .hasStatePath("PENDING", "DEPLOYING", "RUNNING");
  }

  @Test
  void anotherTest_getsAFreshOne(TestLifecycle lc) {
    SEEN.add(lc);
    assertThat(lc.engine().list(io.clusterlifecycle.api.model.ClusterQuery.all())).isEmpty();
    assertThat(lc.events().events()).isEmpty();
  }

  @AfterAll
  static void eachTestHadItsOwn_closedAfterIt() {
    assertThat(SEEN).hasSize(2);
    assertThat(SEEN.get(0)).isNotSameAs(SEEN.get(1));
    for (TestLifecycle lc : SEEN) {
      assertThat(lc.engine().submit(CreateCluster.builder(ZK, "late").build()))
          .as("the engine is closed after its test")
          .isCompletedExceptionally();
    }
  }
}

package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.AddRole;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Requests are bounded (docs/design.md §11): node counts over the engine's limits or the provider's
 * capacity are refused with the request, before anything is planned or written.
 */
class NodeLimitsTest {
  private static final Duration LONG = Duration.ofSeconds(30);
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  /** A spec whose worker role scales without bound. */
  private static AppSpec unbounded() {
    return AppSpec.builder("web", "1.0")
        .role(
            "web",
            r ->
                r.count(2)
                    .maxNodes(RoleSpec.UNBOUNDED)
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service("start", "s"))
        .build();
  }

  @Test
  void addNodes_overThePerRequestLimit_isRefusedAtOnce_andNothingIsWritten() {
    Cluster before = h.engine.create(CreateCluster.builder(unbounded(), "kc").build());
    int puts = h.store.putCount();

    long t0 = System.nanoTime();
    assertThatThrownBy(() -> h.engine.addNodes(AddNodes.of("kc", "web", 2_000_000)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("this request creates 2000000 nodes")
        .hasMessageContaining("limit of " + LifecycleEngine.DEFAULT_MAX_NODES_PER_REQUEST);
    // refused before planning: a plan of two million nodes takes minutes and gigabytes
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(5));

    assertThat(h.store.putCount()).isEqualTo(puts);
    assertThat(h.engine.get("kc")).isEqualTo(before);
    assertThat(h.engine.operations("kc")).hasSize(1);
  }

  @Test
  void create_withCountsOverThePerClusterLimit_isRefused_andNoRecordExists() {
    LifecycleEngine small = h.engine(b -> b.maxNodesPerCluster(50).maxNodesPerRequest(100));

    assertThatThrownBy(
            () -> small.create(CreateCluster.builder(unbounded(), "kc").count("web", 51).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("the cluster would have 51 nodes")
        .hasMessageContaining("limit of 50 per cluster");

    assertThat(h.store.putCount()).isZero();
    assertThat(h.resources.calls()).isEmpty();
    small.close();
  }

  @Test
  void addNodes_andAddRole_countTheNodesTheClusterHasAlready() {
    LifecycleEngine small = h.engine(b -> b.maxNodesPerCluster(5));
    small.create(CreateCluster.builder(unbounded(), "kc").build());

    assertThatThrownBy(() -> small.addNodes(AddNodes.of("kc", "web", 4)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("the cluster would have 6 nodes");
    RoleSpec extra = RoleSpec.builder("extra").count(4).service("start", "s").build();
    assertThatThrownBy(() -> small.execute(AddRole.of("kc", extra)))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("the cluster would have 6 nodes");
    assertThat(small.addNodes(AddNodes.of("kc", "web", 3)).nodes()).hasSize(5);
    small.close();
  }

  @Test
  void theProvidersStatedCapacity_boundsTheCluster() {
    InMemoryResourceProvider tiny = InMemoryResourceProvider.builder().maxNodes(3).build();
    LifecycleEngine engine = h.engine(b -> b.resourceProvider(tiny));

    assertThatThrownBy(
            () -> engine.create(CreateCluster.builder(unbounded(), "kc").count("web", 4).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("the resource provider holds at most 3");
    assertThat(
            engine
                .plan(CreateCluster.builder(unbounded(), "kc").count("web", 3).build())
                .steps()
                .count())
        .isPositive();
    engine.close();
  }

  @Test
  void aCountForARoleTheSpecDoesNotHave_isBadInput() {
    assertThatThrownBy(
            () -> h.engine.create(CreateCluster.builder(unbounded(), "kc").count("wbe", 1).build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("counts.wbe")
        .hasMessageContaining("has no role 'wbe'; its roles are web");
    assertThat(h.store.putCount()).isZero();
  }

  @Test
  void theLimitsMustBePositive() {
    assertThatThrownBy(() -> LifecycleEngine.builder().maxNodesPerCluster(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxNodesPerCluster must be >= 1");
    assertThatThrownBy(() -> LifecycleEngine.builder().maxNodesPerRequest(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("maxNodesPerRequest must be >= 1");
  }
}

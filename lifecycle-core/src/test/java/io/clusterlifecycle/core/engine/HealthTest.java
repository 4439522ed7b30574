package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.RoleState;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Health and role states (docs/design.md §3.6): a health check moves an idle cluster to WARNING
 * while a node is unhealthy (its instance is down, its role's {@code health} service fails, or its
 * scripts reported it blocked) and back to RUNNING once healthy; roles show their own state.
 */
class HealthTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private static AppSpec spec() {
    return AppSpec.builder("shop", "1")
        .role(
            "db",
            r ->
                r.count(2)
                    .service("start", "s")
                    .service("stop", "s")
                    .service("health", "pg_isready")
                    .service("report", "r"))
        .role("web", r -> r.count(1).service("start", "s").service("stop", "s"))
        .build();
  }

  private Cluster create() {
    return h.engine.create(CreateCluster.builder(spec(), "s").build());
  }

  @Test
  void aFailingHealthServiceShowsWarning_andTheClusterIsRunningAgainOnceItPasses() {
    Cluster c = create();
    assertThat(h.engine.checkHealth("s").state()).isEqualTo(ClusterState.RUNNING);
    assertThat(h.commands.runs("health")).hasSize(2);

    h.commands.on("health").forNode("s-db-2").stderr("no response\n").exit(2);
    Cluster warned = h.engine.checkHealth("s");

    assertThat(warned.state()).isEqualTo(ClusterState.WARNING);
    assertThat(warned.node("s-db-2").orElseThrow().problem())
        .contains("health exited with 2: no response");
    assertThat(warned.node("s-db-1").orElseThrow().problem()).isEmpty();
    assertThat(warned.roleStates())
        .containsExactly(Map.entry("db", RoleState.WARNING), Map.entry("web", RoleState.RUNNING));
    assertThat(h.events.events(EventType.NODE_HEALTH))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.node()).contains("s-db-2");
              assertThat(e.message()).contains("health exited with 2: no response");
            });
    assertThat(h.events.events(EventType.STATE_CHANGED))
        .extracting(e -> e.from().orElse("") + ">" + e.to().orElse(""))
        .endsWith("RUNNING>WARNING");
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all()))
        .extracting(Cluster::state)
        .containsExactly(ClusterState.WARNING);

    // an operation on a warning cluster ends in WARNING while the problem is known
    h.engine.execute(RunService.of("s", "report"));
    assertThat(h.engine.get("s").state()).isEqualTo(ClusterState.WARNING);

    h.commands.clearRules();
    Cluster healed = h.engine.checkHealth("s");
    assertThat(healed.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(healed.node("s-db-2").orElseThrow().problem()).isEmpty();
    assertThat(healed.roleStates()).containsValues(RoleState.RUNNING, RoleState.RUNNING);
    assertThat(h.events.events(EventType.NODE_HEALTH))
        .last()
        .satisfies(e -> assertThat(e.message()).isEmpty());
    assertThat(c.id()).isEqualTo(healed.id());
  }

  @Test
  void anInstanceTheProviderReportsDown_isAProblem_evenWithoutAHealthService() {
    Cluster c = create();
    h.resources.stop(new NodeRef(c.id(), "s-web-1")).toCompletableFuture().join();

    Cluster warned = h.engine.checkHealth("s");

    assertThat(warned.state()).isEqualTo(ClusterState.WARNING);
    assertThat(warned.node("s-web-1").orElseThrow().problem())
        .contains("the provider reports its instance not running");
    assertThat(warned.roleStates())
        .containsExactly(Map.entry("db", RoleState.RUNNING), Map.entry("web", RoleState.WARNING));

    h.resources.start(new NodeRef(c.id(), "s-web-1")).toCompletableFuture().join();
    assertThat(h.engine.checkHealth("s").state()).isEqualTo(ClusterState.RUNNING);
  }

  @Test
  void anEngineCheckingHealthEveryInterval_movesTheClusterByItself() {
    Cluster c = create();
    try (var checking = h.engine(b -> b.checkHealthEvery(Duration.ofMillis(50)))) {
      h.resources.stop(new NodeRef(c.id(), "s-db-1")).toCompletableFuture().join();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> h.engine.get("s").state() == ClusterState.WARNING);
      h.resources.start(new NodeRef(c.id(), "s-db-1")).toCompletableFuture().join();
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> h.engine.get("s").state() == ClusterState.RUNNING);
      assertThat(checking.get("s").node("s-db-1").orElseThrow().problem()).isEmpty();
    }
  }

  @Test
  void aNodeItsScriptsReportBlocked_endsTheOperationInWarning_untilTheyReportActive() {
    create();
    h.commands.on("report").forNode("s-db-1").status("blocked disk full");
    Operation op = h.engine.execute(RunService.of("s", "report"));

    Cluster c = h.engine.get("s");
    assertThat(c.state()).isEqualTo(ClusterState.WARNING);
    assertThat(h.events.events(EventType.STATE_CHANGED))
        .filteredOn(e -> e.operation().orElse("").equals(op.id()))
        .extracting(e -> e.from().orElse("") + ">" + e.to().orElse(""))
        .containsExactly("RUNNING>UPDATING", "UPDATING>WARNING");

    h.commands.clearRules();
    h.commands.on("health").forNode("s-db-1").status("active");
    Cluster healed = h.engine.checkHealth("s");
    assertThat(healed.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(healed.node("s-db-1").orElseThrow().workload().orElseThrow().describe())
        .isEqualTo("active");
    assertThat(h.events.events(EventType.NODE_STATUS))
        .extracting(LifecycleEvent::to)
        .containsExactly(java.util.Optional.of("BLOCKED"), java.util.Optional.of("ACTIVE"));
  }

  @Test
  void rolesAnOperationActsOnTakeItsState_theOthersKeepTheirOwn_andStoppedClustersAreNotChecked()
      throws Exception {
    create();
    h.commands.on("report").hang();
    CompletableFuture<Operation> running =
        h.engine.submit(RunService.of("s", "report").withTimeout(Duration.ofSeconds(30)));
    await().until(() -> h.commands.inFlight() == 2);

    Cluster busy = h.engine.get("s");
    assertThat(busy.state()).isEqualTo(ClusterState.UPDATING);
    assertThat(busy.roleStates())
        .containsExactly(Map.entry("db", RoleState.UPDATING), Map.entry("web", RoleState.RUNNING));
    assertThat(h.engine.checkHealth("s").state())
        .as("a busy cluster is not checked")
        .isEqualTo(ClusterState.UPDATING);
    assertThat(h.commands.runs("health")).isEmpty();

    h.engine.cancel("s");
    assertThat(running).failsWithin(Duration.ofSeconds(30));
    Cluster failed = h.engine.get("s");
    assertThat(failed.roleStates())
        .containsExactly(
            Map.entry("db", RoleState.of(failed.state())), Map.entry("web", RoleState.RUNNING));

    h.commands.clearRules();
    h.engine.execute(RestartCluster.of("s"));
    h.engine.execute(StopCluster.of("s"));
    Cluster stopped = h.engine.checkHealth("s");
    assertThat(stopped.state()).isEqualTo(ClusterState.STOPPED);
    assertThat(stopped.roleStates()).containsValues(RoleState.STOPPED, RoleState.STOPPED);
    assertThat(h.commands.runs("health")).isEmpty();
  }
}

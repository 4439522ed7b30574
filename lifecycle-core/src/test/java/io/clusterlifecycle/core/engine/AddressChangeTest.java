package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A provider that recreates instances gives nodes new addresses (docs/design.md §5.7): the engine
 * records them, republishes {@code /hosts} and runs reload, for any provider; when no address
 * changes, nothing more runs.
 */
class AddressChangeTest {
  private final Harness h = new Harness();
  private final InMemoryResourceProvider moving =
      InMemoryResourceProvider.builder().scheduler(h.scheduler).newAddressOnStart(true).build();
  private final LifecycleEngine engine = h.engine(b -> b.resourceProvider(moving));

  @AfterEach
  void close() {
    engine.close();
    h.close();
  }

  private static Map<String, String> addresses(Cluster c) {
    return c.nodes().stream().collect(Collectors.toMap(Node::id, n -> n.address().orElse("")));
  }

  private String hostIp(Cluster c, Node n) {
    return h.metadata
        .value("/clusters/" + c.id() + "/hosts/" + n.role() + "/" + n.id() + "/ip")
        .orElse("");
  }

  @Test
  void start_thatMovesTheNodes_recordsTheNewAddresses_republishesHosts_andReloads() {
    Cluster created =
        engine.create(CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo").build());
    engine.execute(StopCluster.of("demo"));

    engine.execute(StartCluster.of("demo"));

    Cluster started = engine.get("demo");
    Map<String, String> before = addresses(created);
    Map<String, String> after = addresses(started);
    assertThat(after.keySet()).isEqualTo(before.keySet());
    after.forEach((node, ip) -> assertThat(ip).isNotEmpty().isNotEqualTo(before.get(node)));
    assertThat(started.nodes())
        .allSatisfy(n -> assertThat(hostIp(started, n)).isEqualTo(n.address().orElse("")));
    assertThat(h.stages())
        .endsWith(
            "republish /hosts (an address changed): put",
            // the client's reload watches /hosts
            "reload (order 0): reload@demo-client-1=0");
  }

  @Test
  void start_thatKeepsTheAddresses_runsNoFollowUp_thoughThePlanHoldsIt() {
    Cluster created =
        h.engine.create(CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo").build());
    h.engine.execute(StopCluster.of("demo"));

    assertThat(h.engine.plan(StartCluster.of("demo")).stages())
        .filteredOn(s -> s.kind() == Stage.Kind.IF_ADDRESSES_CHANGED)
        .extracting(Stage::name)
        .containsExactly("republish /hosts (an address changed)", "reload (order 0)");
    assertThat(h.engine.plan(StartCluster.of("demo")).toText()).contains("[if an address changed]");
    h.engine.execute(StartCluster.of("demo"));

    assertThat(addresses(h.engine.get("demo"))).isEqualTo(addresses(created));
    assertThat(h.stages()).noneMatch(s -> s.startsWith("republish /hosts"));
  }

  @Test
  void aRebootThatMovesTheNodes_reloadsTheClustersThatDependOnIt() {
    engine.create(CreateCluster.builder(EngineFlowsTest.spec(r -> {}), "demo").build());
    Cluster kafka =
        engine.create(
            CreateCluster.builder(ReleaseSettingsTest.kafka(), "kafka")
                .dependency("demo", "demo")
                .build());
    long before =
        h.commands.runs("reload").stream().filter(r -> r.nodeId().startsWith("kafka-")).count();
    RunService reboot = RunService.of("demo", "reboot").onRole("worker");
    assertThat(engine.plan(reboot).stages())
        .filteredOn(s -> s.name().equals("reload dependents"))
        .extracting(Stage::kind)
        .containsExactly(Stage.Kind.IF_ADDRESSES_CHANGED);

    engine.execute(reboot);

    Cluster demo = engine.get("demo");
    assertThat(
            h.commands.runs("reload").stream().filter(r -> r.nodeId().startsWith("kafka-")).count()
                - before)
        .isEqualTo(2);
    Node worker = demo.node("demo-worker-1").orElseThrow();
    assertThat(
            h.metadata.value(
                "/clusters/" + kafka.id() + "/links/demo/hosts/worker/demo-worker-1/ip"))
        .contains(worker.address().orElseThrow());
  }
}

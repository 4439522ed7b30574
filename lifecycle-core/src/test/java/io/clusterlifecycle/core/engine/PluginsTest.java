package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.plugin.PluginRef;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.SpecPlugin;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.plugins.NodeLabelsPlugin;
import io.clusterlifecycle.core.plugins.PlacementPlugin;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Plugins (docs/design.md §15): merged by name on create, upgrade and reconfigure, with the seed's
 * upgrade example verbatim, refused when unknown, repeated or given bad arguments, and applied to
 * the node specs of later creates.
 */
class PluginsTest {
  private final Harness h = new Harness();
  private final LifecycleEngine engine =
      h.engine(
          b ->
              b.plugin(new Named("nodeAffinity"))
                  .plugin(new Named("guardian"))
                  .plugin(new Named("ingress"))
                  .plugin(new NodeLabelsPlugin())
                  .plugin(new PlacementPlugin()));

  @AfterEach
  void close() {
    engine.close();
    h.close();
  }

  /** A test plugin that accepts any arguments but {@code "bad"} and changes nothing. */
  private record Named(String name) implements SpecPlugin {
    @Override
    public String version() {
      return "1";
    }

    @Override
    public void checkArgs(String args) {
      if (args.equals("bad")) {
        throw new IllegalArgumentException("args must not be 'bad'");
      }
    }
  }

  private static List<String> names(Cluster c) {
    return c.plugins().stream().map(PluginRef::name).toList();
  }

  private static SettingsChange plugins(PluginRef... refs) {
    return SettingsChange.NONE.withPlugins(List.of(refs));
  }

  @Test
  void theSeedsUpgradeExampleDisablesGuardianAndAppendsIngress() {
    Cluster before =
        engine.create(
            CreateCluster.builder(ReleaseSettingsTest.zookeeper("6.1.0", 1), "zookeeper-demo")
                .plugin(PluginRef.of("nodeAffinity", "{\"zone\":\"a\"}"))
                .plugin(PluginRef.of("guardian", ""))
                .build());
    assertThat(names(before)).containsExactly("nodeAffinity", "guardian");

    engine.execute(
        Upgrade.of("zookeeper-demo", ReleaseSettingsTest.zookeeper("6.2.0", 2))
            .withChanges(
                plugins(PluginRef.disabled("guardian"), PluginRef.of("ingress", "{\"port\":80}"))));

    Cluster after = engine.get("zookeeper-demo");
    assertThat(after.spec().version()).isEqualTo("6.2.0");
    assertThat(after.plugins())
        .containsExactly(
            PluginRef.of("nodeAffinity", "{\"zone\":\"a\"}"),
            PluginRef.of("ingress", "{\"port\":80}"));
  }

  @Test
  void aKnownNameIsReplacedInPlaceAndAPluginsOnlyReconfigureRerunsNothing() {
    engine.create(
        CreateCluster.builder(ReleaseSettingsTest.zookeeper("6.1.0", 1), "zk")
            .plugin(PluginRef.of("nodeAffinity", "1"))
            .plugin(PluginRef.of("guardian", "1"))
            .build());
    int reloads = h.commands.runCount("reload");
    engine.execute(Reconfigure.of("zk", plugins(PluginRef.of("nodeAffinity", "2"))));
    assertThat(engine.get("zk").plugins())
        .containsExactly(PluginRef.of("nodeAffinity", "2"), PluginRef.of("guardian", "1"));
    assertThat(h.commands.runCount("reload")).isEqualTo(reloads);
    assertThat(h.stages()).isEmpty();
  }

  @Test
  void refusedRequestsNameThePluginAndChangeNothing() {
    Cluster created =
        engine.create(
            CreateCluster.builder(ReleaseSettingsTest.zookeeper("6.1.0", 1), "zk")
                .plugin(PluginRef.of("guardian", ""))
                .build());

    assertThatThrownBy(
            () ->
                engine.execute(
                    Reconfigure.of(
                        "zk", plugins(PluginRef.of("ingress", "1"), PluginRef.of("ingress", "2")))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("request.plugins[1]: plugin 'ingress' is given twice");
    assertThatThrownBy(
            () -> engine.execute(Reconfigure.of("zk", plugins(PluginRef.of("istio", "")))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "request.plugins[0]: no plugin 'istio' in this engine; registered: guardian, ingress,"
                + " node-labels, nodeAffinity, placement");
    assertThatThrownBy(
            () ->
                engine.execute(
                    Upgrade.of("zk", ReleaseSettingsTest.zookeeper("6.2.0", 2))
                        .withChanges(plugins(PluginRef.of("ingress", "bad")))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("request.plugins[0].args: args must not be 'bad'");
    assertThatThrownBy(
            () ->
                engine.execute(
                    Reconfigure.of(
                        "zk",
                        plugins(PluginRef.of(NodeLabelsPlugin.NAME, "{\"labels\":{\"team\":1}}")))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("request.plugins[0].args: node-labels labels.team must be a string");
    assertThatThrownBy(
            () ->
                engine.execute(
                    Reconfigure.of("zk", plugins(new PluginRef("guardian", "2", "", false)))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("request.plugins[0]: plugin 'guardian' is version 1");

    Cluster now = engine.get("zk");
    assertThat(now.plugins()).containsExactly(PluginRef.of("guardian", ""));
    assertThat(now.spec().version()).isEqualTo("6.1.0");
    assertThat(now.version()).isEqualTo(created.version());

    assertThatThrownBy(
            () ->
                engine.create(
                    CreateCluster.builder(ReleaseSettingsTest.zookeeper("6.1.0", 1), "zk2")
                        .plugin(PluginRef.of("istio", ""))
                        .build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("request.plugins[0]: no plugin 'istio'");
    assertThat(engine.list(io.clusterlifecycle.api.model.ClusterQuery.all()))
        .extracting(Cluster::name)
        .containsExactly("zk");
  }

  @Test
  void theDefaultEngineHasNoPlugins() {
    assertThatThrownBy(
            () ->
                h.engine.create(
                    CreateCluster.builder(ReleaseSettingsTest.zookeeper("6.1.0", 1), "zk")
                        .plugin(PluginRef.of(NodeLabelsPlugin.NAME, "{\"labels\":{\"a\":\"b\"}}"))
                        .build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("no plugin 'node-labels' in this engine; registered: none");
  }

  @Test
  void twoPluginsOfOneNameAreRefusedByTheBuilder() {
    assertThatThrownBy(
            () -> LifecycleEngine.builder().plugin(new Named("a")).plugin(new Named("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("a plugin named 'a' is registered already");
  }

  @Test
  void nodeLabelsAndPlacementReachTheResourcesCreatedAfterTheyAreEnabled() {
    Cluster c =
        engine.create(
            CreateCluster.builder(ReleaseSettingsTest.zookeeper("6.1.0", 1), "zk")
                .plugin(
                    PluginRef.of(
                        NodeLabelsPlugin.NAME, "{\"labels\":{\"team\":\"data\",\"tier\":\"1\"}}"))
                .build());
    List<NodeResource> created = h.resources.resources(c.id());
    assertThat(created).hasSize(3);
    for (NodeResource r : created) {
      assertThat(r.tags())
          .containsEntry("team", "data")
          .containsEntry("tier", "1")
          .containsEntry(NodeSpec.TAG_CLUSTER, c.id());
    }

    engine.execute(
        Reconfigure.of(
            "zk",
            plugins(
                PluginRef.of(PlacementPlugin.NAME, "{\"node_selector\":{\"disktype\":\"ssd\"}}"))));
    assertThat(h.resources.resources(c.id()))
        .allSatisfy(r -> assertThat(r.tags()).doesNotContainKey("lifecycle.placement/disktype"));

    engine.execute(AddNodes.of("zk", "zookeeper", 1));
    Map<String, String> tags = new LinkedHashMap<>();
    h.resources.resources(c.id()).stream()
        .filter(r -> r.ref().nodeId().equals("zk-zookeeper-4"))
        .forEach(r -> tags.putAll(r.tags()));
    assertThat(tags)
        .containsEntry("team", "data")
        .containsEntry(PlacementPlugin.TAG_PREFIX + "disktype", "ssd");
  }
}

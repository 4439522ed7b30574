package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.request.SettingsChange;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.ParameterSpec;
import io.clusterlifecycle.api.spec.ParameterType;
import io.clusterlifecycle.api.state.ClusterState;
import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Config values and parameters, labels and dependencies (docs/design.md §15), with the release
 * manager seed's three examples verbatim: config priority, upgrade reuse, and kafka seeing a change
 * of the zookeeper it depends on.
 */
class ReleaseSettingsTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  /**
   * The seed's zookeeper chart: parameters over the appConfig values; {@code priority} per version.
   */
  static AppSpec zookeeper(String version, long priority) {
    String zk = "appConfig.zookeeper.";
    return AppSpec.builder("zookeeper", version)
        .parameter(param("priority", ParameterType.INTEGER, zk + "priority", priority, ""))
        .parameter(param("replicas", ParameterType.INTEGER, zk + "replicas", 3L, ""))
        .parameter(param("limitsCpu", ParameterType.NUMBER, zk + "resources.cpu_limit", 3L, ""))
        .parameter(
            param("requestsCpu", ParameterType.NUMBER, zk + "resources.cpu_request", 0.5, ""))
        .parameter(
            param("limitsMemory", ParameterType.NUMBER, zk + "resources.memory_limit", 4L, "Gi"))
        .parameter(
            param(
                "requestsMemory", ParameterType.NUMBER, zk + "resources.memory_request", 1L, "Gi"))
        .role(
            "zookeeper",
            r ->
                r.count(3)
                    .maxNodes(9)
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service("start", "zk-start")
                    .service("reload", "zk-reload"))
        .build();
  }

  private static ParameterSpec param(
      String name, ParameterType type, String path, Object def, String unit) {
    return ParameterSpec.builder(name, type)
        .path(path)
        .defaultValue(def)
        .unit(unit)
        .range(BigDecimal.ZERO, BigDecimal.valueOf(64))
        .build();
  }

  /** The seed's configValues of the installed release. */
  static Map<String, Object> seedValues(long priority) {
    Map<String, Object> storage =
        map(
            "data",
            map(
                "storageClass", "silver",
                "size", "100Gi",
                "accessMode", "ReadWriteOnce",
                "limit", Map.of()));
    Map<String, Object> resources = new LinkedHashMap<>();
    resources.put("cpu_limit", 3L);
    resources.put("cpu_request", 0.5);
    resources.put("memory_limit", "4Gi");
    resources.put("memory_request", "1Gi");
    resources.put("storage", storage);
    Map<String, Object> zk = new LinkedHashMap<>();
    zk.put("priority", priority);
    zk.put("replicas", 3L);
    zk.put("image", "zookeeper:transwarp-5.2");
    zk.put("env_list", List.of());
    zk.put("use_host_network", false);
    zk.put("resources", resources);
    return map("appConfig", map("zookeeper", zk));
  }

  private static Map<String, Object> map(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return m;
  }

  @Test
  void theSeedsConfigExampleParametersWinOverValuesAndTheUpgradeMergesBoth() {
    Cluster before =
        h.engine.create(
            CreateCluster.builder(zookeeper("6.1.0", 1), "zookeeper-demo")
                .values(seedValues(1))
                .build());
    assertThat(before.config()).isEqualTo(seedValues(1));

    Map<String, Object> params = new LinkedHashMap<>();
    params.put("limitsCpu", 4);
    params.put("limitsMemory", 4);
    params.put("requestsCpu", 1);
    params.put("requestsMemory", 2);
    h.engine.execute(
        Upgrade.of("zookeeper-demo", zookeeper("6.2.0", 2))
            .withChanges(
                new SettingsChange(
                    map("appConfig", map("zookeeper", map("replicas", 2))),
                    params,
                    Map.of(),
                    Map.of())));

    Map<String, Object> after = seedValues(2);
    @SuppressWarnings("unchecked")
    Map<String, Object> res =
        (Map<String, Object>)
            ((Map<String, Object>) ((Map<String, Object>) after.get("appConfig")).get("zookeeper"))
                .get("resources");
    res.put("cpu_limit", 4L);
    res.put("cpu_request", 1L);
    res.put("memory_limit", "4Gi");
    res.put("memory_request", "2Gi");
    Cluster upgraded = h.engine.get("zookeeper-demo");
    assertThat(upgraded.config()).isEqualTo(after);
    String env = "/clusters/" + upgraded.id() + "/env/appConfig/zookeeper/";
    assertThat(h.metadata.value(env + "replicas")).contains("3");
    assertThat(h.metadata.value(env + "resources/memory_request")).contains("2Gi");
    assertThat(h.metadata.value(env + "resources/storage/data/size")).contains("100Gi");
  }

  @Test
  void reconfigureMergesValuesRemovesEmptyKeysRepublishesEnvAndReloadsInBatches() {
    Cluster c =
        h.engine.create(
            CreateCluster.builder(zookeeper("6.1.0", 1), "zk").values(seedValues(1)).build());
    int reloads = h.commands.runCount("reload");
    h.engine.execute(
        Reconfigure.of(
                "zk",
                new SettingsChange(
                    map("appConfig", map("zookeeper", map("image", "", "tick", 2000))),
                    Map.of("replicas", 5),
                    Map.of(),
                    Map.of()))
            .inBatches(1, java.time.Duration.ZERO));
    String env = "/clusters/" + c.id() + "/env/appConfig/zookeeper/";
    assertThat(h.metadata.value(env + "image")).isEmpty();
    assertThat(h.metadata.value(env + "tick")).contains("2000");
    assertThat(h.metadata.value(env + "replicas")).contains("5");
    assertThat(h.commands.runCount("reload") - reloads).isEqualTo(3);
    assertThat(h.stages())
        .containsExactly(
            "publish env and links: put",
            "batch 1/3: reload (order 0): reload@zk-zookeeper-1=0",
            "batch 2/3: reload (order 0): reload@zk-zookeeper-2=0",
            "batch 3/3: reload (order 0): reload@zk-zookeeper-3=0");
    Cluster now = h.engine.get("zk");
    assertThat(now.params()).containsEntry("replicas", 5L);
    assertThat(now.state()).isEqualTo(ClusterState.RUNNING);
  }

  @Test
  void badParametersAreRefusedNamingTheKeyAndChangeNothing() {
    h.engine.create(CreateCluster.builder(zookeeper("6.1.0", 1), "zk").build());
    Cluster before = h.engine.get("zk");
    assertThatThrownBy(
            () ->
                h.engine.execute(
                    Reconfigure.of(
                        "zk",
                        new SettingsChange(
                            Map.of(),
                            Map.of("replicas", "many", "limitsCpu", 100, "nope", 1),
                            Map.of(),
                            Map.of()))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("request.params.replicas: must be integer, was many")
        .hasMessageContaining("request.params.limitsCpu: must be within [0, 64], was 100")
        .hasMessageContaining("request.params.nope: app zookeeper 6.1.0 declares no parameter");
    assertThatThrownBy(
            () ->
                h.engine.create(
                    CreateCluster.builder(zookeeper("6.1.0", 1), "zk2")
                        .values(map("appConfig", map("zookeeper", map("replicas", "x"))))
                        .build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("request.values.appConfig.zookeeper.replicas: must be integer");
    assertThat(h.engine.get("zk").version()).isEqualTo(before.version());
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).hasSize(1);
  }

  @Test
  void aLabelWithoutAValueIsRefusedAndCreatesNothing() {
    Map<String, String> labels = new java.util.HashMap<>();
    labels.put("team", null);
    assertThatThrownBy(
            () ->
                h.engine.create(
                    new CreateCluster(
                        zookeeper("6.1.0", 1),
                        "zk",
                        "default",
                        Map.of(),
                        labels,
                        Map.of(),
                        java.util.Optional.empty(),
                        Map.of(),
                        Map.of(),
                        Map.of())))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("labels.team: must have a value");
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).isEmpty();
  }

  @Test
  void labelsGetDefaultsAtCreateAndMergeLaterWithoutTouchingNodes() {
    Cluster c =
        h.engine.create(
            CreateCluster.builder(zookeeper("6.1.0", 1), "zk").label("team", "data").build());
    assertThat(c.labels())
        .containsEntry("app.kubernetes.io/name", "zookeeper")
        .containsEntry("app.kubernetes.io/instance", "zk")
        .containsEntry("app.kubernetes.io/version", "6.1.0")
        .containsEntry("app.kubernetes.io/component", "zookeeper")
        .containsEntry("app.kubernetes.io/managed-by", "lifecycle")
        .containsEntry("team", "data");
    int commands = h.commands.runs().size();
    h.engine.execute(
        Reconfigure.of(
            "zk",
            new SettingsChange(Map.of(), Map.of(), Map.of("team", "", "tier", "gold"), Map.of())));
    Cluster now = h.engine.get("zk");
    assertThat(now.labels()).doesNotContainKey("team").containsEntry("tier", "gold");
    assertThat(h.commands.runs()).hasSize(commands);
    assertThat(
            h.engine.list(
                io.clusterlifecycle.api.model.ClusterQuery.all().withSelector("tier=gold")))
        .extracting(Cluster::name)
        .containsExactly("zk");
  }

  /** The seed's upgrade example: labels and dependencies before, in the request, and after. */
  @Test
  void theSeedsUpgradeReusesLabelsAndDependencies() {
    h.engine.create(
        CreateCluster.builder(zookeeper("6.0.0", 1), "zookeeper").namespace("namespace").build());
    h.engine.create(
        CreateCluster.builder(zookeeper("6.0.0", 1), "search").namespace("namespace1").build());
    h.engine.create(
        CreateCluster.builder(zookeeper("6.0.0", 1), "search").namespace("namespace2").build());
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put("app.kubernetes.io/name", "zookeeper");
    labels.put("app.kubernetes.io/version", "6.1.0");
    labels.put("app.kubernetes.io/managed-by", "walm");
    Cluster before =
        h.engine.create(
            CreateCluster.builder(zookeeper("6.1.0", 1), "zookeeper-demo")
                .namespace("namespace")
                .label("app.kubernetes.io/name", "zookeeper")
                .label("app.kubernetes.io/version", "6.1.0")
                .label("app.kubernetes.io/managed-by", "walm")
                .dependency("search", "namespace1/search")
                .dependency("zookeeper", "namespace/zookeeper")
                .build());
    assertThat(before.labels()).containsAllEntriesOf(labels);

    Map<String, String> requestLabels = new LinkedHashMap<>();
    requestLabels.put("app.kubernetes.io/version", "6.2.0");
    requestLabels.put("app.kubernetes.io/managed-by", "");
    h.engine.execute(
        Upgrade.of(before.id(), zookeeper("6.2.0", 2))
            .withChanges(
                new SettingsChange(
                    Map.of(), Map.of(), requestLabels, Map.of("search", "namespace2/search"))));

    Cluster after = h.engine.get(before.id());
    assertThat(after.labels())
        .containsEntry("app.kubernetes.io/name", "zookeeper")
        .containsEntry("app.kubernetes.io/version", "6.2.0")
        .doesNotContainKey("app.kubernetes.io/managed-by");
    assertThat(after.dependencies())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of("search", "namespace2/search", "zookeeper", "namespace/zookeeper"));
    String links = "/clusters/" + after.id() + "/links/";
    Cluster search2 =
        h.engine
            .list(io.clusterlifecycle.api.model.ClusterQuery.all().inNamespace("namespace2"))
            .get(0);
    assertThat(h.metadata.value(links + "search/cluster/cluster_id")).contains(search2.id());
  }

  /** The seed's dependency example: kafka depends on zookeeper and sees its changes. */
  /** The seed's kafka: two nodes whose reload watches {@code /links}. */
  static AppSpec kafka() {
    return AppSpec.builder("kafka", "6.1.0")
        .role(
            "kafka",
            r ->
                r.count(2)
                    .service("start", "kafka-start")
                    .service("reload", s -> s.cmd("kafka-reload").watch(List.of("/links"))))
        .build();
  }

  @Test
  void kafkaSeesAChangeOfTheZookeeperItDependsOn() {
    Cluster zk =
        h.engine.create(CreateCluster.builder(zookeeper("6.1.0", 1), "zookeeper-dzy").build());
    AppSpec kafkaSpec = kafka();
    Cluster kafka =
        h.engine.create(
            CreateCluster.builder(kafkaSpec, "kafka")
                .dependency("zookeeper", "zookeeper-dzy")
                .build());
    String link = "/clusters/" + kafka.id() + "/links/zookeeper/";
    assertThat(h.metadata.value(link + "cluster/name")).contains("zookeeper-dzy");
    assertThat(h.metadata.value(link + "hosts/zookeeper/zookeeper-dzy-zookeeper-3/node_id"))
        .contains("zookeeper-dzy-zookeeper-3");
    assertThat(h.metadata.value(link + "env/appConfig/zookeeper/replicas")).contains("3");

    int kafkaReloads = kafkaReloads(kafka);
    h.engine.execute(
        Reconfigure.of(
            "zookeeper-dzy",
            new SettingsChange(Map.of(), Map.of("replicas", 5), Map.of(), Map.of())));
    assertThat(h.metadata.value(link + "env/appConfig/zookeeper/replicas")).contains("5");
    assertThat(kafkaReloads(kafka) - kafkaReloads).isEqualTo(2);

    h.engine.addNodes(AddNodes.of("zookeeper-dzy", "zookeeper", 1));
    assertThat(h.metadata.value(link + "hosts/zookeeper/zookeeper-dzy-zookeeper-4/node_id"))
        .contains("zookeeper-dzy-zookeeper-4");
    assertThat(kafkaReloads(kafka) - kafkaReloads).isEqualTo(4);
    assertThat(h.engine.operations(kafka.id()))
        .extracting(o -> o.type().name())
        .containsExactly("CREATE", "UPDATE_CONFIG", "UPDATE_CONFIG");

    assertThatThrownBy(() -> h.engine.delete(DeleteCluster.of("zookeeper-dzy")))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("clusters depend on default/zookeeper-dzy: default/kafka");
    assertThat(h.engine.get("zookeeper-dzy").state()).isEqualTo(ClusterState.RUNNING);
    assertThat(zk.id()).isEqualTo(h.engine.get("zookeeper-dzy").id());
  }

  @Test
  void missingTargetsSelfDependenciesAndCyclesAreRefused() {
    AppSpec spec = zookeeper("6.1.0", 1);
    assertThatThrownBy(
            () ->
                h.engine.create(
                    CreateCluster.builder(spec, "a").dependency("zk", "nowhere/zk").build()))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("request.dependencies.zk: no cluster nowhere/zk to depend on");
    assertThat(h.engine.list(io.clusterlifecycle.api.model.ClusterQuery.all())).isEmpty();
    h.engine.create(CreateCluster.builder(spec, "a").build());
    h.engine.create(CreateCluster.builder(spec, "b").dependency("up", "a").build());
    h.engine.create(CreateCluster.builder(spec, "c").dependency("up", "b").build());
    assertThatThrownBy(
            () ->
                h.engine.execute(
                    Reconfigure.of(
                        "a",
                        new SettingsChange(Map.of(), Map.of(), Map.of(), Map.of("down", "c")))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining(
            "would make a cycle: default/a -> default/c -> default/b -> default/a");
    assertThatThrownBy(
            () ->
                h.engine.execute(
                    Reconfigure.of(
                        "a", new SettingsChange(Map.of(), Map.of(), Map.of(), Map.of("me", "a")))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("cannot depend on itself");
    assertThat(h.engine.get("a").dependencies()).isEmpty();
    h.engine.delete(DeleteCluster.of("a").forced());
  }

  private int kafkaReloads(Cluster kafka) {
    return (int)
        h.commands.runs("reload").stream().filter(r -> r.clusterId().equals(kafka.id())).count();
  }
}

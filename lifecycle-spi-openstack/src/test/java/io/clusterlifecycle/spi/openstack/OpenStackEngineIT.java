package io.clusterlifecycle.spi.openstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine end to end on the real OpenStack of lifecycle-test-support: nodes are Nova servers
 * (fake driver), volumes Cinder volumes attached through Nova. The fake driver's servers have no
 * network and no reachable address, so service commands go to the testkit's scripted executor
 * (which records them and ends each with exit 0); what is checked here is what the provider does to
 * OpenStack, read back through the APIs.
 */
class OpenStackEngineIT {
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private OpenStackResourceProvider provider;
  private ScriptedCommandExecutor commands;
  private LifecycleEngine engine;
  private NovaView view;

  @BeforeEach
  void start() {
    view = new NovaView(RealStack.api());
    provider = RealStack.provider().build();
    commands = ScriptedCommandExecutor.builder().scheduler(scheduler).build();
    engine =
        LifecycleEngine.builder()
            .resourceProvider(provider)
            .commandExecutor(commands)
            .metadataStore(new InMemoryMetadataStore())
            .clusterStore(new InMemoryClusterStore())
            .scheduler(scheduler)
            .build();
  }

  @AfterEach
  void stop() {
    engine.close();
    commands.close();
    provider.close();
    scheduler.shutdownNow();
  }

  static AppSpec spec(String version, String dbImage) {
    return AppSpec.builder("shop", version)
        .role(
            "db",
            r ->
                services(r)
                    .count(2)
                    .minNodes(1)
                    .maxNodes(4)
                    .cpu(1)
                    .memory(512)
                    .image(dbImage)
                    .volume(1, "/data")
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL))
        .role("web", r -> services(r).count(1).cpu(1).memory(1024).image("app-web-1.0"))
        .build();
  }

  static RoleSpec.Builder services(RoleSpec.Builder r) {
    return r.service(StandardService.START, "echo start")
        .service(StandardService.STOP, "echo stop");
  }

  @Test
  void twoRoles_createAddDeleteResizeGrowStopStartUpgradeDeleteKeepingVolumes_onNova()
      throws Exception {
    Cluster created = engine.create(CreateCluster.builder(spec("1.0", "app-1.0"), "shop").build());
    String id = created.id();

    assertThat(created.state()).isEqualTo(ClusterState.RUNNING);
    List<Server> servers = view.servers(id);
    assertThat(servers).extracting(Server::status).containsOnly("ACTIVE");
    assertThat(servers).hasSize(3);
    for (Server s : servers) {
      Node node = created.node(s.name()).orElseThrow();
      assertThat(s.metadata())
          .containsEntry(NodeSpec.TAG_CLUSTER, id)
          .containsEntry(NodeSpec.TAG_ROLE, node.role())
          .containsEntry(NodeSpec.TAG_NODE, node.id());
    }
    for (Node db : created.nodes("db")) {
      Server s = server(db.id());
      Volume v = view.volume(id, db.id()).orElseThrow();
      assertThat(v.status()).isEqualTo("in-use");
      assertThat(v.size()).isEqualTo(1);
      assertThat(s.volumeIds()).containsExactly(v.id());
      assertThat(s.flavorName()).isEqualTo("lc.1c512");
      assertThat(s.imageId()).isEqualTo(view.imageId("app-1.0"));
    }
    assertThat(server(created.nodes("web").get(0).id()).flavorName()).isEqualTo("lc.1c1024");
    capture("after-create");

    Cluster grown = engine.addNodes(AddNodes.of("shop", "db", 1));
    assertThat(grown.nodes("db")).hasSize(3);
    assertThat(view.servers(id)).hasSize(4).extracting(Server::status).containsOnly("ACTIVE");
    String added =
        grown.nodes("db").stream()
            .map(Node::id)
            .filter(n -> created.node(n).isEmpty())
            .findFirst()
            .orElseThrow();
    assertThat(view.volume(id, added))
        .hasValueSatisfying(v -> assertThat(v.status()).isEqualTo("in-use"));

    engine.deleteNodes(DeleteNodes.of("shop", added));
    assertThat(view.named(added)).isEmpty();
    assertThat(view.volumes(id, added)).isEmpty();

    Map<String, String> ids = serverIds(id);
    engine.execute(ScaleVertical.of("shop", RoleResize.of("db").cpu(2).memory(2048)));
    for (Node db : created.nodes("db")) {
      Server s = server(db.id());
      assertThat(s.status()).as("resize of %s confirmed", db.id()).isEqualTo("ACTIVE");
      assertThat(s.flavorName()).isEqualTo("lc.2c2048");
      assertThat(s.id()).isEqualTo(ids.get(db.id()));
    }
    assertThat(engine.get("shop").nodes("db")).allSatisfy(n -> assertThat(n.cpu()).isEqualTo(2));

    engine.execute(ScaleVertical.of("shop", RoleResize.of("db").volumeSize(3)));
    for (Node db : created.nodes("db")) {
      Volume v = view.volume(id, db.id()).orElseThrow();
      assertThat(v.size()).as("volume of %s grown", db.id()).isEqualTo(3);
      assertThat(v.status()).as("volume of %s still attached", db.id()).isEqualTo("in-use");
    }

    engine.execute(StopCluster.of("shop"));
    assertThat(view.servers(id)).extracting(Server::status).containsOnly("SHUTOFF");
    engine.execute(StartCluster.of("shop"));
    assertThat(view.servers(id)).extracting(Server::status).containsOnly("ACTIVE");
    assertThat(engine.get("shop").state()).isEqualTo(ClusterState.RUNNING);

    Map<String, String> volumesBefore =
        created.nodes("db").stream().collect(Collectors.toMap(Node::id, n -> volumeId(id, n.id())));
    engine.execute(Upgrade.of("shop", spec("2.0", "app-2.0")));
    for (Node db : created.nodes("db")) {
      Server s = server(db.id());
      assertThat(s.imageId())
          .as("%s rebuilt with app-2.0", db.id())
          .isEqualTo(view.imageId("app-2.0"));
      assertThat(s.id()).isEqualTo(ids.get(db.id()));
      assertThat(s.volumeIds()).containsExactly(volumesBefore.get(db.id()));
      assertThat(s.status()).isEqualTo("ACTIVE");
    }
    capture("after-upgrade");

    engine.delete(DeleteCluster.of("shop").keepingVolumes());
    assertThat(view.servers(id)).isEmpty();
    for (Node db : created.nodes("db")) {
      List<Volume> kept = view.volumes(id, db.id());
      assertThat(kept)
          .singleElement()
          .satisfies(
              v -> {
                assertThat(v.id()).isEqualTo(volumesBefore.get(db.id()));
                assertThat(v.status()).isEqualTo("available");
                assertThat(v.metadata()).containsEntry(Lookup.KEPT_KEY, "true");
              });
      view.deleteVolume(kept.get(0).id());
    }
  }

  @Test
  void delete_withoutKeepingVolumes_removesServersAndVolumes() throws Exception {
    AppSpec spec =
        AppSpec.builder("small", "1.0")
            .role(
                "db",
                r -> services(r).count(2).cpu(1).memory(512).image("app-1.0").volume(1, "/data"))
            .build();
    Cluster created = engine.create(CreateCluster.builder(spec, "small").build());
    assertThat(view.servers(created.id())).hasSize(2);

    engine.delete(DeleteCluster.of("small"));

    assertThat(view.servers(created.id())).isEmpty();
    for (Node n : created.nodes()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(view.volumes(created.id(), n.id())).isEmpty());
    }
  }

  private Server server(String nodeId) throws Exception {
    return view.named(nodeId).stream().findFirst().orElseThrow();
  }

  private String volumeId(String clusterId, String nodeId) {
    try {
      return view.volume(clusterId, nodeId).orElseThrow().id();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, String> serverIds(String clusterId) throws Exception {
    return view.servers(clusterId).stream().collect(Collectors.toMap(Server::name, Server::id));
  }

  /** Saves {@code openstack server list --long} with metadata, for the record of what ran. */
  private static void capture(String when) throws Exception {
    String list = RealStack.stack().openstack("server", "list", "--long");
    Path out = Path.of("target", "openstack-server-list-" + when + ".txt");
    Files.createDirectories(out.getParent());
    Files.writeString(out, list);
  }
}

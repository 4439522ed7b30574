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
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.spi.ssh.SshCommandExecutor;
import io.clusterlifecycle.spi.ssh.SshTarget;
import io.clusterlifecycle.spi.ssh.SshTargets;
import io.clusterlifecycle.testkit.InMemoryClusterStore;
import io.clusterlifecycle.testkit.InMemoryMetadataStore;
import io.clusterlifecycle.testsupport.SshServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine end to end on the real OpenStack of lifecycle-test-support: nodes are Nova servers
 * (fake driver), volumes Cinder volumes attached through Nova, and service commands run over SSH
 * through {@link SshCommandExecutor}. The fake driver's servers have no network, so a node's
 * address is its server's name, which resolves nowhere: the test installs an address mapping
 * ({@link SshTargets}) that routes each address to the test's sshd on 127.0.0.1, with a directory
 * of its own per address. Each service appends a line to {@code events} in that directory, and the
 * checks read both what the provider did to OpenStack (through the APIs) and what ran where.
 */
class OpenStackEngineIT {
  private static SshServer sshd;
  @TempDir static Path dir;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final Set<String> routed = ConcurrentHashMap.newKeySet();
  private OpenStackResourceProvider provider;
  private SshCommandExecutor commands;
  private LifecycleEngine engine;
  private NovaView view;

  @BeforeAll
  static void startSshd() throws Exception {
    sshd = SshServer.start();
  }

  @AfterAll
  static void stopSshd() {
    if (sshd != null) {
      sshd.close();
    }
  }

  @BeforeEach
  void start() {
    view = new NovaView(RealStack.api());
    provider = RealStack.provider().build();
    InMemoryMetadataStore metadata = new InMemoryMetadataStore();
    commands =
        SshCommandExecutor.builder()
            .identity(sshd.clientKey())
            .knownHosts(sshd.knownHosts())
            .targets(this::route)
            .metadata(metadata, LifecycleEngine.DEFAULT_METADATA_ROOT)
            .build();
    engine =
        LifecycleEngine.builder()
            .resourceProvider(provider)
            .commandExecutor(commands)
            .metadataStore(metadata)
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

  /** The address mapping: every node's address goes to the test's sshd. */
  private SshTarget route(NodeResource node) {
    routed.add(node.address());
    return SshTarget.builder()
        .host("127.0.0.1")
        .port(sshd.port())
        .user(sshd.user())
        .directory(directory(node.address()).toString())
        .build();
  }

  private static Path directory(String address) {
    return dir.resolve("node-" + address);
  }

  static RoleSpec.Builder services(RoleSpec.Builder r) {
    String log = "echo \"$LC_SERVICE $LC_NODE_ID\" >> events";
    return r.service(StandardService.INIT, log)
        .service(StandardService.START, log)
        .service(StandardService.STOP, log);
  }

  /** The services that ran on a node, in order, from its directory behind the mapping. */
  private static List<String> events(Node node) throws IOException {
    Path file = directory(node.address().orElseThrow()).resolve("events");
    if (!Files.exists(file)) {
      return List.of();
    }
    List<String> services = new ArrayList<>();
    for (String line : Files.readAllLines(file)) {
      String[] parts = line.split(" ");
      assertThat(parts[1]).as("LC_NODE_ID behind address %s", node.address()).isEqualTo(node.id());
      services.add(parts[0]);
    }
    return services;
  }

  private static String last(List<String> events) {
    return events.isEmpty() ? "" : events.get(events.size() - 1);
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
    for (Node n : created.nodes()) {
      assertThat(n.address()).as("fake-driver servers have no network").contains(n.id());
      assertThat(events(n))
          .as("services of %s, run over SSH", n.id())
          .containsExactly("init", "start");
      assertThat(directory(n.id()).resolve("metadata.json")).isNotEmptyFile();
    }
    assertThat(routed).containsExactlyInAnyOrderElementsOf(addresses(created));
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
    assertThat(events(grown.node(added).orElseThrow())).containsExactly("init", "start");

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
    for (Node n : created.nodes()) {
      assertThat(last(events(n))).as("last service on %s", n.id()).isEqualTo("stop");
    }
    engine.execute(StartCluster.of("shop"));
    assertThat(view.servers(id)).extracting(Server::status).containsOnly("ACTIVE");
    assertThat(engine.get("shop").state()).isEqualTo(ClusterState.RUNNING);
    for (Node n : created.nodes()) {
      assertThat(last(events(n))).as("last service on %s", n.id()).isEqualTo("start");
    }

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
      assertThat(last(events(db))).as("last service on %s", db.id()).isEqualTo("start");
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

  private static List<String> addresses(Cluster cluster) {
    return cluster.nodes().stream().map(n -> n.address().orElseThrow()).toList();
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

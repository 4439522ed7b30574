package io.clusterlifecycle.spi.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.RecordingEventListener;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testsupport.EtcdServer;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The engine with etcd as both its cluster store and its metadata store, on a real etcd: the
 * docs/design.md §4 tree as a watcher sees it through create, add nodes, delete nodes and delete,
 * one etcd revision per publish step; and operations through an etcd outage.
 */
class EtcdEngineIT {
  private static final String ROOT = "/clusters";
  private static final List<String> HOST_FIELDS =
      List.of("cpu", "gid", "instance_id", "ip", "memory", "node_id", "role", "volume_size");

  private static EtcdServer etcd;
  private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
  private final RecordingEventListener events = new RecordingEventListener();
  private ScriptedCommandExecutor commands;
  private EtcdMetadataStore metadata;

  /** Every commit the engine made, in order. */
  private final List<MetadataChange> commits = new CopyOnWriteArrayList<>();

  private EtcdClusterStore store;
  private LifecycleEngine engine;
  private InMemoryResourceProvider resources;

  /** Store calls that failed as transient (etcd unreachable). */
  private final AtomicInteger transientFailures = new AtomicInteger();

  @BeforeAll
  static void start() throws Exception {
    etcd = EtcdServer.start();
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @BeforeEach
  void open() {
    commands = ScriptedCommandExecutor.builder().scheduler(scheduler).build();
    metadata = EtcdMetadataStore.open(etcd.url());
    store =
        EtcdClusterStore.builder()
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .prefix("/it-" + UUID.randomUUID())
            .requestTimeout(Duration.ofSeconds(2))
            .build();
    resources = InMemoryResourceProvider.builder().scheduler(scheduler).build();
    engine =
        LifecycleEngine.builder()
            .resourceProvider(resources)
            .commandExecutor(commands)
            .metadataStore(new Recording(metadata, commits))
            .clusterStore(countingTransient(store))
            .eventListener(events)
            .scheduler(scheduler)
            .build();
  }

  @AfterEach
  void close() {
    engine.close();
    store.close();
    metadata.close();
    scheduler.shutdownNow();
  }

  private static AppSpec threeRoles() {
    return AppSpec.builder("kv", "1.0")
        .role(
            "zk",
            r ->
                r.count(3)
                    .minNodes(1)
                    .maxNodes(5)
                    .cpu(1)
                    .memory(512)
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service(StandardService.START, s -> s.cmd("zk start")))
        .role(
            "broker",
            r ->
                r.count(2)
                    .minNodes(1)
                    .maxNodes(6)
                    .cpu(2)
                    .memory(1024)
                    .volume(10, "/data")
                    .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
                    .service(StandardService.START, s -> s.cmd("broker start").order(1)))
        .role("client", r -> r.count(1).service(StandardService.START, s -> s.cmd("true")))
        .build();
  }

  @Test
  void createAddDeleteNodesDelete_publishTheSpec5Tree_oneEtcdRevisionPerPublishStep()
      throws Exception {
    List<MetadataChange> seen = new CopyOnWriteArrayList<>();
    try (AutoCloseable watch = metadata.watch(ROOT, seen::add)) {
      Cluster c = engine.create(CreateCluster.builder(threeRoles(), "kv1").build());
      String base = ROOT + "/" + c.id();
      List<Map<String, String>> trees = publishes(seen, base);
      Map<String, String> created = trees.get(trees.size() - 1);
      assertThat(hosts(created, "hosts")).isEqualTo(ids(c));
      assertThat(hosts(created, "adding-hosts")).isEmpty();
      assertThat(hosts(created, "deleting-hosts")).isEmpty();
      assertThat(created)
          .containsEntry(base + "/cluster/name", "kv1")
          .containsEntry(base + "/cluster/cluster_id", c.id())
          .containsEntry(base + "/cluster/app_name", "kv")
          .containsEntry(base + "/cluster/app_version", "1.0")
          .containsKey(base + "/cluster/namespace");
      for (Node n : c.nodes()) {
        String p = base + "/hosts/" + n.role() + "/" + n.id() + "/";
        assertThat(
                created.keySet().stream()
                    .filter(k -> k.startsWith(p))
                    .map(k -> k.substring(p.length()))
                    .sorted()
                    .toList())
            .as("the keys of " + n.id())
            .isEqualTo(HOST_FIELDS);
        assertThat(created)
            .containsEntry(p + "ip", n.address().orElse(""))
            .containsEntry(p + "instance_id", n.instanceId().orElse(""));
      }
      assertThat(metadata.get(base).toCompletableFuture().join()).isEqualTo(created);

      Set<String> before = ids(c);
      Cluster added = engine.addNodes(AddNodes.of("kv1", "broker", 2));
      Set<String> newOnes = new TreeSet<>(ids(added));
      newOnes.removeAll(before);
      assertThat(newOnes).hasSize(2);
      trees = publishes(seen, base);
      // docs/design.md §6.3: the new nodes go under /hosts and /adding-hosts in one transaction
      assertThat(trees.get(0))
          .satisfies(
              t -> {
                assertThat(hosts(t, "adding-hosts")).isEqualTo(newOnes);
                assertThat(hosts(t, "hosts")).isEqualTo(ids(added));
              });
      Map<String, String> afterAdd = trees.get(trees.size() - 1);
      assertThat(hosts(afterAdd, "hosts")).isEqualTo(ids(added));
      assertThat(hosts(afterAdd, "adding-hosts")).isEmpty();

      String leaving =
          added.nodes().stream()
              .filter(n -> n.role().equals("zk"))
              .map(Node::id)
              .findFirst()
              .orElseThrow();
      Cluster shrunk = engine.deleteNodes(DeleteNodes.of("kv1", leaving));
      trees = publishes(seen, base);
      // docs/design.md §6.4: /deleting-hosts first, the node stays under /hosts until its resources
      // are gone
      assertThat(trees.get(0))
          .satisfies(
              t -> {
                assertThat(hosts(t, "deleting-hosts")).containsExactly(leaving);
                assertThat(hosts(t, "hosts")).contains(leaving);
              });
      Map<String, String> afterDelete = trees.get(trees.size() - 1);
      assertThat(hosts(afterDelete, "hosts")).isEqualTo(ids(shrunk)).doesNotContain(leaving);
      assertThat(hosts(afterDelete, "deleting-hosts")).isEmpty();

      engine.delete(DeleteCluster.of("kv1"));
      trees = publishes(seen, base);
      assertThat(trees.get(trees.size() - 1)).as("nothing of the cluster is left").isEmpty();
      assertThat(metadata.get(base).toCompletableFuture().join()).isEmpty();
    }
  }

  @Test
  void etcdDownForAMoment_duringAnOperation_isRetried_andTheOperationSucceeds() throws Exception {
    engine.create(CreateCluster.builder(threeRoles(), "kv2").build());
    commands.on("start").latency(Duration.ofMillis(300));
    CompletableFuture<LifecycleEvent> commandRunning =
        events.whenReceived(
            e ->
                e.event() == EventType.COMMAND_STARTED
                    && e.opType().filter(t -> t.name().equals("ADD_NODES")).isPresent());
    CompletableFuture<Cluster> adding =
        CompletableFuture.supplyAsync(() -> engine.addNodes(AddNodes.of("kv2", "broker", 2)));
    commandRunning.get(30, TimeUnit.SECONDS);
    etcd.kill();
    Thread.sleep(1_000);
    etcd.restart();
    Cluster c = adding.get(60, TimeUnit.SECONDS);
    System.out.printf(
        "etcd down 1 s: %d store calls failed as transient and were retried%n",
        transientFailures.get());
    assertThat(transientFailures.get()).as("store calls failed while etcd was down").isPositive();
    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(c.nodes())
        .hasSize(8)
        .allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.RUNNING));
  }

  @Test
  void etcdDownPastTheRetryBudget_failsTheOperation_whichResumesWhenEtcdIsBack() throws Exception {
    Cluster before = engine.create(CreateCluster.builder(threeRoles(), "kv3").build());
    commands.on("start").latency(Duration.ofMillis(300));
    CompletableFuture<LifecycleEvent> commandRunning =
        events.whenReceived(
            e ->
                e.event() == EventType.COMMAND_STARTED
                    && e.opType().filter(t -> t.name().equals("ADD_NODES")).isPresent());
    CompletableFuture<Cluster> adding =
        CompletableFuture.supplyAsync(() -> engine.addNodes(AddNodes.of("kv3", "broker", 2)));
    commandRunning.get(30, TimeUnit.SECONDS);
    etcd.kill();
    long down = System.nanoTime();
    try {
      assertThatThrownBy(() -> adding.get(60, TimeUnit.SECONDS))
          .isInstanceOf(ExecutionException.class)
          .cause()
          .isInstanceOf(TransientSpiException.class)
          .hasMessageContaining("in etcd " + etcd.url());
      Duration failedAfter = Duration.ofNanos(System.nanoTime() - down);
      System.out.printf(
          "etcd kept down: the operation failed %s after etcd went away%n", failedAfter);
      assertThat(failedAfter).as("the retry budget, not a hang").isLessThan(Duration.ofSeconds(30));
    } finally {
      etcd.restart();
    }
    // "back" means both clients answer again: jetcd reconnects with a back-off of its own
    await("etcd answers both stores again")
        .atMost(Duration.ofSeconds(30))
        .ignoreExceptions()
        .until(
            () ->
                metadata.get("/").toCompletableFuture().get(2, TimeUnit.SECONDS) != null
                    && store.list().toCompletableFuture().get(2, TimeUnit.SECONDS) != null);
    Cluster c = engine.recover("kv3", Duration.ofSeconds(60));
    assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
    assertThat(c.operation()).isEmpty();
    assertThat(c.nodes())
        .hasSize(before.nodes().size() + 2)
        .allSatisfy(n -> assertThat(n.state()).isEqualTo(NodeState.RUNNING));
    assertThat(resources.resources(c.id()))
        .as("no resource leaked or made twice")
        .hasSize(c.nodes().size());
    assertThat(engine.operations("kv3"))
        .last()
        .satisfies(o -> assertThat(o.state().name()).isEqualTo("SUCCEEDED"));
  }

  /** The store, counting the calls that fail as transient. */
  private ClusterStore countingTransient(ClusterStore target) {
    return (ClusterStore)
        Proxy.newProxyInstance(
            ClusterStore.class.getClassLoader(),
            new Class<?>[] {ClusterStore.class},
            (proxy, method, args) -> {
              Object result;
              try {
                result = method.invoke(target, args);
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
              if (result instanceof CompletionStage<?> stage) {
                stage.whenComplete(
                    (v, e) -> {
                      if (e != null
                          && (e instanceof TransientSpiException
                              || e.getCause() instanceof TransientSpiException)) {
                        transientFailures.incrementAndGet();
                      }
                    });
              }
              return result;
            });
  }

  /**
   * The trees the watcher saw during the last operation, one per etcd revision, after checking that
   * there was exactly one revision per publish step of the operation's trace.
   */
  private List<Map<String, String>> publishes(List<MetadataChange> seen, String base)
      throws Exception {
    // a sentinel commit after the operation: once the watcher has it, it has everything before
    String sentinel = ROOT + "/~sentinel-" + System.nanoTime();
    metadata
        .commit(new MetadataChange(Map.of(sentinel, "x"), List.of()))
        .toCompletableFuture()
        .join();
    await("the watcher saw the sentinel")
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> seen.stream().anyMatch(c -> c.puts().containsKey(sentinel)));
    List<MetadataChange> mine = new ArrayList<>();
    for (MetadataChange c : seen) {
      if (c.puts().containsKey(sentinel)) {
        break;
      }
      mine.add(c);
    }
    seen.clear();
    List<LifecycleEvent> published =
        events.events().stream()
            .filter(
                e -> e.event() == EventType.METADATA_PUT || e.event() == EventType.METADATA_DELETED)
            .toList();
    events.clear();
    List<MetadataChange> made = List.copyOf(commits);
    commits.clear();
    assertThat(made).as("one commit per publish step").hasSize(published.size());
    // the trees the commits make, leaving out those that changed nothing (a clean-up step whose
    // keys an earlier step already removed): etcd writes no revision for them
    List<Map<String, String>> expected = new ArrayList<>();
    Map<String, String> tree = new TreeMap<>(previous);
    for (MetadataChange c : made) {
      Map<String, String> next = apply(tree, c);
      if (!next.equals(tree) || !c.puts().isEmpty()) {
        expected.add(next);
      }
      tree = next;
    }
    List<Map<String, String>> trees = new ArrayList<>();
    tree = new TreeMap<>(previous);
    for (MetadataChange c : mine) {
      assertThat(c.puts().keySet()).allSatisfy(k -> assertThat(k).startsWith(base + "/"));
      tree = apply(tree, c);
      trees.add(tree);
      assertWellFormed(tree, base);
    }
    assertThat(trees)
        .as("one etcd revision per publish step, holding all of it (%s)", published)
        .isEqualTo(expected);
    previous = tree;
    return trees;
  }

  /**
   * Every node under a host section has exactly the docs/design.md §4 fields, and nothing else is
   * there.
   */
  private static void assertWellFormed(Map<String, String> tree, String base) {
    Map<String, List<String>> fields = new TreeMap<>();
    for (String k : tree.keySet()) {
      String[] parts = k.substring(base.length() + 1).split("/");
      if (List.of("hosts", "adding-hosts", "deleting-hosts").contains(parts[0])) {
        assertThat(parts).as("host key " + k + " is <section>/<role>/<node>/<field>").hasSize(4);
        fields
            .computeIfAbsent(parts[0] + "/" + parts[1] + "/" + parts[2], x -> new ArrayList<>())
            .add(parts[3]);
        assertThat(parts[1]).isIn("zk", "broker", "client");
      } else {
        assertThat(parts[0])
            .as("section of " + k)
            .isIn("cluster", "env", "links", "primary", "vertical-scaling-roles");
      }
    }
    fields.forEach((node, f) -> assertThat(f).as("fields of " + node).isEqualTo(HOST_FIELDS));
  }

  private static Map<String, String> apply(Map<String, String> tree, MetadataChange c) {
    Map<String, String> next = new TreeMap<>(tree);
    for (String d : c.deletePrefixes()) {
      next.keySet().removeIf(k -> k.equals(d) || k.startsWith(d + "/"));
    }
    next.putAll(c.puts());
    return next;
  }

  /** Passes commits through to etcd, keeping each. */
  private record Recording(MetadataStore etcd, List<MetadataChange> commits)
      implements MetadataStore {
    @Override
    public CompletionStage<Void> commit(MetadataChange change) {
      commits.add(change);
      return etcd.commit(change);
    }

    @Override
    public CompletionStage<Map<String, String>> get(String prefix) {
      return etcd.get(prefix);
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<MetadataChange> listener) {
      return etcd.watch(prefix, listener);
    }
  }

  private Map<String, String> previous = new TreeMap<>();

  /** The node ids listed under a section of a cluster's tree. */
  private static Set<String> hosts(Map<String, String> tree, String section) {
    Set<String> out = new TreeSet<>();
    for (String k : tree.keySet()) {
      String[] parts = k.split("/");
      // "", clusters, <id>, <section>, <role>, <node>, <field>
      if (parts.length == 7 && parts[3].equals(section)) {
        out.add(parts[5]);
      }
    }
    return out;
  }

  private static Set<String> ids(Cluster c) {
    Set<String> out = new TreeSet<>();
    c.nodes().forEach(n -> out.add(n.id()));
    return out;
  }
}

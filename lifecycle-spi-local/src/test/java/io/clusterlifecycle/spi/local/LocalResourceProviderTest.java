package io.clusterlifecycle.spi.local;

import static io.clusterlifecycle.spi.local.Fixtures.await;
import static io.clusterlifecycle.spi.local.Fixtures.failure;
import static io.clusterlifecycle.spi.local.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalResourceProviderTest {
  private static final String LOOPBACK = "127\\.0\\.(\\d{1,3})\\.(\\d{1,3})";

  @TempDir Path dir;
  private LocalHome home;
  private ExecutorService pool;
  private LocalResourceProvider provider;

  @BeforeEach
  void open() {
    home = LocalHome.open(dir);
    pool = Executors.newFixedThreadPool(4);
    provider = new LocalResourceProvider(home, pool, Clock.systemUTC());
  }

  @AfterEach
  void close() {
    provider.close();
    pool.shutdownNow();
  }

  @Test
  void maxNodes_isTheLoopbackAddressSpace_of127_0_x_y() {
    // 256 values of x times 254 of y (0 and 255 are not host addresses), less 127.0.0.1
    assertThat(provider.maxNodes()).hasValue(256 * 254 - 1);
  }

  @Test
  void create_makesTheNodeDirectoryWithItsRecordAndVolume() throws IOException {
    NodeResource r = await(provider.create(node("c1", "demo-zk-1", "zk", 10)));

    Path nodeDir = home.nodeDirectory("demo-zk-1");
    assertThat(r.ref()).isEqualTo(new NodeRef("c1", "demo-zk-1"));
    assertThat(r.instanceId()).isEqualTo(nodeDir.toString());
    assertThat(r.volumeId()).contains(nodeDir.resolve("volume").toString());
    assertThat(nodeDir.resolve("volume")).isDirectory();
    assertThat(r.running()).isTrue();
    assertThat(r.role()).isEqualTo("zk");
    assertThat(r.cpu()).isEqualTo(2);
    assertThat(r.memory()).isEqualTo(2048);
    assertThat(r.volumeSize()).isEqualTo(10);
    assertThat(r.image()).contains("img:1");
    assertThat(r.address()).matches(LOOPBACK).isNotEqualTo("127.0.0.1");
    assertThat(r.tags())
        .containsEntry("team", "a")
        .containsEntry(NodeSpec.TAG_CLUSTER, "c1")
        .containsEntry(NodeSpec.TAG_ROLE, "zk")
        .containsEntry(NodeSpec.TAG_NODE, "demo-zk-1");

    JsonNode json = new ObjectMapper().readTree(nodeDir.resolve("resource.json").toFile());
    assertThat(json.path("address").asText()).isEqualTo(r.address());
    assertThat(json.path("running").asBoolean()).isTrue();
    assertThat(json.path("volume_size").asInt()).isEqualTo(10);
    assertThat(json.path("tags").path(NodeSpec.TAG_CLUSTER).asText()).isEqualTo("c1");
    assertThat(nodeDirectories()).containsExactly("demo-zk-1");
  }

  @Test
  void create_twice_returnsTheRecordedResourceAndKeepsOneDirectory() throws IOException {
    NodeResource first = await(provider.create(node("c1", "demo-zk-1", "zk", 0)));
    NodeSpec changed =
        NodeSpec.builder()
            .ref(new NodeRef("c1", "demo-zk-1"))
            .clusterName("demo")
            .namespace("default")
            .role("zk")
            .cpu(8)
            .memory(9999)
            .volumeSize(5)
            .mountPoint("/x")
            .image("other:2")
            .tags(java.util.Map.of())
            .build();

    NodeResource second = await(provider.create(changed));

    assertThat(second).isEqualTo(first);
    assertThat(nodeDirectories()).containsExactly("demo-zk-1");
    assertThat(Files.readString(home.root().resolve("addresses.json")))
        .containsOnlyOnce("demo-zk-1");
  }

  @Test
  void create_concurrentlyForOneNode_allGetTheSameResource() {
    List<CompletableFuture<NodeResource>> all = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      all.add(provider.create(node("c1", "demo-zk-1", "zk", 1)).toCompletableFuture());
    }

    List<NodeResource> results = all.stream().map(Fixtures::await).toList();

    assertThat(results).hasSize(16).allSatisfy(r -> assertThat(r).isEqualTo(results.get(0)));
  }

  @Test
  void create_manyAtOnce_oneRefused_theOthersAreMade_andTheRefusedOneHoldsNoAddress()
      throws IOException {
    Files.createDirectories(dir.resolve("nodes/demo-w-5"));
    List<CompletableFuture<NodeResource>> all = new ArrayList<>();
    for (int i = 0; i < 40; i++) {
      all.add(provider.create(node("c1", "demo-w-" + i, "w", 0)).toCompletableFuture());
    }

    assertThat(failure(all.get(5)))
        .hasMessageContaining("demo-w-5 exists but holds no resource.json");
    List<NodeResource> made =
        all.stream().filter(f -> f != all.get(5)).map(Fixtures::await).toList();
    assertThat(made).extracting(NodeResource::address).doesNotHaveDuplicates().hasSize(39);
    JsonNode book = new ObjectMapper().readTree(dir.resolve("addresses.json").toFile());
    assertThat(book.get("nodes").size()).isEqualTo(39);
    assertThat(book.get("nodes").has("demo-w-5")).isFalse();
    assertThat(await(provider.list("c1"))).hasSize(39);
    try (Stream<Path> left = Files.list(dir.resolve("nodes"))) {
      assertThat(left.map(p -> p.getFileName().toString()))
          .as("no temporary directory is left")
          .noneMatch(n -> n.startsWith("."));
    }
  }

  @Test
  void create_300Nodes_getDistinctLoopbackAddresses() {
    List<CompletableFuture<NodeResource>> all = new ArrayList<>();
    for (int i = 0; i < 300; i++) {
      all.add(provider.create(node("c1", "demo-w-" + i, "w", 0)).toCompletableFuture());
    }

    List<String> addresses = all.stream().map(Fixtures::await).map(NodeResource::address).toList();

    assertThat(addresses)
        .doesNotHaveDuplicates()
        .hasSize(300)
        .allSatisfy(
            a ->
                assertThat(a)
                    .matches(LOOPBACK)
                    .isNotEqualTo("127.0.0.1")
                    .doesNotEndWith(".0")
                    .doesNotEndWith(".255"));
    assertThat(await(provider.list("c1"))).hasSize(300);
  }

  @Test
  void create_fromTwoProvidersOnOneHome_getsDistinctAddresses() {
    ExecutorService otherPool = Executors.newFixedThreadPool(4);
    try (LocalResourceProvider other =
        new LocalResourceProvider(LocalHome.open(dir), otherPool, Clock.systemUTC())) {
      List<CompletableFuture<NodeResource>> all = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        all.add(provider.create(node("c1", "a-" + i, "w", 0)).toCompletableFuture());
        all.add(other.create(node("c1", "b-" + i, "w", 0)).toCompletableFuture());
      }

      List<String> addresses =
          all.stream().map(Fixtures::await).map(NodeResource::address).toList();

      assertThat(addresses).hasSize(200).doesNotHaveDuplicates();
    } finally {
      otherPool.shutdownNow();
    }
  }

  @Test
  void create_fromTwoProcessesOnOneHome_getsDistinctAddresses() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> children = new ArrayList<>();
    for (String prefix : List.of("p1", "p2")) {
      children.add(
          new ProcessBuilder(
                  java,
                  "-cp",
                  System.getProperty("java.class.path"),
                  AllocateNodesMain.class.getName(),
                  dir.toString(),
                  "c1",
                  prefix,
                  "80")
              .redirectErrorStream(true)
              .redirectOutput(dir.resolve(prefix + ".log").toFile())
              .start());
    }
    List<CompletableFuture<NodeResource>> mine = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      mine.add(provider.create(node("c1", "p0-" + i, "w", 0)).toCompletableFuture());
    }
    mine.forEach(Fixtures::await);
    for (Process child : children) {
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("child JVM finished").isTrue();
      assertThat(child.exitValue()).as("child JVM exit code, see " + dir).isZero();
    }

    List<NodeResource> nodes = await(provider.list("c1"));

    assertThat(nodes).hasSize(240);
    assertThat(nodes.stream().map(NodeResource::address)).doesNotHaveDuplicates();
  }

  @Test
  void delete_keepingTheVolume_movesItToKeptVolumesAndRemovesTheNode() throws IOException {
    await(provider.create(node("c1", "demo-db-1", "db", 20)));
    Files.writeString(home.nodeDirectory("demo-db-1").resolve("volume/data.txt"), "precious");
    NodeRef ref = new NodeRef("c1", "demo-db-1");

    Optional<String> kept = await(provider.delete(ref, true));

    assertThat(kept).isPresent();
    Path keptDir = Path.of(kept.get());
    assertThat(keptDir.getParent()).isEqualTo(home.keptVolumesDirectory());
    assertThat(keptDir.getFileName().toString()).startsWith("demo-db-1-");
    assertThat(keptDir.resolve("data.txt")).hasContent("precious");
    assertThat(home.nodeDirectory("demo-db-1")).doesNotExist();
    assertThat(nodeDirectories()).isEmpty();
    assertThat(await(provider.find(ref))).isEmpty();
    assertThat(await(provider.delete(ref, true))).as("deleting again").isEmpty();
  }

  @Test
  void delete_withoutKeeping_removesTheNodeAndVolumeAndFreesTheAddress() throws IOException {
    await(provider.create(node("c1", "demo-db-1", "db", 20)));

    Optional<String> kept = await(provider.delete(new NodeRef("c1", "demo-db-1"), false));

    assertThat(kept).isEmpty();
    assertThat(nodeDirectories()).isEmpty();
    try (Stream<Path> s = Files.list(home.keptVolumesDirectory())) {
      assertThat(s).isEmpty();
    }
    assertThat(Files.readString(home.root().resolve("addresses.json"))).doesNotContain("demo-db-1");
  }

  @Test
  void delete_keepingTheVolumeOfANodeWithoutOne_keepsNothing() {
    await(provider.create(node("c1", "demo-db-1", "db", 0)));

    assertThat(await(provider.delete(new NodeRef("c1", "demo-db-1"), true))).isEmpty();
  }

  @Test
  void delete_ofAMissingNode_completesNormally() {
    assertThat(await(provider.delete(new NodeRef("c1", "nope"), false))).isEmpty();
  }

  @Test
  void list_reportsOnlyTheNodesTaggedWithTheCluster_inNodeIdOrder() {
    await(provider.create(node("c1", "demo-zk-2", "zk", 0)));
    await(provider.create(node("c2", "other-zk-1", "zk", 0)));
    await(provider.create(node("c1", "demo-zk-1", "zk", 0)));
    await(provider.create(node("c1", "demo-kafka-1", "kafka", 0)));

    assertThat(await(provider.list("c1")))
        .extracting(r -> r.ref().nodeId())
        .containsExactly("demo-kafka-1", "demo-zk-1", "demo-zk-2");
    assertThat(await(provider.list("c2")))
        .extracting(r -> r.ref().nodeId())
        .containsExactly("other-zk-1");
    assertThat(await(provider.list("c3"))).isEmpty();
  }

  @Test
  void startStopResizeReplaceImage_changeTheRecordDurably() {
    NodeRef ref = new NodeRef("c1", "demo-zk-1");
    NodeResource created = await(provider.create(node("c1", "demo-zk-1", "zk", 10)));

    assertThat(await(provider.stop(ref)).running()).isFalse();
    NodeResource resized = await(provider.resize(ref, 4, 8192, 30));
    NodeResource reimaged = await(provider.replaceImage(ref, "img:2"));

    assertThat(resized.cpu()).isEqualTo(4);
    assertThat(resized.memory()).isEqualTo(8192);
    assertThat(resized.volumeSize()).isEqualTo(30);
    assertThat(reimaged.image()).contains("img:2");
    assertThat(reimaged.address()).isEqualTo(created.address());
    LocalResourceProvider reopened =
        new LocalResourceProvider(LocalHome.open(dir), pool, Clock.systemUTC());
    NodeResource found = await(reopened.find(ref)).orElseThrow();
    assertThat(found.running()).isFalse();
    assertThat(found.cpu()).isEqualTo(4);
    assertThat(found.image()).contains("img:2");
    assertThat(await(reopened.start(ref)).running()).isTrue();
    assertThat(await(provider.find(ref)).orElseThrow().running()).isTrue();
  }

  @Test
  void resize_refusesToShrinkAVolume_andIgnoresTheSizeWithoutOne() {
    await(provider.create(node("c1", "demo-zk-1", "zk", 10)));
    await(provider.create(node("c1", "demo-zk-2", "zk", 0)));

    assertThat(failure(provider.resize(new NodeRef("c1", "demo-zk-1"), 2, 2048, 5)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("shrink");
    assertThat(await(provider.find(new NodeRef("c1", "demo-zk-1"))).orElseThrow().volumeSize())
        .isEqualTo(10);
    assertThat(await(provider.resize(new NodeRef("c1", "demo-zk-2"), 2, 2048, 50)).volumeSize())
        .isZero();
  }

  @Test
  void changesToAMissingNode_failWithNotFound() {
    NodeRef ref = new NodeRef("c1", "nope");

    assertThat(failure(provider.start(ref)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("nope");
    assertThat(failure(provider.stop(ref))).isInstanceOf(NotFoundException.class);
    assertThat(failure(provider.resize(ref, 1, 1, 0))).isInstanceOf(NotFoundException.class);
    assertThat(failure(provider.replaceImage(ref, "x"))).isInstanceOf(NotFoundException.class);
    assertThat(await(provider.find(ref))).isEmpty();
  }

  @Test
  void aNodeIdHeldByAnotherCluster_isNotReusedNorTouched() {
    await(provider.create(node("c1", "demo-zk-1", "zk", 0)));
    NodeRef foreign = new NodeRef("c2", "demo-zk-1");

    assertThat(failure(provider.create(node("c2", "demo-zk-1", "zk", 0))))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("c1");
    assertThat(await(provider.find(foreign))).isEmpty();
    assertThat(await(provider.delete(foreign, false))).isEmpty();
    assertThat(home.nodeDirectory("demo-zk-1")).isDirectory();
  }

  @Test
  void nodeIdsThatAreNotFileNames_areRefusedWithoutTouchingTheDisk() throws IOException {
    for (String bad : List.of("../escape", "a/b", ".hidden", "", "x\ny")) {
      assertThat(failure(provider.create(node("c1", bad, "zk", 0))))
          .as("node id %s", bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
    assertThat(dir.resolve("escape")).doesNotExist();
    assertThat(nodeDirectories()).isEmpty();
  }

  private List<String> nodeDirectories() throws IOException {
    try (Stream<Path> s = Files.list(home.nodesDirectory())) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> !n.startsWith("."))
          .sorted()
          .toList();
    }
  }
}

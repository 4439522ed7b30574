package io.clusterlifecycle.testkit.compat;

import static io.clusterlifecycle.testkit.compat.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link ResourceProvider} as JUnit 5 tests: every implementation extends this
 * class in a few lines and so runs the same checks as the shipped providers (in-memory, local
 * directories). A failed assertion starts with the part of the contract the provider broke.
 *
 * <pre>{@code
 * class MyResourceProviderCompatibilityTest extends ResourceProviderCompatibilityKit {
 *   @Override
 *   protected ResourceProvider newProvider() {
 *     return MyResourceProvider.connect(MyCloud.testProject());
 *   }
 * }
 * }</pre>
 *
 * <p>What the kit checks: {@link ResourceProvider#create} returns a running resource that matches
 * its {@link NodeSpec} (node, role, cpu, memory, volume, image, tags), gives every node its own
 * instance and address (also when many nodes are created at once), and is idempotent by node id: a
 * second create of the same node, one after the other or racing from several threads, completes
 * with the same instance, address and volume, and {@link ResourceProvider#list} then holds one
 * resource for the node; {@link ResourceProvider#find} reports what create returned, and empty for
 * a node that does not exist (also for the same node id in another cluster); {@link
 * ResourceProvider#list} reports a cluster's resources and no others, in node id order; {@link
 * ResourceProvider#stop} and {@link ResourceProvider#start} flip {@code running} and keep volume
 * and address; {@link ResourceProvider#resize} changes cpu and memory and grows the volume (a node
 * without a volume keeps none); {@link ResourceProvider#replaceImage} changes the image and keeps
 * volume and address (for a provider that {@link #recreatesInstances()}, start, resize and
 * replaceImage may report a new address, which find then reports too); {@link
 * ResourceProvider#delete} removes the node, completes normally for a node that does not exist, and
 * with {@code keepVolume} completes with the kept volume's id when the node has a volume and empty
 * when it has none; changes to a node that does not exist fail their stage; a null argument is
 * refused; {@link ResourceProvider#close} may be called again.
 *
 * <p>Asynchrony: every call must return its stage within 5 seconds; a provider may complete the
 * stage before it returns (as the in-memory one does) or later, on any thread. The kit cannot tell
 * a provider that blocks its caller for a short while from one that is merely fast; it catches one
 * that waits for a slow operation (a machine booting) before returning. Null arguments: a method
 * either throws {@link NullPointerException} at once, as the shipped providers do, or returns a
 * stage that fails; it never completes normally.
 *
 * <p>Each test calls {@link #newProvider()} once, first, and works on clusters of its own with
 * random ids ({@code kit-<8 hex digits>}); node ids are {@code <cluster-id>-<role>-<n>}, unique
 * across clusters, so {@link #newProvider()} may return a client of shared infrastructure. The kit
 * asks for sizes and images through {@link #nodeSpec}, {@link #image()} and {@link #otherImage()};
 * override them where the defaults cannot be honoured exactly. It resizes a node to twice its cpu
 * and memory and a volume 5 GiB larger. After each test the kit deletes the nodes the test left
 * (best effort), hands every volume kept by a delete to {@link #removeKeptVolume(String)} and
 * closes the provider; that happens after the subclass's own {@code @AfterEach} methods (JUnit runs
 * a subclass's first), so keep what the provider needs until {@code @AfterAll}. Every call is
 * awaited for at most 30 seconds.
 */
public abstract class ResourceProviderCompatibilityKit {
  /** How long a call may take to return its stage. */
  private static final long RETURN_SECONDS = 5;

  private static final String MATCHES =
      "ResourceProvider.create must return a running resource " + "that matches the spec";
  private static final String UNIQUE =
      "ResourceProvider.create must give every node an instance " + "and an address of its own";
  private static final String IDEMPOTENT =
      "ResourceProvider.create must be idempotent by node "
          + "id: creating a node that already exists completes with the existing resource (same "
          + "instance, address and volume) and creates nothing more";
  private static final String FIND =
      "ResourceProvider.find must report a node's resource as "
          + "create returned it, and empty for a node that does not exist";
  private static final String LIST =
      "ResourceProvider.list must report every resource tagged "
          + "with the cluster id and no other, in node id order";
  private static final String STOP_START =
      "ResourceProvider.stop and start must keep the node's "
          + "volume and address and only flip running";
  private static final String RESIZE =
      "ResourceProvider.resize must change cpu and memory and "
          + "grow the volume (ignoring the size for a node without one), keeping volume and address";
  private static final String REPLACE =
      "ResourceProvider.replaceImage must boot the new image, "
          + "keeping the node's volume and address";
  private static final String DELETE =
      "ResourceProvider.delete must remove the node's resource "
          + "and be idempotent by node id: deleting a node that does not exist completes normally";
  private static final String KEEP =
      "ResourceProvider.delete with keepVolume must complete with "
          + "the kept volume's id when the node has a volume, and empty when it has none";
  private static final String MISSING =
      "ResourceProvider.start, stop, resize and replaceImage of "
          + "a node that does not exist must fail their stage and create nothing";
  private static final String ASYNC =
      "ResourceProvider methods must be asynchronous: return "
          + "their stage at once and complete it later";
  private static final String NULLS =
      "ResourceProvider methods must refuse a null argument: "
          + "throw NullPointerException or return a stage that fails, and change nothing";
  private static final String CLOSE =
      "ResourceProvider.close must not throw and may be called " + "again";

  private final List<Tracked> obtained = new CopyOnWriteArrayList<>();
  private final Set<String> keptVolumes = ConcurrentHashMap.newKeySet();

  /** Creates the kit; a subclass adds only {@link #newProvider()}. */
  protected ResourceProviderCompatibilityKit() {}

  /**
   * Returns a provider to test: a new one, or a client of shared infrastructure in which the test's
   * {@code kit-<random>} clusters hold nothing yet. Called once per test, before anything else of
   * the test; the kit closes it after the test.
   *
   * @return the provider
   * @throws Exception if it cannot be created; the test then fails
   */
  protected abstract ResourceProvider newProvider() throws Exception;

  /**
   * Returns the spec the kit creates a node from. The default asks for 1 core, 512 MiB, the given
   * volume size mounted at {@code /data} (none for {@code 0}), the provider's default image
   * (empty), cluster name {@code kit} in namespace {@code default}, and the tags the engine puts on
   * every node ({@link NodeSpec#TAG_CLUSTER}, {@link NodeSpec#TAG_ROLE}, {@link NodeSpec#TAG_NODE})
   * plus {@code lifecycle.kit=compatibility-test}. Override it to ask for sizes the provider can
   * honour exactly (a flavor that exists); keep the node, role, volume size and tags given here.
   *
   * @param ref the node
   * @param role the node's role
   * @param volumeSize GiB of volume, {@code 0} for none
   * @return the spec
   */
  protected NodeSpec nodeSpec(NodeRef ref, String role, int volumeSize) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put(NodeSpec.TAG_CLUSTER, ref.clusterId());
    tags.put(NodeSpec.TAG_ROLE, role);
    tags.put(NodeSpec.TAG_NODE, ref.nodeId());
    tags.put("lifecycle.kit", "compatibility-test");
    return NodeSpec.builder()
        .ref(ref)
        .clusterName("kit")
        .namespace("default")
        .role(role)
        .cpu(1)
        .memory(512)
        .volumeSize(volumeSize)
        .mountPoint(volumeSize > 0 ? "/data" : "")
        .image("")
        .tags(tags)
        .build();
  }

  /**
   * Returns an image the provider can boot, other than its default, for the test of {@link
   * ResourceProvider#create} with an explicit image.
   *
   * @return the image; the default is {@code kit-image:1}
   */
  protected String image() {
    return "kit-image:1";
  }

  /**
   * Returns the image {@link ResourceProvider#replaceImage} switches a node to; different from
   * {@link #image()}.
   *
   * @return the image; the default is {@code kit-image:2}
   */
  protected String otherImage() {
    return "kit-image:2";
  }

  /**
   * Whether the provider recreates a node's instance on {@link ResourceProvider#start}, {@link
   * ResourceProvider#resize} and {@link ResourceProvider#replaceImage}, so that those report a new
   * address (a pod's IP). Then the kit checks that they report an address and that a later find
   * reports the same, instead of the address create gave; stop keeps the last address either way.
   *
   * @return false by default: the node keeps its address
   */
  protected boolean recreatesInstances() {
    return false;
  }

  /**
   * Removes a volume that {@link ResourceProvider#delete} kept during a test. Called after the
   * test, before the provider is closed, once for every kept volume id. The default does nothing;
   * override it where kept volumes cost money or space that a test directory does not reclaim.
   *
   * @param volumeId the id the delete completed with
   * @throws Exception if it cannot be removed; the test then fails
   */
  protected void removeKeptVolume(String volumeId) throws Exception {}

  // ------------------------------------------------------------------------------ create

  @Test
  void create_returnsARunningResourceMatchingTheSpec_withItsTags() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    NodeSpec withVolume = spec(cluster, "db", 1, 10);
    NodeSpec plain = spec(cluster, "web", 2, 0);
    NodeSpec imaged = withImage(spec(cluster, "web", 3, 0), image());

    NodeResource a = create(provider, withVolume);
    NodeResource b = create(provider, plain);
    NodeResource c = create(provider, imaged);

    assertMatches(a, withVolume);
    assertMatches(b, plain);
    assertMatches(c, imaged);
    assertThat(a.volumeId())
        .as(MATCHES + ": a node with a volume reports the volume's id")
        .hasValueSatisfying(id -> assertThat(id).isNotBlank());
    assertThat(b.volumeId())
        .as(MATCHES + ": a node without a volume reports no volume id")
        .isEmpty();
    assertThat(b.image())
        .as(
            MATCHES
                + ": a spec without an image boots the provider's default, "
                + "reported as an empty image")
        .isEmpty();
    assertThat(List.of(a.instanceId(), b.instanceId(), c.instanceId()))
        .as(UNIQUE + ": instance ids")
        .doesNotHaveDuplicates();
    assertThat(List.of(a.address(), b.address(), c.address()))
        .as(UNIQUE + ": addresses")
        .doesNotHaveDuplicates();
  }

  @Test
  void create_manyNodesAtOnce_givesEachItsOwnInstanceAndAddress() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    int nodes = 8;
    List<NodeSpec> specs = new ArrayList<>();
    List<CompletionStage<NodeResource>> stages = new ArrayList<>();
    for (int n = 1; n <= nodes; n++) {
      NodeSpec s = spec(cluster, "db", n, n % 2 == 0 ? 1 : 0);
      specs.add(s);
      stages.add(call("create", () -> provider.create(s), s.ref()));
    }

    List<NodeResource> created = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      NodeResource r = await("create", stages.get(i));
      assertMatches(r, specs.get(i));
      created.add(r);
    }

    assertThat(created.stream().map(NodeResource::instanceId).toList())
        .as(UNIQUE + ", also when %d nodes are created at once: instance ids", nodes)
        .doesNotHaveDuplicates();
    assertThat(created.stream().map(NodeResource::address).toList())
        .as(UNIQUE + ", also when %d nodes are created at once: addresses", nodes)
        .doesNotHaveDuplicates();
    assertThat(nodeIds(list(provider, cluster)))
        .as(LIST)
        .containsExactlyElementsOf(specs.stream().map(s -> s.ref().nodeId()).toList());
  }

  @Test
  void create_ofAnExistingNode_completesWithTheSameResource_andCreatesNothingMore()
      throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    NodeSpec spec = spec(cluster, "db", 1, 10);
    NodeResource first = create(provider, spec);

    NodeResource second = create(provider, spec);

    assertSameResource(second, first, "the second create of node " + spec.ref().nodeId());
    assertThat(nodeIds(list(provider, cluster)))
        .as(IDEMPOTENT + ": list must hold one resource for the node after two creates")
        .containsExactly(spec.ref().nodeId());
    assertThat(find(provider, spec.ref()))
        .as(IDEMPOTENT + ": find after the second create")
        .hasValueSatisfying(r -> assertSameResource(r, first, "find after the second create"));
  }

  @Test
  void create_racingForOneNode_fromSeveralThreads_yieldsOneResource() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    int racers = 4;
    int nodes = 3;
    ExecutorService pool = Executors.newFixedThreadPool(racers);
    try {
      for (int n = 1; n <= nodes; n++) {
        NodeSpec spec = spec(cluster, "db", n, 1);
        CyclicBarrier start = new CyclicBarrier(racers);
        List<Future<NodeResource>> results = new ArrayList<>();
        for (int t = 0; t < racers; t++) {
          results.add(
              pool.submit(
                  () -> {
                    start.await(Stages.WAIT_SECONDS, TimeUnit.SECONDS);
                    return create(provider, spec);
                  }));
        }
        List<NodeResource> got = new ArrayList<>();
        for (Future<NodeResource> f : results) {
          got.add(get(f));
        }
        for (NodeResource r : got.subList(1, got.size())) {
          assertSameResource(
              r,
              got.get(0),
              racers
                  + " creates of node "
                  + spec.ref().nodeId()
                  + " racing from "
                  + racers
                  + " threads");
        }
        assertMatches(got.get(0), spec);
      }
    } finally {
      pool.shutdownNow();
    }

    List<NodeResource> listed = list(provider, cluster);
    assertThat(nodeIds(listed))
        .as(
            IDEMPOTENT
                + ": after %d creates of each node racing from %d "
                + "threads, list must hold one resource per node",
            racers,
            racers)
        .containsExactly(
            nodeId(cluster, "db", 1), nodeId(cluster, "db", 2), nodeId(cluster, "db", 3));
  }

  // ------------------------------------------------------------------------- find, list

  @Test
  void find_reportsWhatCreateReturned_andEmptyForANodeThatDoesNotExist() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    NodeSpec spec = spec(cluster, "db", 1, 10);
    NodeResource created = create(provider, spec);

    assertThat(find(provider, spec.ref())).as(FIND).contains(created);
    assertThat(find(provider, new NodeRef(cluster, nodeId(cluster, "db", 2))))
        .as(FIND + ": a node id never created")
        .isEmpty();
    assertThat(find(provider, new NodeRef(newClusterId(), spec.ref().nodeId())))
        .as(
            FIND
                + ": a node is named by its cluster id and node id, so the same node id in "
                + "another cluster does not exist")
        .isEmpty();
  }

  @Test
  void list_reportsTheClustersResources_andNoOthers_inNodeIdOrder() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    String other = newClusterId();
    Map<String, NodeResource> mine = new LinkedHashMap<>();
    for (int n : new int[] {3, 1, 4, 2}) {
      NodeResource r = create(provider, spec(cluster, n % 2 == 0 ? "db" : "web", n, 0));
      mine.put(r.ref().nodeId(), r);
    }
    NodeResource theirs = create(provider, spec(other, "db", 1, 0));

    List<NodeResource> listed = list(provider, cluster);

    assertThat(nodeIds(listed))
        .as(
            LIST
                + " (node ids sort as strings; created in the order "
                + "web-3, web-1, db-4, db-2)")
        .containsExactly(
            nodeId(cluster, "db", 2),
            nodeId(cluster, "db", 4),
            nodeId(cluster, "web", 1),
            nodeId(cluster, "web", 3));
    for (NodeResource r : listed) {
      assertThat(r)
          .as(LIST + ": each listed resource as create returned it")
          .isEqualTo(mine.get(r.ref().nodeId()));
      assertThat(r.tags())
          .as(LIST + ": each listed resource carries the cluster's tag")
          .containsEntry(NodeSpec.TAG_CLUSTER, cluster);
    }
    assertThat(list(provider, other)).as(LIST + ": the other cluster").containsExactly(theirs);
    assertThat(list(provider, newClusterId())).as(LIST + ": a cluster without resources").isEmpty();
  }

  // ------------------------------------------------------------------- changes to a node

  @Test
  void stopAndStart_flipRunning_andKeepVolumeAndAddress() throws Exception {
    ResourceProvider provider = open();
    NodeSpec spec = spec(newClusterId(), "db", 1, 10);
    NodeResource created = create(provider, spec);

    NodeResource stopped = done("stop", () -> provider.stop(spec.ref()));
    NodeResource stoppedAgain = done("stop (again)", () -> provider.stop(spec.ref()));
    Optional<NodeResource> foundStopped = find(provider, spec.ref());
    NodeResource started = done("start", () -> provider.start(spec.ref()));
    NodeResource startedAgain = done("start (again)", () -> provider.start(spec.ref()));
    Optional<NodeResource> foundStarted = find(provider, spec.ref());

    assertKept(stopped, created, false, STOP_START + ": stop", false);
    assertKept(
        stoppedAgain,
        created,
        false,
        STOP_START + ": a second stop (idempotent by node id)",
        false);
    assertThat(foundStopped)
        .as(STOP_START + ": find after stop")
        .hasValueSatisfying(
            r -> assertKept(r, created, false, STOP_START + ": find after stop", false));
    assertKept(started, created, true, STOP_START + ": start", recreatesInstances());
    assertKept(
        startedAgain,
        started,
        true,
        STOP_START + ": a second start (idempotent by node id)",
        false);
    assertThat(foundStarted)
        .as(STOP_START + ": find after start")
        .hasValueSatisfying(
            r -> assertKept(r, started, true, STOP_START + ": find after start", false));
  }

  @Test
  void resize_changesCpuAndMemory_growsTheVolume_andKeepsVolumeAndAddress() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    NodeSpec withVolume = spec(cluster, "db", 1, 10);
    NodeSpec plain = spec(cluster, "web", 2, 0);
    NodeResource a = create(provider, withVolume);
    NodeResource b = create(provider, plain);
    int cpu = withVolume.cpu() * 2;
    int memory = withVolume.memory() * 2;
    int volume = withVolume.volumeSize() + 5;

    NodeResource resized = done("resize", () -> provider.resize(a.ref(), cpu, memory, volume));
    NodeResource again =
        done("resize (again)", () -> provider.resize(a.ref(), cpu, memory, volume));
    NodeResource plainResized =
        done(
            "resize of a node without a volume",
            () -> provider.resize(b.ref(), plain.cpu() * 2, plain.memory() * 2, 5));

    NodeResource found =
        find(provider, a.ref())
            .orElseThrow(() -> new AssertionError(RESIZE + ": find after resize reports nothing"));
    assertKept(resized, a, RESIZE, recreatesInstances());
    assertKept(again, a, RESIZE, recreatesInstances());
    assertKept(found, again, RESIZE + " (find after resize)", false);
    for (NodeResource r : List.of(resized, again, found)) {
      assertThat(List.of(r.cpu(), r.memory(), r.volumeSize()))
          .as(
              RESIZE + ": cpu, memory and volume size after resize(%d, %d, %d)",
              cpu,
              memory,
              volume)
          .containsExactly(cpu, memory, volume);
      assertThat(r.running()).as(RESIZE + ": a running node stays running").isTrue();
    }
    assertKept(plainResized, b, RESIZE, recreatesInstances());
    assertThat(List.of(plainResized.cpu(), plainResized.memory(), plainResized.volumeSize()))
        .as(
            RESIZE
                + ": cpu, memory and volume size of a node without a volume after "
                + "resize(%d, %d, 5)",
            plain.cpu() * 2,
            plain.memory() * 2)
        .containsExactly(plain.cpu() * 2, plain.memory() * 2, 0);
    assertThat(plainResized.volumeId())
        .as(RESIZE + ": a node without a volume keeps none")
        .isEmpty();
  }

  @Test
  void replaceImage_bootsTheNewImage_andKeepsVolumeAndAddress() throws Exception {
    ResourceProvider provider = open();
    NodeSpec spec = withImage(spec(newClusterId(), "db", 1, 10), image());
    NodeResource created = create(provider, spec);

    NodeResource replaced =
        done("replaceImage", () -> provider.replaceImage(spec.ref(), otherImage()));
    NodeResource found =
        find(provider, spec.ref())
            .orElseThrow(
                () -> new AssertionError(REPLACE + ": find after replaceImage reports nothing"));

    assertKept(replaced, created, REPLACE, recreatesInstances());
    assertKept(found, replaced, REPLACE + " (find after replaceImage)", false);
    for (NodeResource r : List.of(replaced, found)) {
      assertThat(r.image()).as(REPLACE + ": the image").contains(otherImage());
      assertThat(List.of(r.cpu(), r.memory(), r.volumeSize()))
          .as(REPLACE + ": cpu, memory and " + "volume size do not change")
          .containsExactly(spec.cpu(), spec.memory(), spec.volumeSize());
    }
  }

  @Test
  void changesToANodeThatDoesNotExist_failTheirStage_andCreateNothing() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    NodeRef missing = new NodeRef(cluster, nodeId(cluster, "db", 1));
    Map<String, Supplier<CompletionStage<?>>> calls = new LinkedHashMap<>();
    calls.put("start", () -> provider.start(missing));
    calls.put("stop", () -> provider.stop(missing));
    calls.put("resize", () -> provider.resize(missing, 2, 1024, 20));
    calls.put("replaceImage", () -> provider.replaceImage(missing, otherImage()));

    calls.forEach(
        (method, call) -> {
          Stages.Outcome<?> outcome =
              Stages.outcome(method + " of a node that does not exist", call::get);
          assertThat(outcome.error())
              .as(MISSING + ": %s completed with %s", method, outcome.value())
              .isNotNull();
        });

    assertThat(find(provider, missing)).as(MISSING).isEmpty();
    assertThat(list(provider, cluster)).as(MISSING).isEmpty();
  }

  // ------------------------------------------------------------------------------ delete

  @Test
  void delete_removesTheNode_andDeletingAMissingNodeCompletesNormally() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    NodeSpec gone = spec(cluster, "db", 1, 10);
    NodeSpec staying = spec(cluster, "db", 2, 10);
    create(provider, gone);
    NodeResource stays = create(provider, staying);

    Optional<String> kept = done("delete", () -> provider.delete(gone.ref(), false));
    Optional<String> again = done("delete (again)", () -> provider.delete(gone.ref(), false));
    Optional<String> never =
        done(
            "delete of a node never created",
            () -> provider.delete(new NodeRef(cluster, nodeId(cluster, "db", 3)), false));

    assertThat(kept)
        .as(DELETE + ": a delete that does not keep the volume completes empty")
        .isEmpty();
    assertThat(again).as(DELETE + ": a second delete completes empty").isEmpty();
    assertThat(never).as(DELETE + ": a delete of a node never created completes empty").isEmpty();
    assertThat(find(provider, gone.ref())).as(DELETE + ": find after delete").isEmpty();
    assertThat(list(provider, cluster))
        .as(DELETE + ": list after delete holds only the other " + "node")
        .containsExactly(stays);
  }

  @Test
  void delete_keepingTheVolume_completesWithItsId_andEmptyForANodeWithoutOne() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    NodeSpec withVolume = spec(cluster, "db", 1, 10);
    NodeSpec plain = spec(cluster, "web", 2, 0);
    create(provider, withVolume);
    create(provider, plain);

    Optional<String> kept =
        done("delete keeping the volume", () -> provider.delete(withVolume.ref(), true));
    kept.ifPresent(keptVolumes::add);
    Optional<String> keptAgain =
        done("delete keeping the volume (again)", () -> provider.delete(withVolume.ref(), true));
    keptAgain.ifPresent(keptVolumes::add);
    Optional<String> none =
        done(
            "delete keeping the volume of a node without one",
            () -> provider.delete(plain.ref(), true));

    assertThat(kept)
        .as(KEEP + ": a node with a volume")
        .hasValueSatisfying(id -> assertThat(id).as(KEEP + ": the kept volume's id").isNotBlank());
    assertThat(keptAgain)
        .as(
            DELETE
                + "; a repeated delete keeping the volume completes with the"
                + " same volume id or empty")
        .isIn(Optional.empty(), kept);
    assertThat(none).as(KEEP + ": a node without a volume").isEmpty();
    assertThat(list(provider, cluster)).as(DELETE + ": list after both deletes").isEmpty();
  }

  // --------------------------------------------------------------------- nulls and close

  @Test
  void nullArguments_areRefused_andChangeNothing() throws Exception {
    ResourceProvider provider = open();
    String cluster = newClusterId();
    NodeSpec spec = spec(cluster, "db", 1, 0);
    NodeResource created = create(provider, spec);
    Map<String, Supplier<CompletionStage<?>>> calls = new LinkedHashMap<>();
    calls.put("create(null)", () -> provider.create(null));
    calls.put("find(null)", () -> provider.find(null));
    calls.put("list(null)", () -> provider.list(null));
    calls.put("start(null)", () -> provider.start(null));
    calls.put("stop(null)", () -> provider.stop(null));
    calls.put("resize(null, ...)", () -> provider.resize(null, 2, 1024, 0));
    calls.put("replaceImage(null, image)", () -> provider.replaceImage(null, otherImage()));
    calls.put("replaceImage(node, null)", () -> provider.replaceImage(spec.ref(), null));
    calls.put("delete(null, false)", () -> provider.delete(null, false));

    calls.forEach((call, method) -> assertRefused(call, method));

    assertThat(list(provider, cluster)).as(NULLS).containsExactly(created);
  }

  @Test
  void close_mayBeCalledAgain() throws Exception {
    ResourceProvider provider = open();
    NodeSpec spec = spec(newClusterId(), "db", 1, 0);
    create(provider, spec);
    done("delete", () -> provider.delete(spec.ref(), false));

    obtained.get(0).closedByTest = true;
    for (String which : new String[] {"the first", "a second"}) {
      try {
        provider.close();
      } catch (Exception e) {
        throw new AssertionError(CLOSE + ": " + which + " close threw " + e, e);
      }
    }
  }

  // ----------------------------------------------------------------------------- helpers

  private ResourceProvider open() throws Exception {
    ResourceProvider provider = newProvider();
    assertThat(provider).as("newProvider() must return a provider").isNotNull();
    obtained.add(new Tracked(provider));
    return provider;
  }

  private static String newClusterId() {
    return "kit-" + UUID.randomUUID().toString().substring(0, 8);
  }

  private static String nodeId(String clusterId, String role, int n) {
    return clusterId + "-" + role + "-" + n;
  }

  /** The spec of node {@code <cluster>-<role>-<n>}, from {@link #nodeSpec}, checked. */
  private NodeSpec spec(String clusterId, String role, int n, int volumeSize) {
    NodeRef ref = new NodeRef(clusterId, nodeId(clusterId, role, n));
    NodeSpec spec = nodeSpec(ref, role, volumeSize);
    assertThat(spec).as("nodeSpec(...) must return a spec").isNotNull();
    assertThat(List.of(spec.ref(), spec.role(), spec.volumeSize()))
        .as("nodeSpec(...) must keep the node, role and volume size it is given")
        .containsExactly(ref, role, volumeSize);
    assertThat(spec.tags())
        .as("nodeSpec(...) must keep the tags the engine puts on a node")
        .containsEntry(NodeSpec.TAG_CLUSTER, clusterId)
        .containsEntry(NodeSpec.TAG_ROLE, role)
        .containsEntry(NodeSpec.TAG_NODE, ref.nodeId());
    return spec;
  }

  private static NodeSpec withImage(NodeSpec s, String image) {
    return s.toBuilder().image(image).build();
  }

  /**
   * Calls a method, checking that it returns its stage within {@link #RETURN_SECONDS} and does not
   * throw; remembers the node so that it is deleted after the test.
   */
  private <T> CompletionStage<T> call(
      String what, Supplier<? extends CompletionStage<T>> method, NodeRef touched) {
    if (touched != null) {
      obtained.get(obtained.size() - 1).nodes.add(touched);
    }
    long started = System.nanoTime();
    CompletionStage<T> stage;
    try {
      stage = method.get();
    } catch (RuntimeException e) {
      throw new AssertionError(
          ASYNC + "; report failures through the stage: " + what + " threw " + e, e);
    }
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    assertThat(millis)
        .as(ASYNC + ": %s took %d ms to return its stage", what, millis)
        .isLessThan(TimeUnit.SECONDS.toMillis(RETURN_SECONDS));
    return stage;
  }

  private <T> T done(String what, Supplier<? extends CompletionStage<T>> method) {
    return await(what, call(what, method, null));
  }

  private NodeResource create(ResourceProvider provider, NodeSpec spec) {
    return await("create", call("create", () -> provider.create(spec), spec.ref()));
  }

  private Optional<NodeResource> find(ResourceProvider provider, NodeRef ref) {
    return done("find", () -> provider.find(ref));
  }

  private List<NodeResource> list(ResourceProvider provider, String clusterId) {
    List<NodeResource> listed = done("list", () -> provider.list(clusterId));
    assertThat(listed).as("ResourceProvider.list must complete with a list, not null").isNotNull();
    return listed;
  }

  private static List<String> nodeIds(List<NodeResource> resources) {
    return resources.stream().map(r -> r.ref().nodeId()).toList();
  }

  private static void assertMatches(NodeResource r, NodeSpec spec) {
    assertThat(r).as(MATCHES + ": create of %s completed with null", spec.ref()).isNotNull();
    String of = " of node " + spec.ref().nodeId();
    assertThat(r.ref()).as(MATCHES + ": the node" + of).isEqualTo(spec.ref());
    assertThat(r.role()).as(MATCHES + ": the role" + of).isEqualTo(spec.role());
    assertThat(r.cpu()).as(MATCHES + ": the cpu" + of).isEqualTo(spec.cpu());
    assertThat(r.memory()).as(MATCHES + ": the memory" + of).isEqualTo(spec.memory());
    assertThat(r.volumeSize()).as(MATCHES + ": the volume size" + of).isEqualTo(spec.volumeSize());
    assertThat(r.volumeId().isEmpty())
        .as(MATCHES + ": a volume id exactly when the spec asks " + "for a volume" + of)
        .isEqualTo(spec.volumeSize() == 0);
    assertThat(r.image()).as(MATCHES + ": the image" + of).isEqualTo(spec.image());
    assertThat(r.running()).as(MATCHES + ": running" + of).isTrue();
    assertThat(r.tags()).as(MATCHES + ": the tags" + of).containsAllEntriesOf(spec.tags());
    assertThat(r.instanceId()).as(MATCHES + ": an instance id" + of).isNotBlank();
    assertThat(r.address()).as(MATCHES + ": an address" + of).isNotBlank();
  }

  /** Checks that a second create (or find) reports the same instance, address and volume. */
  private static void assertSameResource(NodeResource actual, NodeResource first, String what) {
    assertThat(actual).as(IDEMPOTENT + "; %s completed with null", what).isNotNull();
    assertThat(actual.instanceId())
        .as(IDEMPOTENT + "; %s returned another instance", what)
        .isEqualTo(first.instanceId());
    assertThat(actual.address())
        .as(IDEMPOTENT + "; %s returned another address", what)
        .isEqualTo(first.address());
    assertThat(actual.volumeId())
        .as(IDEMPOTENT + "; %s returned another volume", what)
        .isEqualTo(first.volumeId());
    assertThat(actual).as(IDEMPOTENT + "; %s returned another resource", what).isEqualTo(first);
  }

  /** Checks that {@code r} kept {@code before}'s identity and reports the node up or down. */
  private static void assertKept(
      NodeResource r, NodeResource before, boolean running, String contract, boolean recreated) {
    assertKept(r, before, contract, recreated);
    assertThat(r.running())
        .as(contract + " must report the node " + (running ? "running" : "stopped"))
        .isEqualTo(running);
  }

  /**
   * Checks that a change kept the node, its volume and its address; when the change {@code
   * recreated} the instance, the address may be new but must be there.
   */
  private static void assertKept(
      NodeResource r, NodeResource before, String contract, boolean recreated) {
    assertThat(r).as(contract + ": completed with null").isNotNull();
    assertThat(r.ref()).as(contract + ": the node").isEqualTo(before.ref());
    assertThat(r.role()).as(contract + ": the role").isEqualTo(before.role());
    assertThat(r.volumeId()).as(contract + ": the volume id").isEqualTo(before.volumeId());
    if (recreated) {
      assertThat(r.address()).as(contract + ": the (new) address of a recreated node").isNotBlank();
    } else {
      assertThat(r.address()).as(contract + ": the address").isEqualTo(before.address());
    }
    assertThat(r.tags()).as(contract + ": the tags").containsAllEntriesOf(before.tags());
  }

  /** Checks that a call with a null argument throws NullPointerException or fails its stage. */
  private static void assertRefused(String call, Supplier<CompletionStage<?>> method) {
    CompletionStage<?> stage;
    try {
      stage = method.get();
    } catch (NullPointerException e) {
      return;
    } catch (RuntimeException e) {
      throw new AssertionError(NULLS + ": " + call + " threw " + e, e);
    }
    assertThat(stage).as(NULLS + ": %s returned null", call).isNotNull();
    Stages.Outcome<?> outcome = Stages.outcome(call, () -> stage);
    assertThat(outcome.error())
        .as(NULLS + ": %s completed with %s", call, outcome.value())
        .isNotNull();
  }

  private static <T> T get(Future<T> f) throws InterruptedException {
    try {
      return f.get(2 * Stages.WAIT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof AssertionError a ? a : new AssertionError(e.getCause());
    } catch (TimeoutException e) {
      throw new AssertionError(
          "a racing create did not complete in " + 2 * Stages.WAIT_SECONDS + " s", e);
    }
  }

  /**
   * Deletes the nodes the test created (best effort: failures are ignored, the test's own
   * assertions have spoken), hands kept volumes to {@link #removeKeptVolume}, then closes the
   * providers.
   */
  @AfterEach
  void deleteNodesAndCloseProviders() throws Exception {
    AssertionError failed = null;
    for (Tracked t : obtained) {
      for (NodeRef ref : t.closedByTest ? List.<NodeRef>of() : List.copyOf(t.nodes)) {
        try {
          Stages.outcome("delete", () -> t.provider.delete(ref, false));
        } catch (AssertionError | RuntimeException e) {
          // clean-up only
        }
      }
    }
    for (String volumeId : keptVolumes) {
      removeKeptVolume(volumeId);
    }
    keptVolumes.clear();
    for (Tracked t : obtained) {
      try {
        t.provider.close();
      } catch (Exception e) {
        failed = failed != null ? failed : new AssertionError(CLOSE + ": " + e, e);
      }
    }
    obtained.clear();
    if (failed != null) {
      throw failed;
    }
  }

  /** A provider the test obtained and the nodes it created with it. */
  private static final class Tracked {
    final ResourceProvider provider;
    final Set<NodeRef> nodes = Collections.synchronizedSet(new LinkedHashSet<>());
    volatile boolean closedByTest;

    Tracked(ResourceProvider provider) {
      this.provider = provider;
    }
  }
}

package io.clusterlifecycle.testkit;

import static io.clusterlifecycle.testkit.Fixtures.await;
import static io.clusterlifecycle.testkit.Fixtures.spec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.testkit.Fixtures.TestClock;
import io.clusterlifecycle.testkit.ResourceCall.Method;
import io.clusterlifecycle.testkit.ResourceCall.Outcome;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class InMemoryResourceProviderTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RecordingScheduler scheduler = new RecordingScheduler();
  private final InMemoryResourceProvider provider =
      InMemoryResourceProvider.builder().clock(clock).scheduler(scheduler).build();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  @Test
  void create_handsOutAddressesAndInstanceIdsInOrder() throws Exception {
    NodeResource a = await(provider.create(spec("c1", "demo-zk-1", "zk", 20)));
    NodeResource b = await(provider.create(spec("c1", "demo-zk-2", "zk", 0)));
    NodeResource c = await(provider.create(spec("c2", "other-zk-1", "zk", 5)));

    assertThat(List.of(a.address(), b.address(), c.address()))
        .containsExactly("10.0.0.1", "10.0.0.2", "10.0.0.3");
    assertThat(List.of(a.instanceId(), b.instanceId(), c.instanceId()))
        .containsExactly("i-1", "i-2", "i-3");
    assertThat(a.volumeId()).contains("vol-demo-zk-1");
    assertThat(b.volumeId()).isEmpty();
    assertThat(a.running()).isTrue();
    assertThat(a.cpu()).isEqualTo(2);
    assertThat(a.memory()).isEqualTo(2048);
    assertThat(a.volumeSize()).isEqualTo(20);
    assertThat(a.tags())
        .containsEntry("team", "qa")
        .containsEntry(NodeSpec.TAG_CLUSTER, "c1")
        .containsEntry(NodeSpec.TAG_ROLE, "zk")
        .containsEntry(NodeSpec.TAG_NODE, "demo-zk-1");
  }

  @Test
  void create_rollsAddressesOverToTheNextSubnetAfter254() throws Exception {
    NodeResource last = null;
    for (int i = 1; i <= 255; i++) {
      last = await(provider.create(spec("c1", String.format("n-%03d", i), "w", 0)));
    }
    assertThat(last.address()).isEqualTo("10.0.1.1");
    assertThat(provider.resources("c1"))
        .extracting(NodeResource::address)
        .doesNotHaveDuplicates()
        .noneMatch(a -> a.endsWith(".0") || a.endsWith(".255"));
  }

  @Test
  void create_ofAnExistingNode_returnsTheSameResourceAsANoOp() throws Exception {
    NodeSpec spec = spec("c1", "demo-zk-1", "zk", 20);
    NodeResource first = await(provider.create(spec));
    NodeResource again = await(provider.create(spec));

    assertThat(again).isEqualTo(first);
    assertThat(provider.createCount("demo-zk-1")).isEqualTo(2);
    assertThat(provider.calls(Method.CREATE))
        .extracting(ResourceCall::outcome)
        .containsExactly(Outcome.DONE, Outcome.NO_OP);
    assertThat(provider.resources("c1")).hasSize(1);
    // the no-op handed out no address
    assertThat(await(provider.create(spec("c1", "demo-zk-2", "zk", 0))).address())
        .isEqualTo("10.0.0.2");
  }

  @Test
  void create_fromManyThreads_createsEachNodeExactlyOnce() throws Exception {
    int threads = 8;
    int nodes = 50;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      CyclicBarrier start = new CyclicBarrier(threads);
      List<Future<List<NodeResource>>> results = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        results.add(
            pool.submit(
                () -> {
                  start.await();
                  List<NodeResource> got = new ArrayList<>();
                  for (int n = 0; n < nodes; n++) {
                    got.add(await(provider.create(spec("c1", "node-" + n, "w", 1))));
                  }
                  return got;
                }));
      }
      List<List<NodeResource>> all = new ArrayList<>();
      for (Future<List<NodeResource>> f : results) {
        all.add(f.get(10, TimeUnit.SECONDS));
      }
      // every thread saw the same resource for each node
      for (List<NodeResource> got : all) {
        assertThat(got).isEqualTo(all.get(0));
      }
      assertThat(provider.resources("c1"))
          .hasSize(nodes)
          .extracting(NodeResource::address)
          .doesNotHaveDuplicates();
      assertThat(provider.calls(Method.CREATE))
          .hasSize(threads * nodes)
          .filteredOn(c -> c.outcome() == Outcome.DONE)
          .hasSize(nodes);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void delete_isIdempotent_andKeepsTheVolumeWhenAsked() throws Exception {
    NodeRef withVolume = new NodeRef("c1", "demo-zk-1");
    NodeRef without = new NodeRef("c1", "demo-zk-2");
    await(provider.create(spec("c1", "demo-zk-1", "zk", 20)));
    await(provider.create(spec("c1", "demo-zk-2", "zk", 0)));

    assertThat(await(provider.delete(withVolume, true))).contains("vol-demo-zk-1");
    assertThat(await(provider.delete(withVolume, true))).contains("vol-demo-zk-1");
    assertThat(await(provider.delete(without, true))).isEmpty();
    assertThat(await(provider.delete(new NodeRef("c1", "never-was"), false))).isEmpty();

    assertThat(provider.resources("c1")).isEmpty();
    assertThat(provider.keptVolumes()).containsExactly("vol-demo-zk-1");
    assertThat(provider.deleteCount("demo-zk-1")).isEqualTo(2);
    assertThat(provider.calls(Method.DELETE))
        .extracting(ResourceCall::outcome)
        .containsExactly(Outcome.DONE, Outcome.NO_OP, Outcome.DONE, Outcome.NO_OP);

    // re-creating the node re-attaches its kept volume
    NodeResource back = await(provider.create(spec("c1", "demo-zk-1", "zk", 20)));
    assertThat(back.volumeId()).contains("vol-demo-zk-1");
    assertThat(back.address()).isEqualTo("10.0.0.3");
    assertThat(provider.keptVolumes()).isEmpty();
  }

  @Test
  void delete_withoutKeepVolume_dropsTheVolume() throws Exception {
    await(provider.create(spec("c1", "demo-zk-1", "zk", 20)));
    assertThat(await(provider.delete(new NodeRef("c1", "demo-zk-1"), false))).isEmpty();
    assertThat(provider.keptVolumes()).isEmpty();
  }

  @Test
  void list_returnsOnlyTheClustersResources_sortedByNodeId() throws Exception {
    for (String id : List.of("demo-zk-3", "demo-master-1", "demo-zk-1")) {
      await(provider.create(spec("c1", id, "zk", 0)));
    }
    await(provider.create(spec("c2", "other-zk-1", "zk", 0)));

    assertThat(await(provider.list("c1")))
        .extracting(r -> r.ref().nodeId())
        .containsExactly("demo-master-1", "demo-zk-1", "demo-zk-3");
    assertThat(await(provider.list("nope"))).isEmpty();
    assertThat(provider.calls(Method.LIST))
        .extracting(ResourceCall::clusterId)
        .containsExactly("c1", "nope");
  }

  @Test
  void startStopResizeAndReplaceImage_changeOnlyWhatTheySay() throws Exception {
    NodeRef ref = new NodeRef("c1", "demo-zk-1");
    NodeResource created = await(provider.create(spec("c1", "demo-zk-1", "zk", 20)));

    assertThat(await(provider.stop(ref)).running()).isFalse();
    assertThat(await(provider.stop(ref)).running()).isFalse();
    assertThat(await(provider.start(ref)).running()).isTrue();
    NodeResource resized = await(provider.resize(ref, 8, 16384, 40));
    NodeResource rebuilt = await(provider.replaceImage(ref, "zk:3.9"));

    assertThat(resized.cpu()).isEqualTo(8);
    assertThat(resized.memory()).isEqualTo(16384);
    assertThat(resized.volumeSize()).isEqualTo(40);
    assertThat(rebuilt.image()).contains("zk:3.9");
    assertThat(rebuilt.address()).isEqualTo(created.address());
    assertThat(rebuilt.instanceId()).isEqualTo(created.instanceId());
    assertThat(rebuilt.volumeId()).isEqualTo(created.volumeId());
    assertThat(provider.calls())
        .extracting(ResourceCall::method, ResourceCall::outcome)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Method.CREATE, Outcome.DONE),
            org.assertj.core.groups.Tuple.tuple(Method.STOP, Outcome.DONE),
            org.assertj.core.groups.Tuple.tuple(Method.STOP, Outcome.NO_OP),
            org.assertj.core.groups.Tuple.tuple(Method.START, Outcome.DONE),
            org.assertj.core.groups.Tuple.tuple(Method.RESIZE, Outcome.DONE),
            org.assertj.core.groups.Tuple.tuple(Method.REPLACE_IMAGE, Outcome.DONE));
  }

  @Test
  void resize_refusesToShrinkAVolume_andIgnoresVolumeSizeWithoutOne() throws Exception {
    NodeRef withVolume = new NodeRef("c1", "a");
    NodeRef without = new NodeRef("c1", "b");
    await(provider.create(spec("c1", "a", "zk", 20)));
    await(provider.create(spec("c1", "b", "zk", 0)));

    assertThatThrownBy(() -> await(provider.resize(withVolume, 1, 1024, 10)))
        .hasCauseInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("cannot shrink the volume of node a from 20 GiB to 10 GiB");
    assertThat(provider.resource(withVolume).orElseThrow().volumeSize()).isEqualTo(20);
    assertThat(await(provider.resize(without, 1, 1024, 10)).volumeSize()).isZero();
  }

  @Test
  void perNodeMethods_onAMissingNode_failWithNotFound_butFindCompletesEmpty() throws Exception {
    NodeRef missing = new NodeRef("c1", "ghost");

    for (CompletableFuture<?> f :
        List.of(
            provider.start(missing),
            provider.stop(missing),
            provider.resize(missing, 1, 1, 1),
            provider.replaceImage(missing, "x"))) {
      assertThatThrownBy(() -> await(f))
          .isInstanceOf(ExecutionException.class)
          .hasCauseInstanceOf(NotFoundException.class)
          .hasMessageContaining("ghost");
    }
    assertThat(await(provider.find(missing))).isEmpty();
    assertThat(provider.calls()).extracting(ResourceCall::outcome).containsOnly(Outcome.NOT_FOUND);
  }

  @Test
  void failCreate_failsOnlyThatNode_forAsManyCallsAsAsked() throws Exception {
    TransientSpiException rateLimited = new TransientSpiException("429 slow down", null);
    Fault fault = provider.failCreate("demo-zk-2", rateLimited).times(2);

    assertThat(await(provider.create(spec("c1", "demo-zk-1", "zk", 0))).address())
        .isEqualTo("10.0.0.1");
    for (int i = 0; i < 2; i++) {
      assertThatThrownBy(() -> await(provider.create(spec("c1", "demo-zk-2", "zk", 0))))
          .hasCause(rateLimited);
      assertThat(provider.resource(new NodeRef("c1", "demo-zk-2"))).isEmpty();
    }
    NodeResource third = await(provider.create(spec("c1", "demo-zk-2", "zk", 0)));

    assertThat(third.address()).isEqualTo("10.0.0.2");
    assertThat(fault.hits()).isEqualTo(2);
    assertThat(fault.isActive()).isFalse();
    assertThat(provider.calls(Method.CREATE))
        .extracting(ResourceCall::outcome, ResourceCall::error)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(Outcome.DONE, ""),
            org.assertj.core.groups.Tuple.tuple(Outcome.FAILED, "429 slow down"),
            org.assertj.core.groups.Tuple.tuple(Outcome.FAILED, "429 slow down"),
            org.assertj.core.groups.Tuple.tuple(Outcome.DONE, ""));
  }

  @Test
  void failDelete_byPredicate_keepsTheResourceUntilTheFaultIsRemoved() throws Exception {
    NodeRef ref = new NodeRef("c2", "other-zk-1");
    await(provider.create(spec("c2", "other-zk-1", "zk", 0)));
    IllegalStateException quota = new IllegalStateException("403 forbidden");
    Fault fault = provider.failDelete(r -> r.clusterId().equals("c2"), quota);

    assertThatThrownBy(() -> await(provider.delete(ref, false))).hasCause(quota);
    assertThat(provider.resource(ref)).isPresent();

    fault.remove();
    assertThat(await(provider.delete(ref, false))).isEmpty();
    assertThat(provider.resource(ref)).isEmpty();
  }

  @Test
  void fail_onList_isRefused() {
    assertThatThrownBy(() -> provider.fail(Method.LIST, r -> true, new RuntimeException()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void latency_completesTheCallOnTheSchedulerAfterTheLatency() throws Exception {
    provider.latency(Method.CREATE, Duration.ofMillis(50));
    long t0 = System.nanoTime();

    CompletableFuture<NodeResource> created = provider.create(spec("c1", "demo-zk-1", "zk", 0));

    assertThat(scheduler.delays).containsExactly(Duration.ofMillis(50));
    assertThat(provider.calls())
        .singleElement()
        .satisfies(c -> assertThat(c.outcome()).isEqualTo(Outcome.IN_FLIGHT))
        .satisfies(c -> assertThat(c.endedAt()).isEmpty());
    NodeResource r = await(created);
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
    assertThat(r.address()).isEqualTo("10.0.0.1");
    assertThat(provider.calls())
        .singleElement()
        .satisfies(c -> assertThat(c.outcome()).isEqualTo(Outcome.DONE));
    // other methods have no latency of their own: they complete at once
    assertThat(provider.find(r.ref())).isCompletedWithValue(Optional.of(r));
  }

  @Test
  void latency_deliversAFaultAfterTheLatency() throws Exception {
    provider.latency(Duration.ofMillis(20));
    RuntimeException boom = new RuntimeException("boom");
    provider.failCreate("x", boom);

    CompletableFuture<NodeResource> f = provider.create(spec("c1", "x", "zk", 0));

    assertThat(f).isNotDone();
    assertThatThrownBy(() -> await(f)).hasCause(boom);
    assertThat(provider.calls())
        .singleElement()
        .satisfies(c -> assertThat(c.outcome()).isEqualTo(Outcome.FAILED));
  }

  @Test
  void latency_withoutAScheduler_isRefusedUpFront() {
    InMemoryResourceProvider plain = InMemoryResourceProvider.builder().build();
    assertThatThrownBy(() -> plain.latency(Duration.ofMillis(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scheduler");
    assertThatThrownBy(() -> provider.latency(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void calls_areRecordedInOrder_withTheInjectedClocksTimes() throws Exception {
    await(provider.create(spec("c1", "a", "zk", 0)));
    clock.advance(Duration.ofSeconds(5));
    await(provider.stop(new NodeRef("c1", "a")));
    clock.advance(Duration.ofSeconds(5));
    await(provider.delete(new NodeRef("c1", "a"), false));

    assertThat(provider.calls())
        .extracting(
            ResourceCall::seq, ResourceCall::method, ResourceCall::nodeId, ResourceCall::startedAt)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                1L, Method.CREATE, "a", Instant.parse("2026-01-01T00:00:00Z")),
            org.assertj.core.groups.Tuple.tuple(
                2L, Method.STOP, "a", Instant.parse("2026-01-01T00:00:05Z")),
            org.assertj.core.groups.Tuple.tuple(
                3L, Method.DELETE, "a", Instant.parse("2026-01-01T00:00:10Z")));
    assertThat(provider.calls()).allSatisfy(c -> assertThat(c.endedAt()).contains(c.startedAt()));
  }

  @Test
  void untrackedChanges_areVisibleToListButNotRecordedAsCalls() throws Exception {
    NodeResource leak = provider.addUntracked(spec("c1", "leaked-1", "zk", 0));
    assertThat(await(provider.list("c1"))).containsExactly(leak);

    assertThat(provider.removeUntracked(leak.ref())).isTrue();
    assertThat(provider.removeUntracked(leak.ref())).isFalse();
    assertThat(await(provider.find(leak.ref()))).isEmpty();
    Set<Method> methods = new HashSet<>();
    provider.calls().forEach(c -> methods.add(c.method()));
    assertThat(methods).containsExactlyInAnyOrder(Method.LIST, Method.FIND);
  }
}

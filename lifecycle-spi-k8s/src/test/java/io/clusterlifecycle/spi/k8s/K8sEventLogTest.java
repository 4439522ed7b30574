package io.clusterlifecycle.spi.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.state.OperationType;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@link K8sClusterStore}'s event log ({@link EventConfigMaps}) seals the head into segments
 * and reads across them, with a small seal threshold: roll-over, batches larger than a ConfigMap, a
 * crash between creating a segment and trimming the head, and purges across segments.
 */
class K8sEventLogTest {
  private static final Instant T0 = Instant.parse("2026-12-02T10:00:00.123456789Z");
  private static final long MAX_BYTES = 16 * 1024;
  private static final long SEAL_BYTES = 2 * 1024;

  @TempDir static Path pods;
  private static MockKubernetes k8s;
  private K8sClusterStore store;
  private String name;
  private final AtomicInteger made = new AtomicInteger();

  @BeforeAll
  static void start() {
    k8s = MockKubernetes.start(pods);
  }

  @AfterAll
  static void stop() {
    k8s.close();
  }

  @BeforeEach
  void open() {
    name = "ev-" + UUID.randomUUID().toString().substring(0, 8);
    store = open(name);
  }

  @AfterEach
  void close() {
    k8s.faults().clear();
    store.close();
  }

  @Test
  void appendsSealTheOldestEventsIntoSegments_andReadsCrossSegmentsAndTheHead() {
    List<LifecycleEvent> written = new ArrayList<>();
    for (int i = 0; i < 30; i++) {
      String cluster = i % 3 == 0 ? "c1" : "c2";
      written.addAll(join(store.appendEvents(List.of(event(cluster), event(cluster)))));
    }

    List<ConfigMap> segments = segments();
    assertThat(segments).hasSizeGreaterThanOrEqualTo(3);
    assertThat(index()).hasSameSizeAs(segments);
    for (ConfigMap segment : segments) {
      List<String> lines = lines(segment);
      assertThat(segment.getMetadata().getLabels())
          .containsEntry(EventConfigMaps.FIRST_LABEL, Long.toString(seq(lines.get(0))))
          .containsEntry(
              EventConfigMaps.LAST_LABEL, Long.toString(seq(lines.get(lines.size() - 1))));
      assertThat(size(segment)).isLessThanOrEqualTo(MAX_BYTES);
    }
    assertThat(headEventBytes())
        .as("the head keeps only the newest events")
        .isLessThan(2 * SEAL_BYTES);

    assertThat(join(store.events(EventQuery.all()))).isEqualTo(written);
    assertThat(follow(store, EventQuery.all().limit(7))).isEqualTo(written);
    for (int i = 0; i < written.size(); i++) {
      long after = written.get(i).seq();
      assertThat(join(store.events(EventQuery.all().after(after).limit(5))))
          .as("five events after %d", after)
          .isEqualTo(written.subList(i + 1, Math.min(written.size(), i + 6)));
    }
    assertThat(join(store.events(EventQuery.cluster("c1"))))
        .isEqualTo(written.stream().filter(e -> e.cluster().orElseThrow().equals("c1")).toList());
    assertThat(follow(store, EventQuery.cluster("c2").limit(3)))
        .isEqualTo(written.stream().filter(e -> e.cluster().orElseThrow().equals("c2")).toList());
    LifecycleEvent one = written.get(17);
    assertThat(join(store.events(EventQuery.all().operation(one.operation().orElseThrow()))))
        .containsExactly(one);
  }

  @Test
  void clientsSealingAtOnce_createTheSameSegments_andAFollowerMissesNone() throws Exception {
    K8sClusterStore other = open(name);
    K8sClusterStore reader = open(name);
    ExecutorService pool = Executors.newFixedThreadPool(7);
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      List<Future<List<LifecycleEvent>>> writers = new ArrayList<>();
      for (int t = 0; t < 6; t++) {
        K8sClusterStore client = t % 2 == 0 ? store : other;
        String cluster = "c" + (t % 3);
        writers.add(
            pool.submit(
                () -> {
                  List<LifecycleEvent> mine = new ArrayList<>();
                  for (int i = 0; i < 10; i++) {
                    mine.addAll(join(client.appendEvents(List.of(event(cluster), event(cluster)))));
                  }
                  return mine;
                }));
      }
      Future<List<LifecycleEvent>> follower =
          pool.submit(
              () -> {
                List<LifecycleEvent> seen = new ArrayList<>();
                long after = 0;
                boolean last = false;
                while (!last) {
                  last = !writing.get();
                  List<LifecycleEvent> page =
                      join(reader.events(EventQuery.all().after(after).limit(5)));
                  seen.addAll(page);
                  if (!page.isEmpty()) {
                    after = page.get(page.size() - 1).seq();
                    last = false;
                  }
                }
                return seen;
              });
      List<LifecycleEvent> written = new ArrayList<>();
      for (Future<List<LifecycleEvent>> w : writers) {
        written.addAll(w.get(120, TimeUnit.SECONDS));
      }
      writing.set(false);
      List<LifecycleEvent> seen = follower.get(120, TimeUnit.SECONDS);

      written.sort(Comparator.comparingLong(LifecycleEvent::seq));
      assertThat(written).extracting(LifecycleEvent::seq).doesNotHaveDuplicates();
      assertThat(seen).isEqualTo(written);
      assertThat(join(reader.events(EventQuery.all().limit(EventQuery.MAX_LIMIT))))
          .isEqualTo(written);
      assertThat(segments()).hasSizeGreaterThanOrEqualTo(5);
      assertThat(segments())
          .as("racing clients seal the same runs, so every segment is indexed")
          .hasSameSizeAs(index());
    } finally {
      pool.shutdownNow();
      other.close();
      reader.close();
    }
  }

  @Test
  void aBatchTooLargeForOneConfigMap_isStoredAtOnce_sealedIntoSegments() {
    List<LifecycleEvent> first = join(store.appendEvents(List.of(event("c1"))));
    List<LifecycleEvent> batch = new ArrayList<>();
    for (int i = 0; i < 80; i++) {
      batch.add(event(i % 2 == 0 ? "c1" : "c2"));
    }

    List<LifecycleEvent> stored = join(store.appendEvents(batch));

    assertThat(stored).hasSize(80);
    for (int i = 0; i < 80; i++) {
      assertThat(stored.get(i)).isEqualTo(batch.get(i).withSeq(first.get(0).seq() + 1 + i));
    }
    assertThat(segments()).hasSizeGreaterThanOrEqualTo(3).hasSameSizeAs(index());
    assertThat(size(head())).isLessThanOrEqualTo(MAX_BYTES);
    List<LifecycleEvent> all = new ArrayList<>(first);
    all.addAll(stored);
    assertThat(join(store.events(EventQuery.all()))).isEqualTo(all);
    assertThat(follow(store, EventQuery.all().limit(9))).isEqualTo(all);
  }

  @Test
  void aCrashBetweenCreatingASegmentAndTrimmingTheHead_readsNoEventTwice_andTheNextSealUsesIt() {
    List<LifecycleEvent> written = new ArrayList<>();
    while (headEventBytes() < SEAL_BYTES) {
      written.addAll(join(store.appendEvents(List.of(event("c1"), event("c2")))));
    }
    assertThat(segments()).isEmpty();
    k8s.faults().fail("PUT", "/configmaps/" + head().getMetadata().getName(), 500, "crash", 1);

    Throwable crashed = failure(store.appendEvents(List.of(event("c2"))));

    assertThat(crashed).isInstanceOf(TransientSpiException.class);
    List<ConfigMap> orphans = segments();
    assertThat(orphans).as("the segment was created before the head's update").hasSize(1);
    assertThat(index()).as("the head's update that indexes it failed").isEmpty();
    List<String> sealed = lines(orphans.get(0));
    assertThat(headLines()).as("the head still holds the sealed events").containsAll(sealed);
    assertThat(join(store.events(EventQuery.all()))).isEqualTo(written);
    assertThat(follow(store, EventQuery.all().limit(3))).isEqualTo(written);
    K8sClusterStore other = open(name);
    try {
      assertThat(join(other.events(EventQuery.cluster("c1").limit(2))))
          .isEqualTo(
              written.stream()
                  .filter(e -> e.cluster().orElseThrow().equals("c1"))
                  .limit(2)
                  .toList());
    } finally {
      other.close();
    }

    written.addAll(join(store.appendEvents(List.of(event("c1")))));

    assertThat(segments())
        .as("the next seal of the same events finds the segment in place")
        .hasSize(1)
        .extracting(s -> s.getMetadata().getName())
        .containsExactly(orphans.get(0).getMetadata().getName());
    assertThat(index()).hasSize(1);
    assertThat(headLines()).doesNotContainAnyElementsOf(sealed);
    assertThat(join(store.events(EventQuery.all()))).isEqualTo(written);
    assertThat(follow(store, EventQuery.all().limit(4))).isEqualTo(written);
  }

  @Test
  void aSegmentIndexedWhileTheHeadStillHoldsItsEvents_isReadOnce() {
    List<LifecycleEvent> written = new ArrayList<>();
    while (headEventBytes() < SEAL_BYTES) {
      written.addAll(join(store.appendEvents(List.of(event("c1"), event("c2")))));
    }
    k8s.faults().fail("PUT", "/configmaps/" + head().getMetadata().getName(), 500, "crash", 1);
    failure(store.appendEvents(List.of(event("c2"))));
    ConfigMap orphan = segments().get(0);
    Map<String, String> labels = orphan.getMetadata().getLabels();
    String segmentName = orphan.getMetadata().getName();
    String line =
        labels.get(EventConfigMaps.FIRST_LABEL)
            + " "
            + labels.get(EventConfigMaps.LAST_LABEL)
            + " "
            + segmentName.substring(segmentName.lastIndexOf('-') + 1);
    ConfigMap head = head();
    k8s.client()
        .configMaps()
        .inNamespace(MockKubernetes.NAMESPACE)
        .resource(new ConfigMapBuilder(head).addToData(EventConfigMaps.SEGMENTS, line).build())
        .update();
    assertThat(index()).hasSize(1);
    assertThat(headLines()).containsAll(lines(orphan));

    assertThat(join(store.events(EventQuery.all()))).isEqualTo(written);
    assertThat(follow(store, EventQuery.all().limit(2))).isEqualTo(written);
    assertThat(follow(store, EventQuery.cluster("c2").limit(2)))
        .isEqualTo(written.stream().filter(e -> e.cluster().orElseThrow().equals("c2")).toList());
  }

  @Test
  void delete_dropsTheClustersEventsFromSegmentsAndTheHead_andDeletesSegmentsLeftEmpty() {
    List<LifecycleEvent> written = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      written.addAll(join(store.appendEvents(List.of(event("c1"), event("c1")))));
    }
    for (int i = 0; i < 12; i++) {
      written.addAll(join(store.appendEvents(List.of(event("c1"), event("c2")))));
    }
    int before = segments().size();
    assertThat(before).isGreaterThanOrEqualTo(4);

    join(store.delete("c1"));

    List<LifecycleEvent> kept =
        written.stream().filter(e -> e.cluster().orElseThrow().equals("c2")).toList();
    assertThat(join(store.events(EventQuery.all()))).isEqualTo(kept);
    assertThat(follow(store, EventQuery.all().limit(2))).isEqualTo(kept);
    assertThat(segments()).as("segments left empty are deleted").hasSizeLessThan(before);
    assertThat(segments()).hasSameSizeAs(index());
    for (ConfigMap segment : segments()) {
      assertThat(lines(segment)).isNotEmpty().noneMatch(l -> l.contains("\"cluster\":\"c1\""));
    }
    assertThat(headLines()).noneMatch(l -> l.contains("\"cluster\":\"c1\""));
    long next = join(store.appendEvents(List.of(event("c1")))).get(0).seq();
    assertThat(next).isGreaterThan(written.get(written.size() - 1).seq());
  }

  @Test
  void delete_removesASegmentACrashLeftThatNoClientCanIndexAnyMore() {
    List<LifecycleEvent> written = new ArrayList<>();
    while (headEventBytes() < SEAL_BYTES) {
      written.addAll(join(store.appendEvents(List.of(event("c1"), event("c1")))));
    }
    k8s.faults().fail("PUT", "/configmaps/" + head().getMetadata().getName(), 500, "crash", 1);
    failure(store.appendEvents(List.of(event("c2"))));
    assertThat(segments()).hasSize(1);

    join(store.delete("c1"));

    assertThat(segments()).isEmpty();
    assertThat(join(store.events(EventQuery.all()))).isEmpty();
    LifecycleEvent next = join(store.appendEvents(List.of(event("c2")))).get(0);
    assertThat(next.seq()).isGreaterThan(written.get(written.size() - 1).seq());
    assertThat(join(store.events(EventQuery.all()))).containsExactly(next);
  }

  @Test
  void anEventTooLargeForAConfigMap_isRefused_andNothingIsStored() {
    LifecycleEvent huge =
        LifecycleEvent.builder(EventType.WARNING)
            .cluster("c1")
            .message("x".repeat((int) MAX_BYTES))
            .build(0, T0);

    Throwable refused = failure(store.appendEvents(List.of(event("c1"), huge)));

    assertThat(refused).isInstanceOf(K8sObjectTooLargeException.class);
    assertThat(join(store.events(EventQuery.all()))).isEmpty();
    assertThat(segments()).isEmpty();
  }

  @Test
  void eventsWithAbsentTexts_andTimesFinerThanAMillisecond_readBackEqual() {
    LifecycleEvent sparse =
        LifecycleEvent.builder(EventType.STATE_CHANGED).cluster("c1").build(0, T0);
    LifecycleEvent millis =
        LifecycleEvent.builder(EventType.WARNING)
            .cluster("c1")
            .message("")
            .build(0, Instant.parse("2026-12-02T10:00:00.120Z"));

    List<LifecycleEvent> stored = join(store.appendEvents(List.of(sparse, millis)));

    assertThat(stored.get(0)).isEqualTo(sparse.withSeq(stored.get(0).seq()));
    assertThat(stored.get(1).message()).isEmpty();
    assertThat(join(store.events(EventQuery.all()))).isEqualTo(stored);
  }

  private K8sClusterStore open(String storeName) {
    return K8sClusterStore.builder()
        .client(k8s.client())
        .namespace(MockKubernetes.NAMESPACE)
        .store(storeName)
        .maxBytes(MAX_BYTES)
        .eventSealBytes(SEAL_BYTES)
        .build();
  }

  /** An event of about 500 bytes, of an operation of its own. */
  private LifecycleEvent event(String cluster) {
    int n = made.incrementAndGet();
    return LifecycleEvent.builder(EventType.COMMAND_FINISHED)
        .cluster(cluster)
        .operation("op-" + n, OperationType.CREATE)
        .node("zk", cluster + "-zk-1")
        .exitCode(0)
        .message("event " + n + " " + "m".repeat(300))
        .results(Map.of("n", Integer.toString(n)))
        .build(0, T0.plusMillis(n));
  }

  /** Reads every event a query selects, page by page, resuming after the last number read. */
  private static List<LifecycleEvent> follow(K8sClusterStore from, EventQuery query) {
    List<LifecycleEvent> seen = new ArrayList<>();
    EventQuery next = query;
    while (true) {
      List<LifecycleEvent> page = join(from.events(next));
      if (page.isEmpty()) {
        return seen;
      }
      assertThat(page.size()).isLessThanOrEqualTo(query.limit());
      seen.addAll(page);
      next = next.after(page.get(page.size() - 1).seq());
    }
  }

  private List<ConfigMap> segments() {
    return k8s.client()
        .configMaps()
        .inNamespace(MockKubernetes.NAMESPACE)
        .withLabel("lifecycle.clusterlifecycle.io/store", name)
        .withLabel(K8sLabels.KIND, EventConfigMaps.SEGMENT_KIND)
        .list()
        .getItems();
  }

  private ConfigMap head() {
    return k8s.client()
        .configMaps()
        .inNamespace(MockKubernetes.NAMESPACE)
        .withName(ConfigMapDocs.name(EventConfigMaps.HEAD_KIND, name, "head"))
        .get();
  }

  private List<String> index() {
    return split(Optional.ofNullable(head()).map(h -> h.getData().get(EventConfigMaps.SEGMENTS)));
  }

  private List<String> headLines() {
    return split(Optional.ofNullable(head()).map(h -> h.getData().get(EventConfigMaps.EVENTS)));
  }

  private long headEventBytes() {
    return headLines().stream().mapToLong(l -> l.getBytes(StandardCharsets.UTF_8).length + 1).sum();
  }

  private static List<String> lines(ConfigMap segment) {
    return split(Optional.ofNullable(segment.getData().get(EventConfigMaps.EVENTS)));
  }

  private static List<String> split(Optional<String> value) {
    return value.filter(v -> !v.isEmpty()).map(v -> List.of(v.split("\n", -1))).orElse(List.of());
  }

  private static long size(ConfigMap cm) {
    return ConfigMapDocs.size(cm.getData());
  }

  private static long seq(String line) {
    return EventConfigMaps.decode(line).seq();
  }

  private static <T> T join(CompletionStage<T> stage) {
    try {
      return stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("the stage failed: " + e, e);
    }
  }

  private static Throwable failure(CompletionStage<?> stage) {
    Throwable t = catchThrowable(() -> stage.toCompletableFuture().get(30, TimeUnit.SECONDS));
    assertThat(t).as("the stage must fail").isNotNull();
    return K8sCalls.unwrap(t);
  }
}

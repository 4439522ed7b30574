package io.clusterlifecycle.spi.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link EventFiles}: the event log of {@link FileClusterStore}, in segments of JSON lines. */
class EventFilesTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");

  @TempDir Path dir;

  /** The event log of a home, with segments of {@code segmentEvents} events. */
  static EventFiles log(LocalHome home, int segmentEvents) {
    return new EventFiles(home.eventsDirectory(), home.lockFile("records"), segmentEvents);
  }

  /** Three events of cluster {@code c-<tag>}, operation {@code op-<tag>-<n>}. */
  static List<LifecycleEvent> batch(String tag, int n) {
    List<LifecycleEvent> batch = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      batch.add(event("c-" + tag, "op-" + tag + "-" + n, tag + "/" + n + "/" + i));
    }
    return batch;
  }

  private static LifecycleEvent event(String cluster, String operation, String message) {
    return LifecycleEvent.builder(EventType.STATE_CHANGED)
        .cluster(cluster)
        .operation(operation, OperationType.CREATE)
        .node("zk", cluster + "-zk-1")
        .transition(NodeState.DEPLOYING, NodeState.RUNNING)
        .message(message)
        .results(Map.of("k", "v\nw \u2028"))
        .build(0, T0);
  }

  private static LifecycleEvent event(String cluster, String message) {
    return event(cluster, "op-1", message);
  }

  private static List<LifecycleEvent> all(EventFiles log) throws IOException {
    return log.read(EventQuery.all().limit(EventQuery.MAX_LIMIT));
  }

  private static List<Long> seqs(List<LifecycleEvent> events) {
    return events.stream().map(LifecycleEvent::seq).toList();
  }

  private static List<String> messages(List<LifecycleEvent> events) {
    return events.stream().map(e -> e.message().orElseThrow()).toList();
  }

  private Path events() {
    return dir.resolve("events");
  }

  private List<String> segmentNames() throws IOException {
    try (Stream<Path> files = Files.list(events())) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.endsWith(".jsonl"))
          .sorted()
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }

  private static String segment(long first) {
    return String.format("%020d.jsonl", first);
  }

  @Test
  void eventsReadBack_equalToTheAppendedOnes_withAbsentTextsAbsent() throws IOException {
    EventFiles log = log(LocalHome.open(dir), EventFiles.SEGMENT_EVENTS);
    LifecycleEvent bare = LifecycleEvent.builder(EventType.WARNING).cluster("c1").build(0, T0);
    LifecycleEvent full = event("c1", "full");

    List<LifecycleEvent> stored = log.append(List.of(bare, full));

    assertThat(stored).containsExactly(bare.withSeq(1), full.withSeq(2));
    assertThat(all(log)).isEqualTo(stored);
    String text = Files.readString(events().resolve(segment(1)));
    assertThat(text)
        .as("one line per event, then the empty line ending the batch")
        .endsWith("\n\n");
    assertThat(text.split("\n", -1)).hasSize(4);
    if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(events())))
          .isEqualTo("rwx------");
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(events().resolve(segment(1)))))
          .isEqualTo("rw-------");
    }
  }

  @Test
  void aBatchATornLastLineLeft_isNotRead_andIsCutOffByTheNextAppend() throws IOException {
    EventFiles log = log(LocalHome.open(dir), EventFiles.SEGMENT_EVENTS);
    List<LifecycleEvent> first = log.append(List.of(event("c1", "a"), event("c2", "b")));
    Path file = events().resolve(segment(1));
    String whole = Files.readString(file);
    // a writer killed in the middle of a batch: one whole line, then a torn one
    String wholeLine = EventLines.line(event("c1", "lost-1"), 3) + "\n";
    Files.writeString(file, wholeLine + "{\"seq\":4,\"ts\":\"2026-03", StandardOpenOption.APPEND);

    assertThat(all(log))
        .as("a batch without its ending empty line is read whole or not at all")
        .isEqualTo(first);

    List<LifecycleEvent> next = log.append(List.of(event("c1", "c")));

    assertThat(seqs(next)).as("numbered after the last whole batch").containsExactly(3L);
    assertThat(Files.readString(file)).isEqualTo(whole + EventLines.line(next.get(0), 3) + "\n\n");
    assertThat(messages(all(log))).containsExactly("a", "b", "c");
  }

  @Test
  void anUnparseableLastBatch_isNotRead_andIsCutOff_butDamageBeforeItFailsTheRead()
      throws IOException {
    EventFiles log = log(LocalHome.open(dir), EventFiles.SEGMENT_EVENTS);
    log.append(List.of(event("c1", "a")));
    Path file = events().resolve(segment(1));
    Files.writeString(file, "{\"seq\":2,\"ts\":\0\0\0\0\n\n", StandardOpenOption.APPEND);

    assertThat(messages(all(log))).containsExactly("a");
    List<LifecycleEvent> next = log.append(List.of(event("c1", "b")));
    assertThat(seqs(next)).containsExactly(2L);
    assertThat(messages(all(log))).containsExactly("a", "b");

    Files.writeString(file, Files.readString(file).replace("\"seq\":1,", "\"seq\":1,\"bad\":1,"));
    assertThatThrownBy(() -> all(log))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(file.toString());
    assertThat(log.read(EventQuery.all().after(1)))
        .as("a read after the damaged line does not parse it")
        .isEqualTo(next);
  }

  @Test
  void segmentsRollOver_keepingTheNumbers_andReadsCrossThem() throws IOException {
    EventFiles log = log(LocalHome.open(dir), 3);
    List<LifecycleEvent> stored = new ArrayList<>();
    int[] sizes = {2, 2, 1, 3, 1};
    for (int b = 0; b < sizes.length; b++) {
      List<LifecycleEvent> batch = new ArrayList<>();
      for (int i = 0; i < sizes[b]; i++) {
        batch.add(event(i % 2 == 0 ? "c1" : "c2", "op-" + b, b + "/" + i));
      }
      stored.addAll(log.append(batch));
    }

    assertThat(seqs(stored)).isEqualTo(LongStream.rangeClosed(1, 9).boxed().toList());
    assertThat(segmentNames())
        .as("a batch never spans segments; a new one starts once the newest holds 3 events")
        .containsExactly(segment(1), segment(5), segment(9));
    assertThat(all(log)).isEqualTo(stored);
    assertThat(log.read(EventQuery.all().after(4))).isEqualTo(stored.subList(4, 9));
    assertThat(log.read(EventQuery.all().after(3).limit(2))).isEqualTo(stored.subList(3, 5));
    assertThat(log.read(EventQuery.all().after(6).limit(2))).isEqualTo(stored.subList(6, 8));
    assertThat(log.read(EventQuery.all().after(9))).isEmpty();
    assertThat(log.read(EventQuery.cluster("c2").after(2)))
        .containsExactly(stored.get(3), stored.get(6));
    assertThat(log.read(EventQuery.all().operation("op-3").after(6)))
        .containsExactly(stored.get(6), stored.get(7));
    List<LifecycleEvent> paged = new ArrayList<>();
    for (List<LifecycleEvent> page = log.read(EventQuery.all().limit(2));
        !page.isEmpty();
        page = log.read(EventQuery.all().after(page.get(page.size() - 1).seq()).limit(2))) {
      paged.addAll(page);
    }
    assertThat(paged).isEqualTo(stored);
  }

  @Test
  void purgingTheNewestEvents_keepsTheNumbersIncreasing() throws IOException {
    EventFiles log = log(LocalHome.open(dir), 3);
    log.append(List.of(event("c1", "a"), event("c1", "b"), event("c2", "c")));
    log.append(List.of(event("c1", "d")));
    assertThat(segmentNames()).containsExactly(segment(1), segment(4));

    log.purge("c1");

    assertThat(messages(all(log))).containsExactly("c");
    assertThat(segmentNames())
        .as("the newest event gone, an empty segment carries the numbering on")
        .containsExactly(segment(1), segment(5));
    assertThat(seqs(log.append(List.of(event("c3", "e"))))).containsExactly(5L);

    log.purge("c3");
    log.purge("c2");
    log.purge("c9");

    assertThat(all(log)).isEmpty();
    assertThat(segmentNames()).containsExactly(segment(6));
    assertThat(seqs(log.append(List.of(event("c1", "f"))))).containsExactly(6L);
    assertThat(Files.readString(events().resolve("rewrites")).strip())
        .as("every rewrite ended")
        .isEqualTo("6");
  }

  @Test
  void purgingOlderEvents_rewritesTheirSegments_andKeepsTheOthers() throws IOException {
    LocalHome home = LocalHome.open(dir);
    try (FileClusterStore store = new FileClusterStore(home)) {
      Fixtures.await(store.put(Fixtures.cluster("c1", "demo", T0)));
      EventFiles log = log(home, 2);
      log.append(List.of(event("c1", "a"), event("c2", "b")));
      log.append(List.of(event("c1", "c"), event("c1", "d")));
      log.append(List.of(event("c2", "e"), event("c1", "f")));
      // a result that looks like the cluster must not be taken for it
      log.append(
          List.of(
              LifecycleEvent.builder(EventType.WARNING)
                  .cluster("c2")
                  .message("g")
                  .results(Map.of("cluster", "c1"))
                  .build(0, T0)));
      Path events = events();
      List<String> before = segmentNames();

      Fixtures.await(store.delete("c1"));

      assertThat(messages(all(log))).containsExactly("b", "e", "g");
      assertThat(segmentNames()).containsExactly(before.get(0), before.get(2), before.get(3));
      assertThat(Files.readString(events.resolve(before.get(0)))).doesNotContain("\"c1\"");
      assertThat(seqs(log.append(List.of(event("c1", "h"))))).containsExactly(8L);
    }
  }

  @Test
  void aRewriteAKilledProcessLeftUnended_isEndedByTheNextAppend() throws IOException {
    EventFiles log = log(LocalHome.open(dir), EventFiles.SEGMENT_EVENTS);
    log.append(List.of(event("c1", "a")));
    Files.writeString(events().resolve("rewrites"), "3\n");

    assertThat(messages(all(log))).as("read under the lock").containsExactly("a");
    log.append(List.of(event("c1", "b")));

    assertThat(Files.readString(events().resolve("rewrites"))).isEqualTo("4\n");
    assertThat(messages(all(log))).containsExactly("a", "b");
  }

  @Test
  void appendsFromTwoProcesses_getDistinctNumbers_batchesWhole_andAFollowerMissesNone()
      throws Exception {
    LocalHome home = LocalHome.open(dir);
    EventFiles log = log(home, 5);
    int batches = 40;
    Process child = start("child", batches, 5);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    AtomicBoolean writing = new AtomicBoolean(true);
    try {
      Future<List<LifecycleEvent>> follower =
          pool.submit(
              () -> {
                EventFiles reader = log(home, 5);
                List<LifecycleEvent> seen = new ArrayList<>();
                for (boolean last = false; !last; ) {
                  last = !writing.get();
                  long after = seen.isEmpty() ? 0 : seen.get(seen.size() - 1).seq();
                  List<LifecycleEvent> page = reader.read(EventQuery.all().after(after).limit(4));
                  seen.addAll(page);
                  last &= page.isEmpty();
                }
                return seen;
              });
      Files.writeString(dir.resolve("go"), "");
      for (int n = 0; n < batches; n++) {
        log.append(batch("parent", n));
      }
      assertThat(child.waitFor(60, TimeUnit.SECONDS)).as("the child finished").isTrue();
      assertThat(child.exitValue()).as("child exit code; see " + dir).isZero();
      writing.set(false);

      List<LifecycleEvent> stored = all(log);
      assertThat(seqs(stored))
          .as("one sequence for both processes")
          .isEqualTo(LongStream.rangeClosed(1, 2L * batches * 3).boxed().toList());
      assertWhole(stored, "parent", batches);
      assertWhole(stored, "child", batches);
      assertThat(follower.get(60, TimeUnit.SECONDS))
          .as("a reader resuming after the last number it saw misses none")
          .isEqualTo(stored);
    } finally {
      child.destroyForcibly();
      pool.shutdownNow();
    }
  }

  @Test
  void batchesOfAKilledProcess_areStoredWhole_orNotAtAll() throws Exception {
    LocalHome home = LocalHome.open(dir);
    Files.writeString(dir.resolve("go"), "");
    Set<String> acked = new TreeSet<>();
    for (int round = 0; round < 3; round++) {
      String tag = "w" + round;
      Process child = start(tag, 0, 4);
      try {
        int acks = 5 + ThreadLocalRandom.current().nextInt(30);
        await()
            .atMost(Duration.ofSeconds(60))
            .pollInterval(Duration.ofMillis(5))
            .until(() -> acks(tag).size() >= acks || !child.isAlive());
        assertThat(child.isAlive()).as("the writer runs; see " + dir).isTrue();
      } finally {
        child.destroyForcibly();
        assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the writer was killed").isTrue();
      }
      acked.addAll(acks(tag));

      EventFiles log = log(home, 4);
      List<LifecycleEvent> stored = all(log);
      Map<String, List<LifecycleEvent>> byBatch =
          stored.stream()
              .filter(e -> e.cluster().orElseThrow().startsWith("c-w"))
              .collect(
                  Collectors.groupingBy(
                      e -> e.operation().orElseThrow(), TreeMap::new, Collectors.toList()));
      byBatch.forEach(
          (op, events) ->
              assertThat(events).as("the events of batch " + op + ": 3 or none").hasSize(3));
      assertThat(byBatch.keySet())
          .as("acknowledged batches are stored")
          .containsAll(acked.stream().map(a -> "op-" + a.replace('/', '-')).toList());
      long last = stored.get(stored.size() - 1).seq();
      assertThat(seqs(log.append(List.of(event("c1", "after " + tag))))).containsExactly(last + 1);
    }
  }

  /**
   * Checks a writer's batches: each stored whole, in order, its events numbered one after another.
   */
  private static void assertWhole(List<LifecycleEvent> stored, String tag, int batches) {
    List<LifecycleEvent> mine =
        stored.stream().filter(e -> e.cluster().orElseThrow().equals("c-" + tag)).toList();
    assertThat(messages(mine))
        .isEqualTo(
            messages(
                LongStream.range(0, batches)
                    .boxed()
                    .flatMap(n -> batch(tag, n.intValue()).stream())
                    .toList()));
    for (int i = 0; i < mine.size(); i += 3) {
      assertThat(mine.get(i + 2).seq() - mine.get(i).seq())
          .as("a batch is numbered in one run")
          .isEqualTo(2);
    }
  }

  /** Starts {@link EventWriterMain} and waits until it is ready. */
  private Process start(String tag, int batches, int segmentEvents) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                EventWriterMain.class.getName(),
                dir.toString(),
                tag,
                Integer.toString(batches),
                Integer.toString(segmentEvents))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(tag + ".log").toFile())
            .start();
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(5))
        .until(() -> Files.exists(dir.resolve(tag + ".ready")) || !child.isAlive());
    assertThat(child.isAlive()).as("the writer started; see " + tag + ".log in " + dir).isTrue();
    return child;
  }

  private List<String> acks(String tag) throws IOException {
    try {
      return Files.readAllLines(dir.resolve(tag + ".acks"), StandardCharsets.UTF_8).stream()
          .filter(l -> l.matches("\\w+/\\d+"))
          .toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }
}

package io.clusterlifecycle.spi.local;

import static io.clusterlifecycle.spi.local.Fixtures.await;
import static io.clusterlifecycle.spi.local.Fixtures.cluster;
import static io.clusterlifecycle.spi.local.Fixtures.failure;
import static io.clusterlifecycle.spi.local.Fixtures.operation;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.JournalEntry.Status;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.spi.VersionConflictException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FileClusterStore#write}: batches stay whole across a killed process. */
class FileClusterStoreBatchTest {
  private static final Instant T0 = Instant.parse("2026-03-01T10:00:00.123Z");
  private static final Pattern ACK = Pattern.compile("acked (op-\\d+) ok");

  private static final JournalEntry SEEDED = entry("op-1", "s0", T0.minusSeconds(1));

  @TempDir Path dir;

  @Test
  void aBatchCommittedByAWriterKilledBeforeApplyingIt_isCompletedOnOpen_exactlyOnce()
      throws IOException {
    LocalHome home = LocalHome.open(dir);
    Cluster v1 = seed(home);
    Cluster next = v1.toBuilder().addHistory("op-1").build().withVersion(2);
    Operation op = operation("op-1", "c1", T0);
    List<JournalEntry> journal = journal("op-1", "op-2");

    batches(home)
        .commit(batches(home).prepare(Optional.of(next), Optional.of(v1), List.of(op), journal));

    assertThat(Files.readString(dir.resolve("clusters/c1.json"))).contains("\"version\":1");
    assertCompleted(home, next, op, journal);
    assertCompleted(home, next, op, journal);
  }

  @Test
  void aBatchWhoseWriterWasKilledWhileApplyingIt_isCompletedOnOpen_exactlyOnce()
      throws IOException {
    LocalHome home = LocalHome.open(dir);
    Cluster v1 = seed(home);
    Cluster next = v1.toBuilder().addHistory("op-1").build().withVersion(2);
    Operation op = operation("op-1", "c1", T0);
    List<JournalEntry> journal = journal("op-1", "op-2");
    StoreBatches batches = batches(home);
    StoreBatches.Batch batch =
        batches.prepare(Optional.of(next), Optional.of(v1), List.of(op), journal);
    batches.commit(batch);
    // killed in the middle of the first journal's lines, after the cluster and the operation
    batches.apply(new StoreBatches.Batch(batch.cluster(), batch.operations(), List.of()));
    StoreBatches.JournalWrite first = batch.journals().get(0);
    byte[] lines = first.lines().getBytes(StandardCharsets.UTF_8);
    Files.write(
        dir.resolve("operations/op-1.journal"),
        Arrays.copyOf(lines, lines.length / 2),
        StandardOpenOption.APPEND);

    assertCompleted(home, next, op, journal);

    // and killed after applying all of it, before removing the batch file
    Cluster v3 = next.toBuilder().addHistory("op-3").build().withVersion(3);
    List<JournalEntry> more = journal("op-1", "op-3");
    batch = batches.prepare(Optional.of(v3), Optional.of(next), List.of(), more);
    batches.commit(batch);
    batches.apply(batch);

    try (FileClusterStore store = new FileClusterStore(home)) {
      assertThat(await(store.get("c1"))).contains(v3);
      assertThat(await(store.journal("op-1")))
          .containsExactly(
              SEEDED,
              journal.get(0),
              journal.get(1),
              journal.get(2),
              more.get(0),
              more.get(1),
              more.get(2));
      assertThat(await(store.journal("op-3"))).containsExactly(more.get(3));
    }
    assertThat(batchFiles()).isEmpty();
  }

  @Test
  void aLeftoverBatch_setsAndClearsTheBusyMarker_asItsRecordNamesAnOperationOrNot()
      throws IOException {
    LocalHome home = LocalHome.open(dir);
    Cluster v1 = seed(home);
    Path marker = dir.resolve("cluster-busy/c1");
    Cluster claimed = v1.toBuilder().operation("op-1").build().withVersion(2);
    Operation op = operation("op-1", "c1", T0);
    StoreBatches batches = batches(home);
    batches.commit(
        batches.prepare(
            Optional.of(claimed), Optional.of(v1), List.of(op), journal("op-1", "op-2")));
    assertThat(marker).doesNotExist();

    try (FileClusterStore store = new FileClusterStore(home)) {
      assertThat(await(store.busy())).containsExactly(claimed);
    }
    assertThat(marker).exists();

    Cluster done = claimed.toBuilder().operation("").build().withVersion(3);
    batches.commit(
        batches.prepare(
            Optional.of(done), Optional.of(claimed), List.of(op), journal("op-1", "op-2")));
    try (FileClusterStore store = new FileClusterStore(home)) {
      assertThat(await(store.busy())).isEmpty();
      assertThat(await(store.get("c1"))).contains(done);
    }
    assertThat(marker).doesNotExist();
    assertThat(batchFiles()).isEmpty();
  }

  @Test
  void write_ofABatchWhoseClusterNamesAnOperation_marksItBusy_andOneThatNamesNone_unmarksIt() {
    try (FileClusterStore store = new FileClusterStore(LocalHome.open(dir))) {
      Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
      Operation op = operation("op-1", "c1", T0);
      Cluster v2 =
          await(
                  store.write(
                      new StoreBatch(
                          Optional.of(v1.toBuilder().operation("op-1").build()),
                          List.of(op),
                          journal("op-1", "op-2"))))
              .orElseThrow();
      assertThat(await(store.busy())).containsExactly(v2);

      await(
          store.write(
              new StoreBatch(
                  Optional.of(v2.toBuilder().operation("").build()), List.of(op), List.of())));

      assertThat(await(store.busy())).isEmpty();
      assertThat(dir.resolve("cluster-busy/c1")).doesNotExist();
    }
  }

  @Test
  void aBatchFileNotYetCommitted_isIgnored_andRemoved() throws IOException {
    LocalHome home = LocalHome.open(dir);
    Cluster v1 = seed(home);
    Cluster next = v1.toBuilder().addHistory("op-1").build().withVersion(2);
    StoreBatches batches = batches(home);
    Path whole =
        batches.commit(
            batches.prepare(
                Optional.of(next),
                Optional.of(v1),
                List.of(operation("op-1", "c1", T0)),
                journal("op-1", "op-2")));
    Path tmp = whole.resolveSibling(AtomicFiles.TEMP_PREFIX + whole.getFileName() + "-1");
    Files.move(whole, tmp);
    String text = Files.readString(tmp);
    Path torn = whole.resolveSibling(AtomicFiles.TEMP_PREFIX + whole.getFileName() + "-2");
    Files.writeString(torn, text.substring(0, text.length() / 2));

    try (FileClusterStore store = new FileClusterStore(home)) {
      assertThat(await(store.get("c1"))).contains(v1);
      assertThat(await(store.getOperation("op-1"))).isEmpty();
      Cluster v2 = await(store.put(v1.toBuilder().addHistory("op-9").build()));

      assertThat(v2.history()).endsWith("op-9");
      assertThat(await(store.journal("op-1"))).containsExactly(SEEDED);
      assertThat(await(store.journal("op-2"))).isEmpty();
    }
    assertThat(batchFiles()).isEmpty();
  }

  @Test
  void write_leavesNoBatchFile_andAConflictWritesNothing() throws IOException {
    try (FileClusterStore store = new FileClusterStore(LocalHome.open(dir))) {
      Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
      StoreBatch batch =
          new StoreBatch(
              Optional.of(v1.toBuilder().addHistory("op-1").build()),
              List.of(operation("op-1", "c1", T0)),
              journal("op-1", "op-2"));

      Cluster v2 = await(store.write(batch)).orElseThrow();

      assertThat(failure(store.write(batch))).isInstanceOf(VersionConflictException.class);
      assertThat(await(store.get("c1"))).contains(v2);
      assertThat(await(store.named("demo"))).containsExactly(v2);
      assertThat(await(store.journal("op-1"))).hasSize(3);
      assertThat(batchFiles()).isEmpty();
    }
  }

  @Test
  void appendJournal_afterATornLastLine_cutsItOff() throws IOException {
    try (FileClusterStore store = new FileClusterStore(LocalHome.open(dir))) {
      List<JournalEntry> entries = journal("op-1", "op-2");
      await(store.appendJournal(entries.subList(0, 1)));
      Files.writeString(
          dir.resolve("operations/op-1.journal"),
          "{\"operation_id\":\"op",
          StandardOpenOption.APPEND);
      assertThat(await(store.journal("op-1"))).containsExactly(entries.get(0));

      await(store.appendJournal(entries.subList(1, 3)));

      assertThat(await(store.journal("op-1"))).containsExactlyElementsOf(entries.subList(0, 3));
    }
  }

  @Test
  void batchesOfAKilledProcess_areStoredWhole_orNotAtAll() throws Exception {
    try (FileClusterStore store = new FileClusterStore(LocalHome.open(dir))) {
      await(store.put(cluster("c1", "demo", T0)));
    }
    Set<String> acked = new TreeSet<>();
    for (int round = 0; round < 4; round++) {
      acked.addAll(killMidRun(round, 5 + ThreadLocalRandom.current().nextInt(30)));
      String left = "; batch files the killed writer left: " + batchFiles();
      try (FileClusterStore store = new FileClusterStore(LocalHome.open(dir))) {
        Cluster c = await(store.get("c1")).orElseThrow();
        List<String> history = c.history().stream().filter(h -> h.matches("op-\\d+")).toList();
        List<String> ops =
            await(store.operations("c1")).stream().map(Operation::id).sorted().toList();
        List<String> journals = new ArrayList<>();
        for (long n = 1; n <= c.version() + 1; n++) {
          List<JournalEntry> j = await(store.journal("op-" + n));
          assertThat(j.size()).as("journal of op-%d: its batch's 3 entries or none", n).isIn(0, 3);
          if (!j.isEmpty()) {
            journals.add("op-" + n);
            assertThat(j).isEqualTo(StoreBatchWriterMain.batch(c.withVersion(n)).journal());
          }
        }

        assertThat(history)
            .as("a batch per version, from op-1 on" + left)
            .containsExactlyElementsOf(
                LongStream.range(1, c.version()).mapToObj(n -> "op-" + n).toList());
        assertThat(ops).as("operations stored ⇔ in the history" + left).hasSameElementsAs(history);
        assertThat(journals)
            .as("journals stored ⇔ in the history" + left)
            .hasSameElementsAs(history);
        assertThat(history).as("acknowledged batches are stored" + left).containsAll(acked);
      }
      assertThat(batchFiles())
          .as("committed batches are completed by reads; unfinished ones wait for a write")
          .allMatch(f -> f.startsWith(AtomicFiles.TEMP_PREFIX));
    }
    try (FileClusterStore store = new FileClusterStore(LocalHome.open(dir))) {
      await(store.putOperation(operation("op-x", "c2", T0)));
    }
    assertThat(batchFiles()).isEmpty();
  }

  /** Runs the batch writer until it acknowledged {@code acks} batches, then kills it (SIGKILL). */
  private Set<String> killMidRun(int round, int acks) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path out = dir.resolve("writer-" + round + ".out");
    Process child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                StoreBatchWriterMain.class.getName(),
                dir.toString(),
                "c1")
            .redirectOutput(out.toFile())
            .redirectError(dir.resolve("writer-" + round + ".err").toFile())
            .start();
    try {
      await()
          .atMost(Duration.ofSeconds(60))
          .pollInterval(Duration.ofMillis(10))
          .until(() -> acked(out).size() >= acks || !child.isAlive());
      assertThat(child.isAlive()).as("the writer runs; see " + dir).isTrue();
    } finally {
      child.destroyForcibly();
      assertThat(child.waitFor(30, TimeUnit.SECONDS)).as("the writer was killed").isTrue();
    }
    return acked(out);
  }

  private static Set<String> acked(Path out) throws IOException {
    Set<String> acked = new TreeSet<>();
    for (String line : Files.readAllLines(out, StandardCharsets.ISO_8859_1)) {
      Matcher m = ACK.matcher(line);
      if (m.matches()) {
        acked.add(m.group(1));
      }
    }
    return acked;
  }

  private Cluster seed(LocalHome home) {
    try (FileClusterStore store = new FileClusterStore(home)) {
      Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
      await(store.appendJournal(List.of(SEEDED)));
      return v1;
    }
  }

  /** Opens the home twice and checks a batch is stored exactly once, its batch file gone. */
  private void assertCompleted(
      LocalHome home, Cluster next, Operation op, List<JournalEntry> journal) throws IOException {
    try (FileClusterStore store = new FileClusterStore(home)) {
      assertThat(await(store.get("c1"))).contains(next);
      assertThat(await(store.getOperation("op-1"))).contains(op);
      assertThat(await(store.journal("op-1")))
          .containsExactly(SEEDED, journal.get(0), journal.get(1), journal.get(2));
      assertThat(await(store.journal("op-2"))).containsExactly(journal.get(3));
      assertThat(await(store.named("demo"))).containsExactly(next);
    }
    assertThat(batchFiles()).isEmpty();
  }

  private static StoreBatches batches(LocalHome home) {
    return new StoreBatches(
        home.storeBatchesDirectory(),
        new RecordFiles(home),
        new ClusterNameIndex(home.clusterNamesDirectory()),
        new ClusterBusyIndex(home.clusterBusyDirectory()));
  }

  /** Three entries of the first operation, then one of the second. */
  private static List<JournalEntry> journal(String first, String second) {
    return List.of(
        entry(first, "s1", T0),
        entry(first, "s1", T0.plusMillis(5)),
        entry(first, "s2", T0.plusMillis(7)),
        entry(second, "s1", T0.plusMillis(9)));
  }

  private static JournalEntry entry(String operationId, String step, Instant at) {
    return new JournalEntry(operationId, step, Status.STARTED, at, Optional.empty());
  }

  private List<String> batchFiles() throws IOException {
    try (Stream<Path> files = Files.list(dir.resolve("store-batches"))) {
      return files.map(p -> p.getFileName().toString()).toList();
    } catch (NoSuchFileException e) {
      return List.of();
    }
  }
}

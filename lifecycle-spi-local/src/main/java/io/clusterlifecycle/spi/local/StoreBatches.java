package io.clusterlifecycle.spi.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.codec.RecordCodec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The batches of {@link FileClusterStore#write}, stored whole or not at all even when the process
 * is killed.
 *
 * <p>A batch that writes more than one file is first written whole to a file of its own in {@code
 * HOME/store-batches}: to a temporary file, forced to disk and renamed into place, the directory
 * forced too. That rename is the commit point. The batch's files are then written as the store
 * writes them anyway, and the batch file is removed, durably. All of it happens under the records
 * lock, and every holder of that lock first completes a batch file it finds ({@link #recover}), so
 * a batch that a killed process committed is completed before anything else changes what it
 * touches. Completing is idempotent: each record is set to the batch's content, and each journal's
 * lines are written at the length the journal had before the batch, which the batch file records. A
 * batch of one file needs no batch file, as that file's write is atomic already. Each write of a
 * cluster record, the completion of a batch included, makes its markers in the {@link
 * ClusterNameIndex} and {@link ClusterBusyIndex} before the record and removes the ones it no
 * longer matches after.
 */
final class StoreBatches {
  private static final Logger LOG = LoggerFactory.getLogger(StoreBatches.class);
  private static final String PREFIX = "batch-";
  private static final String SUFFIX = ".json";
  private static final int FORMAT = 1;

  private final Path dir;
  private final RecordFiles files;
  private final ClusterNameIndex names;
  private final ClusterBusyIndex busy;

  StoreBatches(Path dir, RecordFiles files, ClusterNameIndex names, ClusterBusyIndex busy) {
    this.dir = dir;
    this.files = files;
    this.names = names;
    this.busy = busy;
  }

  /** A batch as the content of each file it writes. */
  record Batch(
      Optional<ClusterWrite> cluster,
      List<OperationWrite> operations,
      List<JournalWrite> journals) {
    int files() {
      return (cluster.isPresent() ? 1 : 0) + operations.size() + journals.size();
    }
  }

  /**
   * A cluster record, with the name of the record it replaces (for the name index) and whether it
   * names an operation (for the busy index).
   */
  record ClusterWrite(
      String id, String name, Optional<String> previousName, boolean busy, String json) {}

  record OperationWrite(String id, String json) {}

  /** Lines to write into an operation's journal at {@code offset}, its length before the batch. */
  record JournalWrite(String operationId, long offset, String lines) {}

  /**
   * Writes a batch whole. Call under the records lock, after {@link #recover} and the version
   * check.
   *
   * @param next the cluster record to store, its version already incremented; empty for none
   * @param before the stored record it replaces; empty for none
   * @return {@code next} as stored, read back from its JSON
   */
  Optional<Cluster> write(
      Optional<Cluster> next,
      Optional<Cluster> before,
      List<Operation> operations,
      List<JournalEntry> journal)
      throws IOException {
    Batch batch = prepare(next, before, operations, journal);
    if (batch.files() <= 1) {
      apply(batch);
    } else {
      Path file = commit(batch);
      apply(batch);
      remove(file);
    }
    return batch.cluster().map(c -> RecordCodec.read(c.json(), Cluster.class));
  }

  /**
   * Turns records into the content of their files and measures the journals (cutting off torn last
   * lines). Checks every id first. Call under the records lock.
   */
  Batch prepare(
      Optional<Cluster> next,
      Optional<Cluster> before,
      List<Operation> operations,
      List<JournalEntry> journal)
      throws IOException {
    next.ifPresent(c -> files.clusterFile(c.id()));
    operations.forEach(o -> files.operationFile(o.id()));
    Map<String, String> lines = JournalFiles.linesByOperation(journal);
    lines.keySet().forEach(files::journalFile);
    Optional<ClusterWrite> cluster =
        next.map(
            c ->
                new ClusterWrite(
                    c.id(),
                    c.name(),
                    before.map(Cluster::name),
                    c.operation().isPresent(),
                    RecordCodec.write(c)));
    List<OperationWrite> ops = new ArrayList<>();
    for (Operation o : operations) {
      ops.add(new OperationWrite(o.id(), RecordCodec.write(o)));
    }
    List<JournalWrite> journals = new ArrayList<>();
    for (Map.Entry<String, String> e : lines.entrySet()) {
      long end = JournalFiles.end(files.journalFile(e.getKey()));
      journals.add(new JournalWrite(e.getKey(), end, e.getValue()));
    }
    return new Batch(cluster, List.copyOf(ops), List.copyOf(journals));
  }

  /**
   * Writes a batch file durably: the commit point. Call under the records lock.
   *
   * @return the batch file
   */
  Path commit(Batch batch) throws IOException {
    if (!Files.isDirectory(dir)) {
      FileModes.createPrivateDirectories(dir);
      AtomicFiles.syncDirectory(dir.getParent());
    }
    String name =
        PREFIX + String.format("%013d", System.currentTimeMillis()) + "-" + UUID.randomUUID();
    Path file = dir.resolve(name + SUFFIX);
    AtomicFiles.writeString(file, toJson(batch));
    return file;
  }

  /**
   * Tells, without the lock, whether a committed batch is waiting: one being written right now, or
   * one that a killed process left.
   */
  boolean pending() throws IOException {
    try (DirectoryStream<Path> batches = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      return batches.iterator().hasNext();
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  /**
   * Completes and removes the committed batches that their writer left unfinished (it was killed,
   * or failed after the commit point), and removes batch files it did not finish writing. Call
   * under the records lock, before anything else.
   *
   * @throws IllegalStateException naming the file when a batch file is damaged
   */
  void recover() throws IOException {
    List<Path> committed = new ArrayList<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
      for (Path p : entries) {
        String name = p.getFileName().toString();
        if (name.startsWith(AtomicFiles.TEMP_PREFIX)) {
          LOG.info("removing {}, a batch whose writer stopped before committing it", p);
          Files.deleteIfExists(p);
        } else if (name.startsWith(PREFIX) && name.endsWith(SUFFIX)) {
          committed.add(p);
        }
      }
    } catch (NoSuchFileException e) {
      return;
    }
    committed.sort(null);
    for (Path p : committed) {
      LOG.warn("completing {}, a batch whose writer stopped after committing it", p);
      apply(fromJson(Files.readString(p), p));
      remove(p);
    }
  }

  /** Writes each file of a batch; writing them again changes nothing. */
  void apply(Batch batch) throws IOException {
    if (batch.cluster().isPresent()) {
      ClusterWrite c = batch.cluster().get();
      names.add(c.name(), c.id());
      if (c.busy()) {
        busy.add(c.id());
      }
      AtomicFiles.writeString(files.clusterFile(c.id()), c.json() + "\n");
      if (c.previousName().isPresent() && !c.previousName().get().equals(c.name())) {
        names.remove(c.previousName().get(), c.id());
      }
      if (!c.busy()) {
        busy.remove(c.id());
      }
    }
    for (OperationWrite o : batch.operations()) {
      AtomicFiles.writeString(files.operationFile(o.id()), o.json() + "\n");
    }
    for (JournalWrite j : batch.journals()) {
      JournalFiles.writeAt(files.journalFile(j.operationId()), j.offset(), j.lines());
    }
  }

  /** Removes an applied batch file durably, so that it never comes back to be applied again. */
  private void remove(Path file) throws IOException {
    Files.delete(file);
    AtomicFiles.syncDirectory(dir);
  }

  private static String toJson(Batch batch) {
    ObjectNode o = Json.object();
    o.put("format", FORMAT);
    batch
        .cluster()
        .ifPresent(
            c -> {
              ObjectNode n = o.putObject("cluster").put("id", c.id()).put("name", c.name());
              c.previousName().ifPresent(p -> n.put("previous_name", p));
              n.put("record", c.json());
            });
    ArrayNode ops = o.putArray("operations");
    batch.operations().forEach(w -> ops.addObject().put("id", w.id()).put("record", w.json()));
    ArrayNode journals = o.putArray("journals");
    for (JournalWrite j : batch.journals()) {
      journals
          .addObject()
          .put("operation_id", j.operationId())
          .put("offset", j.offset())
          .put("lines", j.lines());
    }
    return Json.write(o);
  }

  private static Batch fromJson(String text, Path file) {
    ObjectNode o = Json.readObject(text, "batch " + file);
    if (o.path("format").asInt() != FORMAT) {
      throw new IllegalStateException(
          "batch " + file + " has format " + o.path("format") + ", which this release cannot read");
    }
    Optional<ClusterWrite> cluster = Optional.empty();
    JsonNode c = o.path("cluster");
    if (!c.isMissingNode() && !c.isNull()) {
      Optional<String> previous =
          c.hasNonNull("previous_name")
              ? Optional.of(c.get("previous_name").asText())
              : Optional.empty();
      String record = text(c, "record", file);
      cluster =
          Optional.of(
              new ClusterWrite(
                  text(c, "id", file),
                  text(c, "name", file),
                  previous,
                  namesAnOperation(record, file),
                  record));
    }
    List<OperationWrite> ops = new ArrayList<>();
    for (JsonNode n : o.path("operations")) {
      ops.add(new OperationWrite(text(n, "id", file), text(n, "record", file)));
    }
    List<JournalWrite> journals = new ArrayList<>();
    for (JsonNode n : o.path("journals")) {
      if (!n.path("offset").canConvertToLong()) {
        throw damaged(file, "offset");
      }
      journals.add(
          new JournalWrite(
              text(n, "operation_id", file), n.get("offset").asLong(), text(n, "lines", file)));
    }
    return new Batch(cluster, List.copyOf(ops), List.copyOf(journals));
  }

  /**
   * Whether a batch's cluster record names an operation, read from the record itself so that the
   * batch files of releases before the busy index are completed right too.
   */
  private static boolean namesAnOperation(String record, Path file) {
    try {
      return RecordCodec.read(record, Cluster.class).operation().isPresent();
    } catch (IllegalArgumentException e) {
      throw damaged(file, "record");
    }
  }

  private static String text(JsonNode node, String field, Path file) {
    JsonNode v = node.get(field);
    if (v == null || !v.isTextual()) {
      throw damaged(file, field);
    }
    return v.asText();
  }

  private static IllegalStateException damaged(Path file, String field) {
    return new IllegalStateException(
        "batch "
            + file
            + " is damaged (no valid '"
            + field
            + "'); the store cannot go on until it is removed, which loses that batch");
  }
}

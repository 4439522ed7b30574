package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of {@link FileClusterStore}: segment files in {@code HOME/events} whose content
 * {@link EventLines} describes, one event per line, each batch ended by an empty line.
 *
 * <p>A segment is named by the first number it may hold, zero-padded to 20 digits ({@code
 * 00000000000000000001.jsonl}, permissions 0600 as every record file); it holds only numbers from
 * its name up to below the next segment's name, so a read starts at the last segment whose name is
 * at most the first number it wants. A batch never spans segments.
 *
 * <p>Appends happen under the records lock, one after another: the appender reads the newest
 * segment, cuts off a partial or unparseable last batch that a killed writer left (by rewriting the
 * segment to a temporary file renamed over it), numbers the events after the last one of the
 * segment (after its name, when it holds none), and writes the batch at its end in one write,
 * forced to disk. The batch goes to a new segment, named by its first number, once the newest holds
 * {@link #SEGMENT_EVENTS} events. Reads take no lock and trust whole batches only; as an append
 * only ever adds bytes at the end of the newest segment, a reader sees a prefix of the log and
 * never an event without all those numbered before it.
 *
 * <p>A purge, under the records lock too, rewrites each segment holding the cluster's events
 * without them (atomically, by rename) and deletes those left empty, but never the newest segment:
 * when the purge removes the newest event, it first creates an empty segment named after that
 * event's number, from which the numbering continues. A directory listing made while a file is
 * renamed over it may miss that file on some file systems (tmpfs), so every rewrite is bracketed by
 * a counter in {@code HOME/events/rewrites}, odd while a rewrite runs; a reader that finds it odd,
 * or changed after its read, reads again, and after a few tries reads under the lock. A counter
 * left odd by a killed process is made even by the next append or locked read.
 */
final class EventFiles {
  /** How many events a segment holds before the next append starts a new one. */
  static final int SEGMENT_EVENTS = 1_000;

  private static final Logger LOG = LoggerFactory.getLogger(EventFiles.class);
  private static final String SUFFIX = ".jsonl";
  private static final String REWRITES = "rewrites";
  private static final int NAME_DIGITS = 20;

  private static final int OPTIMISTIC_READS = 3;

  private final Path dir;
  private final Path rewrites;
  private final Path lockFile;
  private final int segmentEvents;

  /**
   * A log in a directory, written under a lock file.
   *
   * @param dir {@code HOME/events}
   * @param lockFile the records lock, under which every write of the log happens
   */
  EventFiles(Path dir, Path lockFile) {
    this(dir, lockFile, SEGMENT_EVENTS);
  }

  /** A log whose segments hold {@code segmentEvents} events before the next starts (for tests). */
  EventFiles(Path dir, Path lockFile, int segmentEvents) {
    if (segmentEvents < 1) {
      throw new IllegalArgumentException("segmentEvents must be 1 or more: " + segmentEvents);
    }
    this.dir = dir;
    this.rewrites = dir.resolve(REWRITES);
    this.lockFile = lockFile;
    this.segmentEvents = segmentEvents;
  }

  /** A segment file and the first number it may hold. */
  record Segment(long first, Path file) {}

  /**
   * The newest segment as an appender finds it: how far it holds whole batches, how many events.
   */
  private record Tail(Segment segment, int end, int events, long last) {}

  /**
   * Appends a batch of events under the records lock, all of them or, when one is refused, none.
   *
   * @return the events as stored, read back from their lines
   * @throws NullPointerException if the list or an event is null
   * @throws IllegalArgumentException if an event names no cluster
   */
  List<LifecycleEvent> append(List<LifecycleEvent> events) throws IOException {
    List<LifecycleEvent> batch = EventLines.check(events);
    return batch.isEmpty() ? List.of() : HomeLocks.withLock(lockFile, () -> appendLocked(batch));
  }

  private List<LifecycleEvent> appendLocked(List<LifecycleEvent> events) throws IOException {
    if (!Files.isDirectory(dir)) {
      FileModes.createPrivateDirectories(dir);
      AtomicFiles.syncDirectory(dir.getParent());
    }
    settleRewrites();
    Tail tail = tail(segments());
    long next = tail.last() + 1;
    StringBuilder text = new StringBuilder();
    List<LifecycleEvent> stored = new ArrayList<>(events.size());
    for (LifecycleEvent e : events) {
      String json = EventLines.line(e, next++);
      stored.add(EventLines.read(json));
      text.append(json).append('\n');
    }
    text.append('\n');
    boolean roll = tail.segment() == null || tail.events() >= segmentEvents;
    Path file = roll ? segmentFile(tail.last() + 1) : tail.segment().file();
    writeAt(file, roll ? 0 : tail.end(), text.toString().getBytes(StandardCharsets.UTF_8));
    if (roll) {
      AtomicFiles.syncDirectory(dir);
    }
    return List.copyOf(stored);
  }

  /**
   * Reads the events a query selects; takes the records lock only after reads that a rewrite of
   * segments overlapped.
   *
   * @throws NullPointerException if {@code query} is null
   * @throws IllegalStateException naming the file when a batch before the last is damaged
   */
  List<LifecycleEvent> read(EventQuery query) throws IOException {
    Objects.requireNonNull(query, "query is null");
    for (int attempt = 0; attempt < OPTIMISTIC_READS; attempt++) {
      long before = rewritesStarted();
      if (before % 2 == 0) {
        List<LifecycleEvent> events = readOnce(query);
        if (rewritesStarted() == before) {
          return events;
        }
      }
    }
    return HomeLocks.withLock(
        lockFile,
        () -> {
          settleRewrites();
          return readOnce(query);
        });
  }

  /** Reads the events a query selects, trusting that no segment is rewritten meanwhile. */
  private List<LifecycleEvent> readOnce(EventQuery query) throws IOException {
    List<Segment> segments = segments();
    List<LifecycleEvent> out = new ArrayList<>();
    for (int s = start(segments, query.afterSeq());
        s < segments.size() && out.size() < query.limit();
        s++) {
      byte[] bytes;
      try {
        bytes = Files.readAllBytes(segments.get(s).file());
      } catch (NoSuchFileException e) {
        continue; // a purge removed it: it held none of the events still stored
      }
      List<EventLines.Batch> batches = EventLines.batches(bytes);
      for (int b = 0; b < batches.size() && out.size() < query.limit(); b++) {
        boolean last = s == segments.size() - 1 && b == batches.size() - 1;
        for (LifecycleEvent e :
            EventLines.decode(
                bytes, batches.get(b), query.afterSeq(), segments.get(s).file(), last)) {
          if (query.matches(e) && out.size() < query.limit()) {
            out.add(e);
          }
        }
      }
    }
    return List.copyOf(out);
  }

  /**
   * Removes a cluster's events under the records lock (which the caller may hold already), keeping
   * the numbering increasing.
   *
   * @param clusterId a checked cluster id (see {@link Ids#check}), which JSON writes as it is
   */
  void purge(String clusterId) throws IOException {
    HomeLocks.withLock(
        lockFile,
        () -> {
          purgeLocked(clusterId);
          return null;
        });
  }

  private void purgeLocked(String clusterId) throws IOException {
    List<Segment> segments = segments();
    if (segments.isEmpty()) {
      return;
    }
    Tail tail = tail(segments);
    byte[] needle = ("\"cluster\":\"" + clusterId + "\"").getBytes(StandardCharsets.UTF_8);
    Map<Segment, byte[]> changed = new LinkedHashMap<>();
    boolean newestRemoved = false;
    for (Segment segment : segments) {
      byte[] bytes = Files.readAllBytes(segment.file());
      if (EventLines.indexOf(bytes, needle, 0, bytes.length) < 0) {
        continue;
      }
      ByteArrayOutputStream kept = new ByteArrayOutputStream(bytes.length);
      boolean removed = false;
      for (EventLines.Batch batch : EventLines.batches(bytes)) {
        int keptLines = 0;
        for (EventLines.Line line : batch.lines()) {
          if (EventLines.indexOf(bytes, needle, line.start(), line.end()) >= 0) {
            LifecycleEvent e = EventLines.event(bytes, line, segment.file());
            if (e.cluster().equals(Optional.of(clusterId))) {
              removed = true;
              newestRemoved |= e.seq() == tail.last();
              continue;
            }
          }
          kept.write(bytes, line.start(), line.end() - line.start() + 1);
          keptLines++;
        }
        if (keptLines > 0) {
          kept.write('\n');
        }
      }
      if (removed) {
        changed.put(segment, kept.toByteArray());
      }
    }
    if (changed.isEmpty()) {
      return;
    }
    // Once its last event is gone, the numbers continue from the name of an empty newest segment.
    boolean renumber = newestRemoved;
    Segment newest =
        renumber
            ? new Segment(tail.last() + 1, segmentFile(tail.last() + 1))
            : segments.get(segments.size() - 1);
    rewriting(
        () -> {
          if (renumber) {
            AtomicFiles.write(newest.file(), new byte[0]);
          }
          for (Map.Entry<Segment, byte[]> e : changed.entrySet()) {
            if (e.getValue().length == 0 && !e.getKey().equals(newest)) {
              Files.deleteIfExists(e.getKey().file());
            } else {
              AtomicFiles.write(e.getKey().file(), e.getValue());
            }
          }
          AtomicFiles.syncDirectory(dir);
        });
  }

  /** The number of segment rewrites begun and ended, in {@code HOME/events/rewrites}. */
  private long rewritesStarted() throws IOException {
    Optional<String> text = AtomicFiles.readIfExists(rewrites);
    try {
      return text.isEmpty() ? 0 : Long.parseLong(text.get().strip());
    } catch (NumberFormatException e) {
      return 1; // damaged: as if a rewrite ran, until a writer ends it
    }
  }

  /** Ends the rewrite that a killed process began. Call under the records lock. */
  private void settleRewrites() throws IOException {
    long started = rewritesStarted();
    if (started % 2 != 0) {
      LOG.warn("ending a rewrite of the event log of {} whose process was killed", dir);
      AtomicFiles.writeString(rewrites, (started + 1) + "\n");
    }
  }

  /**
   * Rewrites or removes segments between marks that readers check: an odd count while it runs, the
   * next even one after. A reader that finds the count odd or changed reads again, as it may have
   * listed the directory while a segment was being renamed over. Call under the records lock.
   */
  private void rewriting(IoAction action) throws IOException {
    settleRewrites();
    long started = rewritesStarted();
    AtomicFiles.writeString(rewrites, (started + 1) + "\n");
    try {
      action.run();
    } finally {
      // each file was replaced whole, so the log is consistent even when the action failed
      AtomicFiles.writeString(rewrites, (started + 2) + "\n");
    }
  }

  @FunctionalInterface
  private interface IoAction {
    void run() throws IOException;
  }

  /** The segments, by their first number; none when there is no log yet. */
  List<Segment> segments() throws IOException {
    // a map: a listing made while a file is renamed over may name it twice on some file systems
    TreeMap<Long, Segment> segments = new TreeMap<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*" + SUFFIX)) {
      for (Path p : files) {
        String name = p.getFileName().toString();
        String number = name.substring(0, name.length() - SUFFIX.length());
        if (number.length() == NAME_DIGITS && number.chars().allMatch(Character::isDigit)) {
          segments.put(Long.parseLong(number), new Segment(Long.parseLong(number), p));
        }
      }
    } catch (NoSuchFileException e) {
      return List.of();
    }
    return List.copyOf(segments.values());
  }

  Path segmentFile(long first) {
    return dir.resolve(String.format("%0" + NAME_DIGITS + "d", first) + SUFFIX);
  }

  /** The index of the last segment that may hold the number after {@code afterSeq}, or 0. */
  private static int start(List<Segment> segments, long afterSeq) {
    int start = 0;
    for (int i = 0; i < segments.size() && segments.get(i).first() - 1 <= afterSeq; i++) {
      start = i;
    }
    return start;
  }

  /**
   * Measures the newest segment for an append, after rewriting it without a partial or unparseable
   * last batch. Call under the records lock.
   */
  private Tail tail(List<Segment> segments) throws IOException {
    if (segments.isEmpty()) {
      return new Tail(null, 0, 0, 0);
    }
    Segment newest = segments.get(segments.size() - 1);
    byte[] bytes = Files.readAllBytes(newest.file());
    List<EventLines.Batch> batches = new ArrayList<>(EventLines.batches(bytes));
    long last = newest.first() - 1;
    if (!batches.isEmpty()) {
      EventLines.Batch lastBatch = batches.get(batches.size() - 1);
      try {
        List<LifecycleEvent> events = EventLines.decode(bytes, lastBatch, -1, newest.file(), false);
        last = Math.max(last, events.get(events.size() - 1).seq());
      } catch (IllegalStateException e) {
        LOG.warn("dropping the unparseable last batch of {}: {}", newest.file(), e.getMessage());
        batches.remove(batches.size() - 1);
        if (!batches.isEmpty()) {
          EventLines.Batch before = batches.get(batches.size() - 1);
          last =
              Math.max(
                  last,
                  EventLines.seqOf(
                      bytes, before.lines().get(before.lines().size() - 1), newest.file()));
        }
      }
    }
    int end = batches.isEmpty() ? 0 : batches.get(batches.size() - 1).end();
    if (end < bytes.length) {
      LOG.warn(
          "cutting off {} bytes of {}, a batch of events whose writer was killed",
          bytes.length - end,
          newest.file());
      byte[] whole = Arrays.copyOf(bytes, end);
      rewriting(() -> AtomicFiles.write(newest.file(), whole));
    }
    int events = batches.stream().mapToInt(b -> b.lines().size()).sum();
    return new Tail(newest, end, events, last);
  }

  /** Writes bytes at an offset of a segment, creating it, and forces them to disk. */
  private static void writeAt(Path file, long offset, byte[] content) throws IOException {
    try (FileChannel ch =
        FileModes.open(file, Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE))) {
      ByteBuffer buf = ByteBuffer.wrap(content);
      long at = offset;
      while (buf.hasRemaining()) {
        at += ch.write(buf, at);
      }
      ch.force(false);
    }
  }
}

package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.codec.RecordCodec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content of the segments of {@link EventFiles}: one event per line in the form of {@link
 * RecordCodec}, its number in its {@code seq}; the lines of one append, then an empty line that
 * ends that batch. A batch without its empty line is not whole: its writer is writing it, or was
 * killed while it did.
 */
final class EventLines {
  private static final Logger LOG = LoggerFactory.getLogger(EventLines.class);
  private static final byte[] SEQ_PREFIX = "{\"seq\":".getBytes(StandardCharsets.US_ASCII);

  private EventLines() {}

  /** A line of a segment's bytes, without its line break. */
  record Line(int start, int end) {}

  /** A whole batch of a segment's bytes: its lines, and where it ends (after its empty line). */
  record Batch(List<Line> lines, int end) {}

  /**
   * Checks the events of an append before anything is written.
   *
   * @return a copy
   * @throws NullPointerException if the list or an event is null
   * @throws IllegalArgumentException if an event names no cluster
   */
  static List<LifecycleEvent> check(List<LifecycleEvent> events) {
    Objects.requireNonNull(events, "events is null");
    for (int i = 0; i < events.size(); i++) {
      LifecycleEvent e = Objects.requireNonNull(events.get(i), "events[" + i + "] is null");
      if (e.cluster().isEmpty()) {
        throw new IllegalArgumentException(
            "events["
                + i
                + "] ("
                + e.event()
                + ") names no cluster: every stored event belongs to one; no event was stored");
      }
    }
    return List.copyOf(events);
  }

  /**
   * The line of an event with its number.
   *
   * @return the JSON text, without a line break
   * @throws IllegalStateException if the JSON holds a line break, which JSON never needs
   */
  static String line(LifecycleEvent event, long seq) {
    String json = RecordCodec.write(event.withSeq(seq));
    if (json.indexOf('\n') >= 0 || json.indexOf('\r') >= 0) {
      throw new IllegalStateException("the JSON of an event holds a line break: " + json);
    }
    return json;
  }

  /**
   * Reads a line written by {@link #line}.
   *
   * @throws IllegalArgumentException if it is not an event
   */
  static LifecycleEvent read(String line) {
    return RecordCodec.read(line, LifecycleEvent.class);
  }

  /** The whole batches of a segment's bytes: lines followed by an empty line. */
  static List<Batch> batches(byte[] bytes) {
    List<Batch> batches = new ArrayList<>();
    List<Line> lines = new ArrayList<>();
    int lineStart = 0;
    for (int i = 0; i < bytes.length; i++) {
      if (bytes[i] != '\n') {
        continue;
      }
      if (i > lineStart) {
        lines.add(new Line(lineStart, i));
      } else if (!lines.isEmpty()) {
        batches.add(new Batch(List.copyOf(lines), i + 1));
        lines.clear();
      }
      lineStart = i + 1;
    }
    return batches;
  }

  /**
   * The events of a batch numbered above {@code afterSeq}. A line that does not parse makes the
   * whole batch unread when it is the last of the log ({@code last}), and fails the read otherwise.
   */
  static List<LifecycleEvent> decode(
      byte[] bytes, Batch batch, long afterSeq, Path file, boolean last) {
    List<LifecycleEvent> events = new ArrayList<>(batch.lines().size());
    try {
      for (Line line : batch.lines()) {
        if (seqOf(bytes, line, file) > afterSeq) {
          events.add(event(bytes, line, file));
        }
      }
    } catch (IllegalStateException e) {
      if (!last) {
        throw e;
      }
      LOG.warn("ignoring the unparseable last batch of events of {}: {}", file, e.getMessage());
      return List.of();
    }
    return events;
  }

  /**
   * The number of the event on a line: read from the start of the line as {@link RecordCodec}
   * writes it, or else from the parsed event.
   */
  static long seqOf(byte[] bytes, Line line, Path file) {
    int i = line.start() + SEQ_PREFIX.length;
    if (i < line.end() && Arrays.equals(bytes, line.start(), i, SEQ_PREFIX, 0, SEQ_PREFIX.length)) {
      long seq = 0;
      int digits = 0;
      for (; i < line.end() && bytes[i] >= '0' && bytes[i] <= '9' && digits < 18; i++, digits++) {
        seq = seq * 10 + (bytes[i] - '0');
      }
      if (digits > 0 && i < line.end() && (bytes[i] == ',' || bytes[i] == '}')) {
        return seq;
      }
    }
    return event(bytes, line, file).seq();
  }

  /**
   * Parses a line.
   *
   * @throws IllegalStateException naming the file when it is not an event
   */
  static LifecycleEvent event(byte[] bytes, Line line, Path file) {
    String text =
        new String(bytes, line.start(), line.end() - line.start(), StandardCharsets.UTF_8);
    try {
      return RecordCodec.read(text, LifecycleEvent.class);
    } catch (IllegalArgumentException e) {
      throw new IllegalStateException(
          "the event log segment "
              + file
              + " is damaged at byte "
              + line.start()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  static int indexOf(byte[] bytes, byte[] needle, int from, int to) {
    for (int i = from; i <= to - needle.length; i++) {
      if (Arrays.equals(bytes, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }
}

package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.codec.RecordCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.charset.StandardCharsets;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The event log of {@link K8sClusterStore} (docs/design.md §8.3) in ConfigMaps of its namespace.
 *
 * <p><b>Objects.</b> The head, {@code lc-events.<store>.head}, holds under {@value #LAST} the last
 * number given, under {@value #EVENTS} the most recent events, one JSON line each (the codec's
 * record form, by increasing number), and under {@value #SEGMENTS} the index of the older events:
 * one line {@code <first> <last> <hash>} per segment, by increasing number, every segment's events
 * older than the head's. A segment, {@code lc-events.<store>.<first>-<hash>} ({@code <hash>}: 12
 * hex digits of the SHA-256 of its data as sealed, so that different contents never share a name),
 * holds a run of sealed events under {@value #EVENTS}, and is labelled with the store, the kind
 * {@value #SEGMENT_KIND} and its first and last number ({@value #FIRST_LABEL}, {@value
 * #LAST_LABEL}). Only segments the head's index names are part of the log.
 *
 * <p><b>Appending</b> reads the head, numbers the events after its last number, and replaces the
 * head with them: one update guarded by the head's {@code resourceVersion}, tried again after a 409
 * from a fresh read, so numbers become visible in the order they were given and a reader that saw
 * the head at some version has seen every event numbered up to its last number. Once the events the
 * head held reach {@code sealBytes}, an append seals the oldest of them into a segment: it creates
 * the segment first (one that exists already with the same data is fine, as another client sealing
 * the same head made it), then, in the same guarded update of the head that adds the new events,
 * drops the sealed events and adds the segment to the index. A run to seal is cut the same way from
 * the same head whatever was appended after it, so clients racing to seal create the same segment.
 * A batch that would not fit in the head is sealed into segments as well, still with one update of
 * the head, so a batch of any size is stored all at once or not at all. A crash, or an update of
 * the head that fails, after creating a segment leaves a segment no index names and its events
 * still in the head: readers never read it, and the next seal of the same events finds it in place.
 * The appends of one object run one at a time, so that only other clients' appends make its
 * compare-and-set fail.
 *
 * <p><b>Reading</b> reads the head, then the indexed segments from the one holding {@code afterSeq
 * + 1}, then the head's events, skipping every event whose number is not above the last one taken
 * (so no event is read twice), until the limit.
 *
 * <p><b>Purging</b> a cluster replaces the head without its events (guarded, retried), then lists
 * the store's segments by label: an indexed one holding the cluster's events is replaced without
 * them (guarded by its {@code resourceVersion}), or, when nothing would be left, dropped from the
 * index and deleted; one no index names is deleted when no client can index it any more (its first
 * event is numbered at most the head's last and is not among the head's events), else cleaned like
 * an indexed one. The head keeps its last number, so numbers keep increasing.
 *
 * <p>Limits: one event must fit in one ConfigMap ({@code maxBytes}); the head's index grows by one
 * short line per segment, so a log whose index passes {@code maxBytes} (tens of thousands of
 * segments) refuses appends with {@link K8sObjectTooLargeException} until purges shrink it.
 * Thread-safe; every method blocks on the API server.
 */
final class EventConfigMaps {
  static final String LAST = "last";
  static final String EVENTS = "events";
  static final String SEGMENTS = "segments";
  static final String HEAD_KIND = "events";
  static final String SEGMENT_KIND = "event-segment";
  static final String FIRST_LABEL = "lifecycle.clusterlifecycle.io/first-seq";
  static final String LAST_LABEL = "lifecycle.clusterlifecycle.io/last-seq";

  /**
   * The seal threshold unless configured otherwise: 64 KiB, at most a quarter of the limit. Every
   * append rewrites the head, and every reader reads it, so it stays small; the index grows by one
   * line per segment.
   */
  static final long DEFAULT_SEAL_BYTES = 64 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(EventConfigMaps.class);
  private static final int ATTEMPTS = 100;
  private static final String SEQ = "{\"seq\":";

  private final ConfigMapDocs docs;
  private final String store;
  private final String head;
  private final Map<String, String> headLabels;
  private final Map<String, String> segmentLabels;
  private final long maxBytes;
  private final long sealBytes;
  private final ReentrantLock appending = new ReentrantLock();

  /**
   * The event log of one store.
   *
   * @param docs the store's ConfigMaps
   * @param store the store's name
   * @param labels the labels of every object of the store, to which the kind label is added
   * @param maxBytes the most bytes of data one ConfigMap may hold
   * @param sealBytes seal the head's events into a segment once they hold this many bytes
   */
  EventConfigMaps(
      ConfigMapDocs docs, String store, Map<String, String> labels, long maxBytes, long sealBytes) {
    if (sealBytes < 1) {
      throw new IllegalArgumentException("sealBytes must be at least 1, was " + sealBytes);
    }
    this.docs = docs;
    this.store = store;
    this.head = ConfigMapDocs.name(HEAD_KIND, store, "head");
    this.headLabels = kind(labels, HEAD_KIND);
    this.segmentLabels = kind(labels, SEGMENT_KIND);
    this.maxBytes = maxBytes;
    this.sealBytes = sealBytes;
  }

  /** The default seal threshold for a limit of {@code maxBytes}. */
  static long defaultSealBytes(long maxBytes) {
    return Math.min(DEFAULT_SEAL_BYTES, maxBytes / 4);
  }

  /**
   * Numbers and stores events, all at once (see the class description).
   *
   * @return the events as stored, with their numbers
   * @throws NullPointerException when an event is null
   * @throws IllegalArgumentException when an event names no cluster; nothing is stored
   * @throws K8sObjectTooLargeException when an event, or the index, cannot fit in a ConfigMap
   * @throws TransientSpiException when the head changed on every try
   */
  List<LifecycleEvent> append(List<LifecycleEvent> given) {
    List<LifecycleEvent> events = List.copyOf(given);
    for (LifecycleEvent e : events) {
      if (e.cluster().filter(c -> !c.isEmpty()).isEmpty()) {
        throw new IllegalArgumentException(
            "a stored event must name a cluster; " + e.event() + " names none");
      }
    }
    if (events.isEmpty()) {
      return List.of();
    }
    appending.lock();
    try {
      return store(events);
    } finally {
      appending.unlock();
    }
  }

  private List<LifecycleEvent> store(List<LifecycleEvent> events) {
    for (int attempt = 1; ; attempt++) {
      Head read = read();
      long seq = read.last();
      List<String> lines = new ArrayList<>(read.events());
      List<LifecycleEvent> stored = new ArrayList<>(events.size());
      for (LifecycleEvent e : events) {
        LifecycleEvent numbered = e.withSeq(++seq);
        String line = encode(numbered);
        long size = EVENTS.length() + bytes(line);
        if (size > maxBytes) {
          throw new K8sObjectTooLargeException(head, size, maxBytes);
        }
        lines.add(line);
        stored.add(numbered);
      }
      List<Ref> refs = new ArrayList<>(read.segments());
      List<Segment> sealed = new ArrayList<>();
      long older = bytes(read.events());
      int from = 0;
      while (from < lines.size()
          && (older >= sealBytes
              || ConfigMapDocs.size(data(seq, refs, lines.subList(from, lines.size())))
                  > maxBytes)) {
        int to = cut(lines, from);
        Segment segment = segment(lines.subList(from, to));
        sealed.add(segment);
        refs.add(segment.ref());
        older -= bytes(lines.subList(from, Math.max(from, Math.min(to, read.events().size()))));
        from = to;
      }
      Map<String, String> data = data(seq, refs, lines.subList(from, lines.size()));
      long size = ConfigMapDocs.size(data);
      if (size > maxBytes) {
        throw new K8sObjectTooLargeException(head, size, maxBytes);
      }
      try {
        for (Segment segment : sealed) {
          create(segment);
        }
        docs.write(head, headLabels, data, read.version());
        return List.copyOf(stored);
      } catch (KubernetesClientException e) {
        retry(e, attempt, "append events");
      }
    }
  }

  /** The events a query selects, by increasing number (see the class description). */
  List<LifecycleEvent> events(EventQuery query) {
    Head read = read();
    List<LifecycleEvent> found = new ArrayList<>();
    long after = query.afterSeq();
    for (Ref ref : read.segments()) {
      if (ref.last() <= after) {
        continue;
      }
      Optional<ConfigMap> segment = docs.get(name(ref));
      if (segment.isEmpty()) {
        continue; // purged to nothing and deleted since the head was read
      }
      after = collect(lines(segment.get()), query, after, found);
      if (found.size() >= query.limit()) {
        return List.copyOf(found);
      }
    }
    collect(read.events(), query, after, found);
    return List.copyOf(found);
  }

  /** Drops a cluster's events from the head and the segments (see the class description). */
  void purge(String clusterId) {
    Head purged = purgeHead(clusterId);
    Set<String> indexed = new HashSet<>();
    for (Ref ref : purged.segments()) {
      indexed.add(name(ref));
    }
    for (ConfigMap segment : docs.list(segmentLabels)) {
      String name = segment.getMetadata().getName();
      boolean inIndex = indexed.contains(name);
      if (!inIndex && unreachable(segment, purged)) {
        LOG.debug("deleting event segment {}, which no client can index any more", name);
        docs.delete(name);
      } else {
        purgeSegment(segment, clusterId, inIndex);
      }
    }
  }

  private Head purgeHead(String clusterId) {
    for (int attempt = 1; ; attempt++) {
      Head read = read();
      List<String> kept = without(read.events(), clusterId);
      if (kept.size() == read.events().size()) {
        return read;
      }
      try {
        docs.write(head, headLabels, data(read.last(), read.segments(), kept), read.version());
        return new Head(null, read.last(), read.segments(), kept);
      } catch (KubernetesClientException e) {
        retry(e, attempt, "purge events of " + clusterId);
      }
    }
  }

  private void purgeSegment(ConfigMap read, String clusterId, boolean inIndex) {
    ConfigMap current = read;
    String name = read.getMetadata().getName();
    for (int attempt = 1; ; attempt++) {
      List<String> lines = lines(current);
      List<String> kept = without(lines, clusterId);
      if (inIndex && kept.isEmpty()) {
        unindex(name);
        docs.delete(name);
        return;
      }
      if (kept.size() == lines.size()) {
        return;
      }
      try {
        docs.write(
            name,
            current.getMetadata().getLabels(),
            Map.of(EVENTS, String.join("\n", kept)),
            current.getMetadata().getResourceVersion());
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() == 404) {
          return;
        }
        retry(e, attempt, "purge events of " + clusterId + " from " + name);
        Optional<ConfigMap> again = docs.get(name);
        if (again.isEmpty()) {
          return;
        }
        current = again.get();
      }
    }
  }

  /** Drops a segment from the head's index. */
  private void unindex(String name) {
    for (int attempt = 1; ; attempt++) {
      Head read = read();
      List<Ref> refs = read.segments().stream().filter(r -> !name(r).equals(name)).toList();
      if (refs.size() == read.segments().size()) {
        return;
      }
      try {
        docs.write(head, headLabels, data(read.last(), refs, read.events()), read.version());
        return;
      } catch (KubernetesClientException e) {
        retry(e, attempt, "drop event segment " + name);
      }
    }
  }

  /**
   * Whether no client can add a segment that the head (as read or written at some version) does not
   * index to the index any more. A client indexes a segment in the update that drops its events
   * from the head, guarded by the version it sealed them from, and events leave the head for good:
   * so a segment whose first event was numbered by then but is not among the head's events was
   * sealed from an older version, and that update will fail. An empty one was emptied by a purge.
   */
  private static boolean unreachable(ConfigMap segment, Head purged) {
    List<String> lines = lines(segment);
    if (lines.isEmpty()) {
      return true;
    }
    String first = lines.get(0);
    return seq(first) <= purged.last() && !purged.events().contains(first);
  }

  /**
   * Creates a segment; one that exists with the same data is fine.
   *
   * @throws KubernetesClientException with 409 when one exists with other data: a purge changed it
   *     since the head it was sealed from, which has changed too
   */
  private void create(Segment segment) {
    try {
      docs.write(segment.name(), segment.labels(), segment.data(), null);
    } catch (KubernetesClientException e) {
      if (e.getCode() != 409
          || !docs.get(segment.name())
              .map(cm -> segment.data().equals(cm.getData()))
              .orElse(false)) {
        throw e;
      }
    }
  }

  /**
   * Rethrows a failure other than a 409, and a 409 on the last try as transient; otherwise waits a
   * little, more after each try, before the caller reads again.
   */
  private static void retry(KubernetesClientException e, int attempt, String what) {
    if (e.getCode() != 409) {
      throw e;
    }
    if (attempt >= ATTEMPTS) {
      throw new TransientSpiException(
          what + ": the event log changed on each of " + ATTEMPTS + " tries", e);
    }
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(1 + Math.min(attempt, 20) * 2L));
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
      throw new LifecycleException(what + ": interrupted", interrupted);
    }
  }

  /**
   * Where the segment starting at {@code from} ends: after the fewest events that hold {@link
   * #sealBytes}, fewer when they would not fit in a ConfigMap, at least one. It depends only on the
   * events from {@code from} on up to that point, so it is the same for every client that seals the
   * same head, whatever was appended after it.
   */
  private int cut(List<String> lines, int from) {
    long room = maxBytes - EVENTS.length() + 1;
    long size = 0;
    int to = from;
    while (to < lines.size()) {
      long line = bytes(lines.get(to)) + 1;
      if (to > from && size + line > room) {
        break;
      }
      size += line;
      to++;
      if (size >= sealBytes) {
        break;
      }
    }
    return to;
  }

  private Segment segment(List<String> lines) {
    Map<String, String> data = Map.of(EVENTS, String.join("\n", lines));
    long first = seq(lines.get(0));
    long last = seq(lines.get(lines.size() - 1));
    Ref ref = new Ref(first, last, Names.hash(data.get(EVENTS)).substring(0, 12));
    Map<String, String> labels = new LinkedHashMap<>(segmentLabels);
    labels.put(FIRST_LABEL, Long.toString(first));
    labels.put(LAST_LABEL, Long.toString(last));
    return new Segment(name(ref), ref, labels, data);
  }

  private String name(Ref ref) {
    return ConfigMapDocs.name(HEAD_KIND, store, ref.first() + "-" + ref.hash());
  }

  private Head read() {
    Optional<ConfigMap> cm = docs.get(head);
    if (cm.isEmpty()) {
      return new Head(null, 0, List.of(), List.of());
    }
    Map<String, String> data = Optional.ofNullable(cm.get().getData()).orElse(Map.of());
    List<Ref> refs = new ArrayList<>();
    for (String line : split(data.get(SEGMENTS))) {
      refs.add(Ref.parse(line));
    }
    return new Head(
        cm.get().getMetadata().getResourceVersion(),
        Long.parseLong(data.getOrDefault(LAST, "0")),
        List.copyOf(refs),
        split(data.get(EVENTS)));
  }

  private static Map<String, String> data(long last, List<Ref> refs, List<String> events) {
    StringBuilder index = new StringBuilder();
    for (Ref ref : refs) {
      if (index.length() > 0) {
        index.append('\n');
      }
      index.append(ref.line());
    }
    Map<String, String> data = new LinkedHashMap<>();
    data.put(LAST, Long.toString(last));
    data.put(SEGMENTS, index.toString());
    data.put(EVENTS, String.join("\n", events));
    return data;
  }

  /** Adds the matching events numbered above {@code after}; returns the last number passed. */
  private static long collect(
      List<String> lines, EventQuery query, long after, List<LifecycleEvent> found) {
    long passed = after;
    for (String line : lines) {
      if (found.size() >= query.limit()) {
        break;
      }
      if (seq(line) <= passed) {
        continue;
      }
      LifecycleEvent e = decode(line);
      passed = e.seq();
      if (query.matches(e)) {
        found.add(e);
      }
    }
    return passed;
  }

  /**
   * The lines of events of other clusters. Only a line holding the cluster's id as its {@code
   * cluster} field, written the way the codec writes it, is read to make sure.
   */
  private static List<String> without(List<String> lines, String clusterId) {
    String field = "\"cluster\":" + RecordCodec.write(clusterId);
    return lines.stream()
        .filter(
            l -> !l.contains(field) || !decode(l).cluster().filter(clusterId::equals).isPresent())
        .toList();
  }

  private static List<String> lines(ConfigMap segment) {
    return split(Optional.ofNullable(segment.getData()).map(d -> d.get(EVENTS)).orElse(null));
  }

  private static List<String> split(String value) {
    return value == null || value.isEmpty() ? List.of() : List.of(value.split("\n", -1));
  }

  private static long bytes(String line) {
    return line.getBytes(StandardCharsets.UTF_8).length;
  }

  /** The bytes lines take in a data value, a line break each. */
  private static long bytes(List<String> lines) {
    long size = 0;
    for (String line : lines) {
      size += bytes(line) + 1;
    }
    return size;
  }

  /**
   * An event as one JSON line: the codec's record form, with the time to the nanosecond where the
   * codec's millisecond form would lose part of it.
   */
  static String encode(LifecycleEvent e) {
    String json = RecordCodec.write(e);
    if (e.ts().truncatedTo(ChronoUnit.MILLIS).equals(e.ts())) {
      return json;
    }
    String millis = SEQ + e.seq() + ",\"ts\":\"" + RecordCodec.formatTime(e.ts()) + "\"";
    return json.startsWith(millis)
        ? SEQ + e.seq() + ",\"ts\":\"" + e.ts() + "\"" + json.substring(millis.length())
        : json;
  }

  /** Reads a line {@link #encode} wrote. */
  static LifecycleEvent decode(String line) {
    return RecordCodec.read(line, LifecycleEvent.class);
  }

  /** The number of the event a line holds, without reading the rest of it. */
  private static long seq(String line) {
    if (line.startsWith(SEQ)) {
      int end = SEQ.length();
      while (end < line.length() && Character.isDigit(line.charAt(end))) {
        end++;
      }
      if (end > SEQ.length() && end < line.length() && line.charAt(end) == ',') {
        return Long.parseLong(line.substring(SEQ.length(), end));
      }
    }
    return decode(line).seq();
  }

  /**
   * The event with each empty text absent, as the codec writes an absent text as {@code ""} (and
   * {@link LifecycleEvent} keeps {@code ""} as it is when read).
   */
  private static Map<String, String> kind(Map<String, String> labels, String kind) {
    Map<String, String> out = new LinkedHashMap<>(labels);
    out.put(K8sLabels.KIND, kind);
    return Map.copyOf(out);
  }

  /**
   * The head as read.
   *
   * @param version its {@code resourceVersion}; null when there is none yet
   * @param last the last number given
   * @param segments the index, by increasing number
   * @param events the events' lines, by increasing number
   */
  private record Head(String version, long last, List<Ref> segments, List<String> events) {}

  /** A line of the head's index: a segment's first and last number and its hash. */
  private record Ref(long first, long last, String hash) {
    String line() {
      return first + " " + last + " " + hash;
    }

    static Ref parse(String line) {
      String[] parts = line.split(" ", -1);
      if (parts.length != 3) {
        throw new IllegalStateException("not an event segment index line: " + line);
      }
      return new Ref(Long.parseLong(parts[0]), Long.parseLong(parts[1]), parts[2]);
    }
  }

  /** A segment to create. */
  private record Segment(
      String name, Ref ref, Map<String, String> labels, Map<String, String> data) {}
}

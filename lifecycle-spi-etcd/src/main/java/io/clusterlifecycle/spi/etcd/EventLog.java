package io.clusterlifecycle.spi.etcd;

import static io.clusterlifecycle.spi.etcd.EtcdCalls.bytes;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.prefixEnd;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.string;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.codec.RecordCodec;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * The event log of an {@link EtcdClusterStore} ({@link EtcdClusterStore#appendEvents}, {@link
 * EtcdClusterStore#events}, and the part of {@link EtcdClusterStore#delete} that drops a cluster's
 * events). Keys under the store's prefix:
 *
 * <pre>
 * PREFIX/event-seq                             the last number given to an event, in decimal
 * PREFIX/events/&lt;seq&gt;                          an event with its number, JSON ({@link RecordCodec}):
 *                                              {"at": its exact time, "event": the event}
 * PREFIX/event-clusters/&lt;cluster-id&gt;/&lt;seq&gt;     the index of a cluster's events (the cluster id
 *                                              URL-encoded); the value is the event's
 *                                              operation id, empty when it names none
 * </pre>
 *
 * <p>{@code seq} is written in 19 digits, zero-padded, so that etcd's key order is number order.
 * The codec writes times to the millisecond and absent texts as {@code ""}: {@code at} keeps the
 * event's time exactly (ISO-8601), and texts read as {@code ""} are read as absent, so that events
 * read back equal the events appended but for their numbers.
 *
 * <p><b>Numbering.</b> An append reads {@code event-seq}, then commits one transaction that holds
 * only if {@code event-seq} was not written since (its mod revision), writes every event under the
 * next numbers with its index key, and writes the last number to {@code event-seq}; when another
 * client appended in between, it goes again with the counter the transaction read instead. Every
 * successful append therefore commits after the one that took the numbers before its own, and etcd
 * transactions are linearizable: at any revision the events stored are those up to some number
 * (less the purged ones), so a reader resuming after the last number it saw misses none. Appends
 * made through one store are made one after another, in the order they were called.
 *
 * <p><b>Reads.</b> A query of every cluster reads {@code events/} from {@code afterSeq + 1}, in
 * pages, dropping events of other operations when the query names one, until it has {@code limit}
 * events or none are left. A query of one cluster reads that cluster's index keys instead (their
 * values, the operation ids, let it skip other operations' events without reading them), then the
 * events they name, so its cost grows with that cluster's events, not with the others'.
 */
final class EventLog {
  /** Digits of a number in a key: every positive {@code long} fits. */
  private static final int SEQ_DIGITS = 19;

  /**
   * Events per read of {@code events/} or per transaction of gets: an event holds at most a few KiB
   * and {@code results} of at most 16 KiB, so that an answer stays under gRPC's default 4 MiB.
   */
  private static final int PAGE_EVENTS = 200;

  /** Index keys per read: their values are operation ids. */
  private static final int PAGE_INDEX = 2000;

  /** Bytes that a number adds to an event's JSON at most, over the {@code 0} it is sized with. */
  private static final int SEQ_BYTES = SEQ_DIGITS;

  private final String root;
  private final String clustersRoot;
  private final String seqKey;
  private final Client client;
  private final EtcdCalls calls;
  private final int maxTxnOps;

  private final Object appendLock = new Object();
  private CompletableFuture<Void> appendTail = CompletableFuture.completedFuture(null);

  /**
   * Creates the event log of a store.
   *
   * @param prefix the store's key prefix
   * @param client its client
   * @param calls its calls
   * @param maxTxnOps the most operations one of its transactions carries
   */
  EventLog(String prefix, Client client, EtcdCalls calls, int maxTxnOps) {
    this.root = prefix + "/events/";
    this.clustersRoot = prefix + "/event-clusters/";
    this.seqKey = prefix + "/event-seq";
    this.client = client;
    this.calls = calls;
    this.maxTxnOps = maxTxnOps;
  }

  /** The key of the event numbered {@code seq}. */
  String key(long seq) {
    return root + pad(seq);
  }

  /** The directory of a cluster's index keys, ending with {@code /}. */
  String clusterDir(String clusterId) {
    return clustersRoot + URLEncoder.encode(clusterId, StandardCharsets.UTF_8) + "/";
  }

  private static String pad(long seq) {
    String digits = Long.toString(seq);
    return "0".repeat(SEQ_DIGITS - digits.length()) + digits;
  }

  // ------------------------------------------------------------------------------------ append

  /**
   * Numbers and stores events; see {@link EtcdClusterStore#appendEvents}.
   *
   * @param events the events
   * @return the events as stored and read back, with their numbers, in the given order
   */
  CompletableFuture<List<LifecycleEvent>> append(List<LifecycleEvent> events) {
    if (events == null) {
      return CompletableFuture.failedFuture(new NullPointerException("events"));
    }
    List<List<LifecycleEvent>> chunks;
    try {
      chunks = chunks(events);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (calls.isClosed()) {
      return CompletableFuture.failedFuture(calls.closedError("append events"));
    }
    if (chunks.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return inAppendOrder(
        () -> {
          CompletableFuture<List<LifecycleEvent>> chain =
              CompletableFuture.completedFuture(List.of());
          for (List<LifecycleEvent> chunk : chunks) {
            chain =
                chain.thenCompose(
                    before ->
                        appendChunk(chunk)
                            .thenApply(
                                stored ->
                                    Stream.concat(before.stream(), stored.stream()).toList()));
          }
          return chain;
        });
  }

  /**
   * Checks the events and splits them, in order, into groups that each fit one transaction: at most
   * {@code maxTxnOps} operations (2 per event, 1 for the counter) and {@link
   * JournalAppends#MAX_TXN_BYTES} of keys and values.
   *
   * @throws NullPointerException if an event is null
   * @throws IllegalArgumentException if an event names no cluster, or is too large for a
   *     transaction of its own
   */
  private List<List<LifecycleEvent>> chunks(List<LifecycleEvent> events) {
    int perTxn = Math.max(1, (maxTxnOps - 1) / 2);
    List<Integer> sizes = new ArrayList<>(events.size());
    for (int i = 0; i < events.size(); i++) {
      LifecycleEvent e = events.get(i);
      if (e == null) {
        throw new NullPointerException("events[" + i + "]");
      }
      if (e.cluster().isEmpty()) {
        throw new IllegalArgumentException(
            "a stored event must name a cluster; events["
                + i
                + "] ("
                + e.event()
                + ") names none, so none of the "
                + events.size()
                + " events was stored");
      }
      int size =
          JournalAppends.utf8Length(RecordCodec.write(new Stored(e.ts().toString(), e.withSeq(0))))
              + SEQ_BYTES
              + JournalAppends.utf8Length(key(0))
              + JournalAppends.utf8Length(clusterDir(e.cluster().get()) + pad(0))
              + JournalAppends.utf8Length(e.operation().orElse(""));
      if (size > JournalAppends.MAX_TXN_BYTES) {
        throw new IllegalArgumentException(
            "events["
                + i
                + "] ("
                + e.event()
                + ") takes "
                + size
                + " bytes, more than the "
                + JournalAppends.MAX_TXN_BYTES
                + " one etcd transaction carries; none of the "
                + events.size()
                + " events was stored");
      }
      sizes.add(size);
    }
    List<List<LifecycleEvent>> out = new ArrayList<>();
    List<LifecycleEvent> current = new ArrayList<>();
    int bytes = 0;
    for (int i = 0; i < events.size(); i++) {
      int size = sizes.get(i);
      if (!current.isEmpty()
          && (current.size() >= perTxn || bytes + size > JournalAppends.MAX_TXN_BYTES)) {
        out.add(current);
        current = new ArrayList<>();
        bytes = 0;
      }
      current.add(events.get(i));
      bytes += size;
    }
    if (!current.isEmpty()) {
      out.add(current);
    }
    return out;
  }

  /**
   * Runs {@code append} once every append made through this store before it has completed, so that
   * appends through one store do not race each other for the counter.
   */
  private <T> CompletableFuture<T> inAppendOrder(Supplier<CompletableFuture<T>> append) {
    CompletableFuture<T> done = new CompletableFuture<>();
    synchronized (appendLock) {
      appendTail =
          appendTail
              .thenCompose(x -> append.get())
              .handle(
                  (v, e) -> {
                    if (e == null) {
                      done.complete(v);
                    } else {
                      done.completeExceptionally(EtcdCalls.unwrap(e));
                    }
                    return null;
                  });
    }
    return done;
  }

  /** Stores one group of events in one transaction, after reading the counter. */
  private CompletableFuture<List<LifecycleEvent>> appendChunk(List<LifecycleEvent> chunk) {
    return calls
        .call(what(chunk), () -> client.getKVClient().get(bytes(seqKey)))
        .thenCompose(r -> appendChunk(chunk, r.getKvs(), 1));
  }

  /**
   * Stores one group of events under the numbers after the counter {@code counter} read (empty:
   * none given yet), if the counter is still the one read; else goes again with the counter the
   * transaction read instead.
   */
  private CompletableFuture<List<LifecycleEvent>> appendChunk(
      List<LifecycleEvent> chunk, List<KeyValue> counter, int attempt) {
    String what = what(chunk);
    long modRevision = counter.isEmpty() ? 0 : counter.get(0).getModRevision();
    long last;
    try {
      last = counter.isEmpty() ? 0 : Long.parseLong(string(counter.get(0).getValue()).trim());
    } catch (NumberFormatException e) {
      return CompletableFuture.failedFuture(
          new LifecycleException(
              "the event counter "
                  + seqKey
                  + " in etcd "
                  + calls.where()
                  + " holds '"
                  + string(counter.get(0).getValue())
                  + "', not a number; it was changed by hand: set it to the number of the last"
                  + " key under "
                  + root,
              e));
    }
    List<LifecycleEvent> stored = new ArrayList<>(chunk.size());
    List<Op> writes = new ArrayList<>(2 * chunk.size() + 1);
    for (LifecycleEvent e : chunk) {
      long seq = ++last;
      String json = RecordCodec.write(new Stored(e.ts().toString(), e.withSeq(seq)));
      stored.add(decode(key(seq), json));
      writes.add(Op.put(bytes(key(seq)), bytes(json), PutOption.DEFAULT));
      writes.add(
          Op.put(
              bytes(clusterDir(e.cluster().get()) + pad(seq)),
              bytes(e.operation().orElse("")),
              PutOption.DEFAULT));
    }
    writes.add(Op.put(bytes(seqKey), bytes(Long.toString(last)), PutOption.DEFAULT));
    Cmp unchanged = new Cmp(bytes(seqKey), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
    return calls
        .call(
            what,
            () ->
                client
                    .getKVClient()
                    .txn()
                    .If(unchanged)
                    .Then(writes.toArray(Op[]::new))
                    .Else(Op.get(bytes(seqKey), GetOption.DEFAULT))
                    .commit())
        .thenCompose(
            r -> {
              if (r.isSucceeded()) {
                return CompletableFuture.completedFuture(List.copyOf(stored));
              }
              if (attempt >= EtcdCalls.MAX_CAS_ATTEMPTS) {
                return CompletableFuture.failedFuture(
                    calls.contended(what, "appended events", attempt));
              }
              // another client appended in between: go again after the number it left
              List<KeyValue> now = r.getGetResponses().get(0).getKvs();
              return EtcdCalls.again(attempt, () -> appendChunk(chunk, now, attempt + 1));
            });
  }

  private static String what(List<LifecycleEvent> chunk) {
    return "append " + chunk.size() + " events to the event log";
  }

  // -------------------------------------------------------------------------------------- read

  /**
   * Reads the events a query selects; see {@link EtcdClusterStore#events}.
   *
   * @param query the query
   * @return the events, by increasing number
   */
  CompletableFuture<List<LifecycleEvent>> read(EventQuery query) {
    if (query == null) {
      return CompletableFuture.failedFuture(new NullPointerException("query"));
    }
    if (query.afterSeq() == Long.MAX_VALUE) {
      return calls.isClosed()
          ? CompletableFuture.failedFuture(calls.closedError("read events"))
          : CompletableFuture.completedFuture(List.of());
    }
    List<LifecycleEvent> found = new ArrayList<>();
    CompletableFuture<Void> done =
        query.cluster().isPresent()
            ? readCluster(
                query, clusterDir(query.cluster().get()) + pad(query.afterSeq() + 1), found)
            : readLog(query, key(query.afterSeq() + 1), found);
    return done.thenApply(x -> List.copyOf(found));
  }

  /** Reads {@code events/} from {@code from} on, into {@code found}, until the query is served. */
  private CompletableFuture<Void> readLog(
      EventQuery query, String from, List<LifecycleEvent> found) {
    int wanted = query.limit() - found.size();
    int page = query.operation().isEmpty() ? Math.min(PAGE_EVENTS, wanted) : PAGE_EVENTS;
    return range("read the event log", from, prefixEnd(root), page)
        .thenCompose(
            r -> {
              for (KeyValue kv : r.getKvs()) {
                LifecycleEvent e = decode(kv);
                if (query.matches(e) && found.size() < query.limit()) {
                  found.add(e);
                }
              }
              if (found.size() >= query.limit() || !r.isMore() || r.getKvs().isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              return readLog(query, lastKey(r) + "\0", found);
            });
  }

  /**
   * Reads a cluster's index keys from {@code from} on, then the events they name that the query
   * selects, into {@code found}, until the query is served.
   */
  private CompletableFuture<Void> readCluster(
      EventQuery query, String from, List<LifecycleEvent> found) {
    String what = "read the events of cluster " + query.cluster().get();
    String dir = clusterDir(query.cluster().get());
    int wanted = query.limit() - found.size();
    int page = query.operation().isEmpty() ? Math.min(PAGE_INDEX, wanted) : PAGE_INDEX;
    return range(what, from, prefixEnd(dir), page)
        .thenCompose(
            r -> {
              List<Long> seqs = new ArrayList<>();
              String last = null;
              for (KeyValue kv : r.getKvs()) {
                if (seqs.size() >= wanted) {
                  break;
                }
                last = string(kv.getKey());
                Optional<String> operation = Optional.of(string(kv.getValue()));
                if (query.operation().isEmpty() || query.operation().equals(operation)) {
                  seqs.add(Long.parseLong(last.substring(dir.length())));
                }
              }
              String resumeAfter = last;
              boolean more = r.isMore() || (last != null && !last.equals(lastKey(r)));
              return fetch(what, seqs)
                  .thenCompose(
                      events -> {
                        for (LifecycleEvent e : events) {
                          if (query.matches(e) && found.size() < query.limit()) {
                            found.add(e);
                          }
                        }
                        if (found.size() >= query.limit() || !more || resumeAfter == null) {
                          return CompletableFuture.completedFuture(null);
                        }
                        return readCluster(query, resumeAfter + "\0", found);
                      });
            });
  }

  /**
   * Reads the events numbered {@code seqs}, in that order; one transaction of gets per {@link
   * #PAGE_EVENTS} (at most {@code maxTxnOps}) numbers, all sent at once. Events gone since their
   * index key was read (purged) are left out.
   */
  private CompletableFuture<List<LifecycleEvent>> fetch(String what, List<Long> seqs) {
    int perTxn = Math.max(1, Math.min(PAGE_EVENTS, maxTxnOps));
    CompletableFuture<List<LifecycleEvent>> all = CompletableFuture.completedFuture(List.of());
    for (int from = 0; from < seqs.size(); from += perTxn) {
      Op[] gets =
          seqs.subList(from, Math.min(seqs.size(), from + perTxn)).stream()
              .map(seq -> Op.get(bytes(key(seq)), GetOption.DEFAULT))
              .toArray(Op[]::new);
      CompletableFuture<List<LifecycleEvent>> part =
          calls
              .call(what, () -> client.getKVClient().txn().Then(gets).commit())
              .thenApply(this::events);
      all = all.thenCombine(part, (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
    }
    return all;
  }

  /** The events a transaction of gets found, in the order of the gets. */
  private List<LifecycleEvent> events(TxnResponse r) {
    List<LifecycleEvent> out = new ArrayList<>();
    for (GetResponse get : r.getGetResponses()) {
      for (KeyValue kv : get.getKvs()) {
        out.add(decode(kv));
      }
    }
    return out;
  }

  /**
   * An event as stored under {@code events/<seq>}.
   *
   * @param at its exact time, ISO-8601
   * @param event the event, with its number; its time to the millisecond
   */
  private record Stored(String at, LifecycleEvent event) {}

  private LifecycleEvent decode(KeyValue kv) {
    return decode(string(kv.getKey()), kv.getValue().toString(StandardCharsets.UTF_8));
  }

  /** Reads a stored event: with its exact time, and texts stored as {@code ""} absent. */
  private LifecycleEvent decode(String key, String json) {
    try {
      Stored s = RecordCodec.read(json, Stored.class);
      LifecycleEvent e = Objects.requireNonNull(s.event(), "no event");
      return e.stamped(e.seq(), Instant.parse(Objects.requireNonNull(s.at(), "no time")));
    } catch (IllegalArgumentException | NullPointerException | DateTimeException e) {
      throw new LifecycleException(
          "the event "
              + key
              + " in etcd "
              + calls.where()
              + " cannot be read ("
              + e.getMessage()
              + "); it was written by a newer release or changed by hand: restore it from a"
              + " backup, or delete the key",
          e);
    }
  }

  private CompletableFuture<GetResponse> range(String what, String from, String to, int limit) {
    GetOption option = GetOption.builder().withRange(bytes(to)).withLimit(limit).build();
    return calls.call(what, () -> client.getKVClient().get(bytes(from), option));
  }

  private static String lastKey(GetResponse r) {
    return r.getKvs().isEmpty() ? null : string(r.getKvs().get(r.getKvs().size() - 1).getKey());
  }

  // ------------------------------------------------------------------------------------- purge

  /**
   * The deletes that drop a cluster's events, from its index keys read now: each run of consecutive
   * numbers of the cluster's as one range delete of {@code events/}, then the index keys up to the
   * last number read, last, so that a purge that fails midway can be made again. Events the cluster
   * gets after this read have greater numbers and are left, with their index keys.
   *
   * @param clusterId the cluster id
   * @return the deletes, in the order to make them; empty when the cluster has no events
   */
  CompletableFuture<List<Op>> purge(String clusterId) {
    String dir = clusterDir(clusterId);
    return indexKeys("read the events of cluster " + clusterId, dir, dir, new ArrayList<>())
        .thenApply(
            list -> {
              long[] seqs = list.stream().mapToLong(Long::longValue).toArray();
              List<Op> deletes = new ArrayList<>();
              int i = 0;
              while (i < seqs.length) {
                int j = i;
                while (j + 1 < seqs.length && seqs[j + 1] == seqs[j] + 1) {
                  j++;
                }
                deletes.add(deleteRange(root, seqs[i], seqs[j]));
                i = j + 1;
              }
              if (seqs.length > 0) {
                deletes.add(deleteRange(dir, seqs[0], seqs[seqs.length - 1]));
              }
              return deletes;
            });
  }

  /** Deletes the keys {@code dir + pad(first)} to {@code dir + pad(last)}. */
  private static Op deleteRange(String dir, long first, long last) {
    if (first == last) {
      return Op.delete(bytes(dir + pad(first)), DeleteOption.DEFAULT);
    }
    String end = last == Long.MAX_VALUE ? prefixEnd(dir) : dir + pad(last + 1);
    return Op.delete(bytes(dir + pad(first)), DeleteOption.builder().withRange(bytes(end)).build());
  }

  /** The numbers of the index keys under {@code dir} from {@code from} on, keys only, paged. */
  private CompletableFuture<List<Long>> indexKeys(
      String what, String dir, String from, List<Long> into) {
    GetOption option =
        GetOption.builder()
            .withRange(bytes(prefixEnd(dir)))
            .withLimit(PAGE_INDEX)
            .withKeysOnly(true)
            .build();
    return calls
        .call(what, () -> client.getKVClient().get(bytes(from), option))
        .thenCompose(
            r -> {
              for (KeyValue kv : r.getKvs()) {
                into.add(Long.parseLong(string(kv.getKey()).substring(dir.length())));
              }
              if (!r.isMore() || r.getKvs().isEmpty()) {
                return CompletableFuture.completedFuture(into);
              }
              return indexKeys(what, dir, lastKey(r) + "\0", into);
            });
  }
}

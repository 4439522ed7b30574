package io.clusterlifecycle.spi.etcd;

import static io.clusterlifecycle.spi.etcd.EtcdCalls.bytes;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.string;

import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.codec.RecordCodec;
import io.clusterlifecycle.spi.etcd.EtcdClusterStore.Guarded;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;

/**
 * The journal appends of an {@link EtcdClusterStore}: an operation's entries are JSON arrays of at
 * most 256 KiB under {@code PREFIX/journal/<operation-id>/<seq>}, {@code seq} counting from 1 in 16
 * digits, and {@code PREFIX/journal-seq/<operation-id>} holds the last {@code seq}. An append is a
 * compare-and-set on the etcd version of that counter, made again when another engine appended in
 * between; appends made through one store land in the order they were called.
 */
final class JournalAppends {
  private static final int MAX_BATCH_BYTES = 256 * 1024;

  /** The most bytes of records one transaction carries: well under etcd's default 1.5 MiB. */
  static final int MAX_TXN_BYTES = 1024 * 1024;

  private final String prefix;
  private final Client client;
  private final EtcdCalls calls;
  private final int maxTxnOps;

  private final Object appendLock = new Object();
  private CompletableFuture<Void> appendTail = CompletableFuture.completedFuture(null);

  /**
   * Creates the journal appends of a store.
   *
   * @param prefix the store's key prefix
   * @param client its client
   * @param calls its calls
   * @param maxTxnOps the most operations one of its transactions carries
   */
  JournalAppends(String prefix, Client client, EtcdCalls calls, int maxTxnOps) {
    this.prefix = prefix;
    this.client = client;
    this.calls = calls;
    this.maxTxnOps = maxTxnOps;
  }

  /** The directory of an operation's journal keys, ending with {@code /}. */
  String dir(String operationId) {
    return prefix + "/journal/" + operationId + "/";
  }

  /** The key of an operation's journal counter. */
  String seqKey(String operationId) {
    return prefix + "/journal-seq/" + operationId;
  }

  /**
   * Appends entries, in as few transactions as etcd's limits allow; see {@link
   * EtcdClusterStore#appendJournal}.
   *
   * @param entries the entries, none null
   * @return completes when every entry is durable
   */
  CompletableFuture<Void> append(List<JournalEntry> entries) {
    // one transaction per group of chunks small enough for etcd's limits; an operation's chunks
    // stay in order, in one group or in consecutive ones
    List<Map<String, List<String>>> groups = new ArrayList<>();
    Map<String, List<String>> group = new LinkedHashMap<>();
    int ops = 0;
    int size = 0;
    for (Map.Entry<String, List<String>> e : chunksByOperation(entries).entrySet()) {
      for (String chunk : e.getValue()) {
        int len = utf8Length(chunk);
        int count = group.containsKey(e.getKey()) ? 1 : 2;
        if (!group.isEmpty() && (ops + count > maxTxnOps || size + len > MAX_TXN_BYTES)) {
          groups.add(group);
          group = new LinkedHashMap<>();
          ops = 0;
          size = 0;
          count = 2;
        }
        group.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(chunk);
        ops += count;
        size += len;
      }
    }
    if (!group.isEmpty()) {
      groups.add(group);
    }
    return inAppendOrder(
        () -> {
          CompletableFuture<Void> chain = CompletableFuture.completedFuture(null);
          for (Map<String, List<String>> g : groups) {
            chain = chain.thenCompose(x -> appendGroup(g, 1));
          }
          return chain;
        });
  }

  /**
   * Runs {@code append} once every append made through this store before it has completed, so that
   * appends land in the order they were called.
   */
  <T> CompletableFuture<T> inAppendOrder(Supplier<CompletableFuture<T>> append) {
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

  /** Each operation's entries as {@link #chunks}, the operations in the order of their first. */
  static Map<String, List<String>> chunksByOperation(List<JournalEntry> entries) {
    Map<String, List<JournalEntry>> byOperation = new LinkedHashMap<>();
    for (JournalEntry e : entries) {
      byOperation.computeIfAbsent(e.operationId(), k -> new ArrayList<>()).add(e);
    }
    Map<String, List<String>> out = new LinkedHashMap<>();
    byOperation.forEach((op, es) -> out.put(op, chunks(es)));
    return out;
  }

  /** Splits an operation's entries into JSON arrays of at most {@link #MAX_BATCH_BYTES}. */
  private static List<String> chunks(List<JournalEntry> entries) {
    List<String> out = new ArrayList<>();
    List<JournalEntry> current = new ArrayList<>();
    int size = 0;
    for (JournalEntry e : entries) {
      int len = utf8Length(RecordCodec.write(e)) + 1;
      if (!current.isEmpty() && size + len > MAX_BATCH_BYTES) {
        out.add(RecordCodec.write(current));
        current = new ArrayList<>();
        size = 0;
      }
      current.add(e);
      size += len;
    }
    out.add(RecordCodec.write(current));
    return out;
  }

  private CompletableFuture<Void> appendGroup(Map<String, List<String>> group, int attempt) {
    String what = "append to the journal of " + group.keySet();
    Op[] reads = seqReads(group.keySet());
    return calls
        .call(what, () -> client.getKVClient().txn().Then(reads).commit())
        .thenCompose(seqs -> appendGroup(group, seqs.getGetResponses(), reads, attempt));
  }

  /** Writes the group after the batch counters {@code seqs} read; on a race, again after it. */
  private CompletableFuture<Void> appendGroup(
      Map<String, List<String>> group, List<GetResponse> seqs, Op[] reads, int attempt) {
    String what = "append to the journal of " + group.keySet();
    Guarded append = after(group, seqs);
    return calls
        .call(
            what,
            () ->
                client
                    .getKVClient()
                    .txn()
                    .If(append.ifs().toArray(Cmp[]::new))
                    .Then(append.writes().toArray(Op[]::new))
                    .Else(reads)
                    .commit())
        .thenCompose(
            r -> {
              if (r.isSucceeded()) {
                return CompletableFuture.completedFuture(null);
              }
              if (attempt >= EtcdCalls.MAX_CAS_ATTEMPTS) {
                return CompletableFuture.failedFuture(calls.contended(what, "appended", attempt));
              }
              // another engine appended in between: go again with the counters it left (the
              // transaction's else branch read them)
              return EtcdCalls.again(
                  attempt, () -> appendGroup(group, r.getGetResponses(), reads, attempt + 1));
            });
  }

  /** The reads of the batch counters of operations' journals, in the order given. */
  Op[] seqReads(Collection<String> operationIds) {
    return operationIds.stream()
        .map(op -> Op.get(bytes(seqKey(op)), GetOption.DEFAULT))
        .toArray(Op[]::new);
  }

  /**
   * Appends chunks to operations' journals after the batch counters {@code seqs} read (answers of
   * {@link #seqReads}, in the group's order): if no counter moved since, each chunk goes under the
   * next sequence number of its operation, and each counter is advanced to the last.
   */
  Guarded after(Map<String, List<String>> group, List<GetResponse> seqs) {
    List<Cmp> ifs = new ArrayList<>();
    List<Op> writes = new ArrayList<>();
    int i = 0;
    for (Map.Entry<String, List<String>> e : group.entrySet()) {
      List<KeyValue> kv = seqs.get(i++).getKvs();
      long version = kv.isEmpty() ? 0 : kv.get(0).getVersion();
      long seq = kv.isEmpty() ? 0 : Long.parseLong(string(kv.get(0).getValue()));
      ifs.add(new Cmp(bytes(seqKey(e.getKey())), Cmp.Op.EQUAL, CmpTarget.version(version)));
      for (String chunk : e.getValue()) {
        seq++;
        writes.add(
            Op.put(
                bytes(dir(e.getKey()) + String.format("%016d", seq)),
                bytes(chunk),
                PutOption.DEFAULT));
      }
      writes.add(Op.put(bytes(seqKey(e.getKey())), bytes(Long.toString(seq)), PutOption.DEFAULT));
    }
    return new Guarded(ifs, writes);
  }

  static int utf8Length(String s) {
    return s.getBytes(StandardCharsets.UTF_8).length;
  }
}

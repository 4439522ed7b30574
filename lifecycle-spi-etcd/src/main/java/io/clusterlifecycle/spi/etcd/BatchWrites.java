package io.clusterlifecycle.spi.etcd;

import static io.clusterlifecycle.spi.etcd.EtcdCalls.bytes;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.codec.RecordCodec;
import io.clusterlifecycle.spi.etcd.EtcdClusterStore.Guarded;
import io.clusterlifecycle.spi.etcd.EtcdClusterStore.RecordWrite;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@link EtcdClusterStore#write(StoreBatch)}: a batch as one etcd transaction, built from the
 * compares and writes of {@link EtcdClusterStore#put}, {@link EtcdClusterStore#putOperation} and
 * {@link JournalAppends}, so that the keys it leaves are the keys those leave.
 */
final class BatchWrites {
  /**
   * The most writes a record takes: itself, its owner key, its busy key, its new name key, its
   * former one.
   */
  private static final int RECORD_OPS = 5;

  private final EtcdClusterStore store;
  private final JournalAppends journals;
  private final Client client;
  private final EtcdCalls calls;
  private final int maxTxnOps;

  /**
   * Creates the batch writes of a store.
   *
   * @param store the store whose keys and transactions a batch is made of
   * @param journals its journal appends
   * @param client its client
   * @param calls its calls
   * @param maxTxnOps the most operations one of its transactions carries
   */
  BatchWrites(
      EtcdClusterStore store,
      JournalAppends journals,
      Client client,
      EtcdCalls calls,
      int maxTxnOps) {
    this.store = store;
    this.journals = journals;
    this.client = client;
    this.calls = calls;
    this.maxTxnOps = maxTxnOps;
  }

  /**
   * A batch ready to write.
   *
   * @param cluster the record, or null
   * @param operations each operation record's JSON, by record, the last of each id
   * @param journal each operation's journal entries, as {@link JournalAppends#chunksByOperation}
   * @param what the batch, for messages
   */
  private record Prepared(
      Cluster cluster,
      Map<Operation, String> operations,
      Map<String, List<String>> journal,
      String what) {}

  /** See {@link EtcdClusterStore#write(StoreBatch)}. */
  CompletableFuture<Optional<Cluster>> write(StoreBatch batch) {
    if (batch == null) {
      return CompletableFuture.failedFuture(new NullPointerException("batch"));
    }
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(Optional.empty());
    }
    Prepared p;
    try {
      p = prepare(batch);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    // the journal entries go after those of earlier appends through this store
    return p.journal().isEmpty() ? run(p, true) : journals.inAppendOrder(() -> run(p, true));
  }

  /** Encodes the batch; fails with {@link IllegalArgumentException} if it outgrows one txn. */
  private Prepared prepare(StoreBatch batch) {
    Cluster cluster = batch.cluster().orElse(null);
    Map<String, Operation> byId = new LinkedHashMap<>();
    batch.operations().forEach(o -> byId.put(o.id(), o));
    Map<Operation, String> operations = new LinkedHashMap<>();
    byId.values().forEach(o -> operations.put(o, RecordCodec.write(o)));
    Map<String, List<String>> journal = JournalAppends.chunksByOperation(batch.journal());

    int compares = (cluster == null ? 0 : 2) + journal.size();
    int reads = (cluster == null ? 0 : 1) + journal.size();
    int writes = (cluster == null ? 0 : RECORD_OPS) + 2 * operations.size() + journal.size();
    long size = cluster == null ? 0 : JournalAppends.utf8Length(RecordCodec.write(cluster));
    for (String json : operations.values()) {
      size += JournalAppends.utf8Length(json);
    }
    for (List<String> chunks : journal.values()) {
      writes += chunks.size();
      for (String chunk : chunks) {
        size += JournalAppends.utf8Length(chunk);
      }
    }
    String what =
        "write a batch"
            + (cluster == null ? "" : " of cluster " + cluster.id())
            + (operations.isEmpty() ? "" : " with operations " + byId.keySet())
            + (journal.isEmpty() ? "" : " appending to the journals of " + journal.keySet());
    int ops = Math.max(writes, Math.max(compares, reads));
    if (ops > maxTxnOps) {
      throw new IllegalArgumentException(
          "cannot "
              + what
              + ": the batch is too large for one etcd transaction, it needs "
              + ops
              + " operations and the store's limit is maxTxnOps="
              + maxTxnOps
              + " (etcd's --max-txn-ops); write fewer operations and journal entries per batch");
    }
    if (size > JournalAppends.MAX_TXN_BYTES) {
      throw new IllegalArgumentException(
          "cannot "
              + what
              + ": the batch is too large for one etcd transaction, it holds "
              + size
              + " bytes of records and journal entries and the limit is "
              + JournalAppends.MAX_TXN_BYTES
              + " bytes; write fewer journal entries per batch");
    }
    return new Prepared(cluster, operations, journal, what);
  }

  /**
   * Reads the journal counters, then commits the batch; once more, with a new etcd lease, if the
   * record's lease expired under us (as {@link EtcdClusterStore#put} does).
   */
  private CompletableFuture<Optional<Cluster>> run(Prepared p, boolean mayRegrant) {
    RecordWrite w = p.cluster() == null ? null : store.recordWrite(p.cluster());
    CompletableFuture<Op> owner = w == null ? CompletableFuture.completedFuture(null) : w.owner();
    Op[] seqReads = journals.seqReads(p.journal().keySet());
    return owner
        .thenCompose(
            o ->
                readSeqs(p, seqReads).thenCompose(seqs -> commit(p, w, o, null, seqs, seqReads, 1)))
        .exceptionallyCompose(
            e ->
                mayRegrant && store.leaseLapsed(e, w)
                    ? run(p, false)
                    : CompletableFuture.failedFuture(EtcdCalls.unwrap(e)));
  }

  private CompletableFuture<List<GetResponse>> readSeqs(Prepared p, Op[] seqReads) {
    if (seqReads.length == 0) {
      return CompletableFuture.completedFuture(List.of());
    }
    return calls
        .call(p.what(), () -> client.getKVClient().txn().Then(seqReads).commit())
        .thenApply(TxnResponse::getGetResponses);
  }

  /**
   * Commits the batch as one transaction: the record's compare-and-set ({@code read}: the record
   * stored at the expected version, once known), the operations, and the journal entries after the
   * counters {@code seqs}. Its else branch reads the record and the counters, to tell a conflict
   * from a lost race on a counter or a name key, after which it goes again with what it read.
   */
  private CompletableFuture<Optional<Cluster>> commit(
      Prepared p,
      RecordWrite w,
      Op owner,
      KeyValue read,
      List<GetResponse> seqs,
      Op[] seqReads,
      int attempt) {
    List<Cmp> ifs = new ArrayList<>();
    List<Op> writes = new ArrayList<>();
    List<Op> elses = new ArrayList<>();
    if (w != null) {
      Guarded cas = store.recordCas(w, owner, read);
      ifs.addAll(cas.ifs());
      writes.addAll(cas.writes());
      elses.add(Op.get(bytes(store.clusterKey(w.cluster().id())), GetOption.DEFAULT));
    }
    p.operations().forEach((o, json) -> writes.addAll(store.operationWrites(o, json)));
    if (!p.journal().isEmpty()) {
      Guarded append = journals.after(p.journal(), seqs);
      ifs.addAll(append.ifs());
      writes.addAll(append.writes());
      elses.addAll(Arrays.asList(seqReads));
    }
    return calls
        .call(
            p.what(),
            () ->
                client
                    .getKVClient()
                    .txn()
                    .If(ifs.toArray(Cmp[]::new))
                    .Then(writes.toArray(Op[]::new))
                    .Else(elses.toArray(Op[]::new))
                    .commit())
        .thenCompose(
            r -> {
              if (r.isSucceeded()) {
                return CompletableFuture.completedFuture(
                    Optional.ofNullable(w == null ? null : w.stored()));
              }
              List<GetResponse> got = r.getGetResponses();
              KeyValue stored = null;
              if (w != null) {
                List<KeyValue> now = got.get(0).getKvs();
                long version = now.isEmpty() ? 0 : now.get(0).getVersion();
                if (version != w.cluster().version()) {
                  return CompletableFuture.failedFuture(
                      new VersionConflictException(
                          w.cluster().id(), w.cluster().version(), version));
                }
                stored = now.isEmpty() ? null : now.get(0);
              }
              if (attempt >= EtcdCalls.MAX_CAS_ATTEMPTS) {
                return CompletableFuture.failedFuture(
                    calls.contended(
                        p.what(), "appended to its journals or renamed its cluster", attempt));
              }
              KeyValue at = stored;
              List<GetResponse> counters = got.subList(w == null ? 0 : 1, got.size());
              return EtcdCalls.again(
                  attempt, () -> commit(p, w, owner, at, counters, seqReads, attempt + 1));
            });
  }
}

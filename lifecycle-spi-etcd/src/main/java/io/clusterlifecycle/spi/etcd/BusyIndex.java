package io.clusterlifecycle.spi.etcd;

import static io.clusterlifecycle.spi.etcd.EtcdCalls.bytes;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.string;

import io.clusterlifecycle.api.model.Cluster;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The cluster store's index of the records that name an operation ({@link
 * EtcdClusterStore#busy()}): {@code PREFIX/busy/<cluster-id>}, empty, for each such record, and the
 * marker {@code PREFIX/busy-indexed} that says the records of older releases got theirs. The
 * transaction that writes a record puts or deletes its key ({@link #write}); the one that deletes a
 * record deletes it ({@link #delete}).
 */
final class BusyIndex {
  private final EtcdClusterStore store;
  private final String root;
  private final String marker;

  /** Completes once the records of older releases have their keys; reset when it failed. */
  private final AtomicReference<CompletableFuture<Void>> indexed = new AtomicReference<>();

  /**
   * Creates the index of a store.
   *
   * @param prefix the store's key prefix
   * @param store the store whose records it reads
   */
  BusyIndex(String prefix, EtcdClusterStore store) {
    this.store = store;
    this.root = prefix + "/busy/";
    this.marker = prefix + "/busy-indexed";
  }

  /** The index key of one record. */
  String key(String clusterId) {
    return root + clusterId;
  }

  /**
   * The write of a record's index key in the transaction that stores {@code cluster}: a put when it
   * names an operation, else a delete.
   */
  Op write(Cluster cluster) {
    return cluster.operation().isPresent() ? put(cluster.id()) : delete(cluster.id());
  }

  private Op put(String clusterId) {
    return Op.put(bytes(key(clusterId)), ByteSequence.EMPTY, PutOption.DEFAULT);
  }

  /** Deletes a record's index key. */
  Op delete(String clusterId) {
    return Op.delete(bytes(key(clusterId)), DeleteOption.DEFAULT);
  }

  /**
   * Reads the index keys, then those records; drops a record deleted, or no longer naming an
   * operation, since its key was written. Indexes the records of older releases first, once.
   *
   * @return the records that name an operation, by creation time, ties by id
   */
  CompletableFuture<List<Cluster>> busy() {
    String what = "list the clusters running an operation";
    return store
        .indexed(indexed, "index the clusters running an operation", marker, this::putIfUnchanged)
        .thenCompose(x -> store.readKeys(what, root))
        .thenCompose(
            keys ->
                store.readRecords(
                    what,
                    keys.stream().map(kv -> string(kv.getKey()).substring(root.length())).toList()))
        .thenApply(
            found ->
                found.stream()
                    .filter(c -> c.operation().isPresent())
                    .sorted(Comparator.comparing(Cluster::createdAt).thenComparing(Cluster::id))
                    .toList());
  }

  /**
   * For a record read by the backfill that names an operation: a nested transaction that writes its
   * key only if the record is still the one read (one changed since was indexed by its writer).
   */
  private Optional<Op> putIfUnchanged(String clusterId, KeyValue record) {
    return store
        .stored(record)
        .filter(c -> c.operation().isPresent())
        .map(
            c ->
                Op.txn(
                    new Cmp[] {
                      new Cmp(
                          record.getKey(),
                          Cmp.Op.EQUAL,
                          CmpTarget.modRevision(record.getModRevision()))
                    },
                    new Op[] {put(clusterId)},
                    new Op[0]));
  }
}

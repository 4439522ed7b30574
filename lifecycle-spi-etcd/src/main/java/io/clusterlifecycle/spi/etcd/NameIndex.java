package io.clusterlifecycle.spi.etcd;

import static io.clusterlifecycle.spi.etcd.EtcdCalls.bytes;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.string;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.PutOption;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The keys of the cluster store's name index: {@code PREFIX/names/<name>/<cluster-id>}, empty, one
 * per record, and the marker {@code PREFIX/names-indexed} that says the records of older releases
 * got theirs. Names are URL-encoded, so a name holding {@code /} stays one path segment, and a
 * name's directory ends with {@code /}, so that the keys of {@code we} are not those of {@code
 * web}. Immutable.
 */
final class NameIndex {
  private final String root;
  private final String marker;

  /**
   * Creates the index keys under a store's prefix.
   *
   * @param prefix the store's key prefix
   */
  NameIndex(String prefix) {
    this.root = prefix + "/names/";
    this.marker = prefix + "/names-indexed";
  }

  /** The key whose presence says every record has its index key. */
  String marker() {
    return marker;
  }

  /** The directory of a name's index keys, ending with {@code /}. */
  String dir(String name) {
    return root + URLEncoder.encode(name, StandardCharsets.UTF_8) + "/";
  }

  /** The index key of one record. */
  String key(String name, String clusterId) {
    return dir(name) + clusterId;
  }

  /** The cluster ids of the index keys read from {@link #dir(String) dir(name)}. */
  List<String> ids(String name, List<KeyValue> keys) {
    int from = dir(name).length();
    return keys.stream().map(kv -> string(kv.getKey()).substring(from)).toList();
  }

  /** Writes a record's index key. */
  Op put(String name, String clusterId) {
    return Op.put(bytes(key(name, clusterId)), ByteSequence.EMPTY, PutOption.DEFAULT);
  }

  /** Deletes a record's index key. */
  Op delete(String name, String clusterId) {
    return Op.delete(bytes(key(name, clusterId)), DeleteOption.DEFAULT);
  }

  /** Holds when a record's index key exists. */
  Cmp exists(String name, String clusterId) {
    return new Cmp(bytes(key(name, clusterId)), Cmp.Op.GREATER, CmpTarget.version(0));
  }

  /**
   * A nested transaction that writes a record's index key only if the record is still the one read
   * ({@code record}): a record changed since was indexed by its writer, a deleted one needs no key.
   */
  Op putIfUnchanged(KeyValue record, String name, String clusterId) {
    return Op.txn(
        new Cmp[] {
          new Cmp(record.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(record.getModRevision()))
        },
        new Op[] {put(name, clusterId)},
        new Op[0]);
  }
}

package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.codec.RecordCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The label {@value #KEY} of a cluster record's ConfigMap, by which {@link K8sClusterStore#busy}
 * lists only the records that name an operation: {@code true} on those, {@code false} on the
 * others, absent on those an older release wrote. {@link #backfill} labels the latter, so that
 * after an upgrade only records an older engine still writes lack the label.
 */
final class BusyIndex {
  static final String KEY = "lifecycle.clusterlifecycle.io/busy";

  private final ConfigMapDocs docs;
  private final Map<String, String> records;
  private final AtomicBoolean backfilled = new AtomicBoolean();

  /**
   * Indexes the records of one store.
   *
   * @param docs the store's documents
   * @param records the labels every cluster record of the store carries
   */
  BusyIndex(ConfigMapDocs docs, Map<String, String> records) {
    this.docs = docs;
    this.records = Map.copyOf(records);
  }

  /** {@code labels} and this label for {@code cluster}, in a new map. */
  static Map<String, String> labels(Map<String, String> labels, Cluster cluster) {
    Map<String, String> out = new LinkedHashMap<>(labels);
    out.put(KEY, value(cluster));
    return out;
  }

  /** The selector of the store's records that name an operation. */
  Map<String, String> selector() {
    Map<String, String> selector = new LinkedHashMap<>(records);
    selector.put(KEY, "true");
    return selector;
  }

  /**
   * Labels the store's cluster records an older release wrote without this label, once per object
   * (again after a failure). A record written since the list is read again and labelled unless it
   * has the label by then; one deleted since is skipped.
   */
  void backfill() {
    if (backfilled.get()) {
      return;
    }
    for (ConfigMap cm : docs.listWithout(records, KEY)) {
      docs.labelIfAbsent(cm, KEY, json -> value(RecordCodec.read(json, Cluster.class)));
    }
    backfilled.set(true);
  }

  private static String value(Cluster cluster) {
    return Boolean.toString(cluster.operation().isPresent());
  }
}

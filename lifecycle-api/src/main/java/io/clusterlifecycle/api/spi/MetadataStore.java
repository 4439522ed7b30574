package io.clusterlifecycle.api.spi;

import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * Holds the metadata tree the nodes read (docs/design.md §4): etcd, a ConfigMap, local files.
 *
 * <p>Contract: {@link #commit} applies the whole change atomically — a reader or watcher sees all
 * of it or none of it, and a watcher is notified once per commit, not once per key. Keys are
 * absolute {@code /}-separated paths; values are plain strings.
 */
public interface MetadataStore extends AutoCloseable {

  /**
   * Applies one change atomically.
   *
   * @param change the keys to set and the prefixes to delete
   * @return completes once the change is durable and visible
   */
  CompletionStage<Void> commit(MetadataChange change);

  /**
   * Reads every key under a prefix.
   *
   * @param prefix an absolute path; {@code /} for everything
   * @return the keys and values, sorted by key
   */
  CompletionStage<Map<String, String>> get(String prefix);

  /**
   * Watches a prefix: {@code listener} receives, once per commit that touches it, the part of the
   * commit under the prefix. Listeners must be fast and must not throw.
   *
   * @param prefix an absolute path
   * @param listener called once per commit touching the prefix
   * @return closing it stops the watch
   */
  AutoCloseable watch(String prefix, Consumer<MetadataChange> listener);

  /** Releases clients the store holds; the default does nothing. */
  @Override
  default void close() {}
}

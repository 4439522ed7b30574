package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The metadata tree in a shared store (etcd, Kubernetes), where node agents read it, mirrored into
 * the tree the infrastructure's nodes read their {@code LC_METADATA} from (the home's, for local
 * nodes), as confd would render it on a real node. The shared store is written first and answers
 * reads and watches.
 */
record MirroredTree(MetadataStore primary, MetadataStore nodes) implements MetadataStore {
  @Override
  public CompletionStage<Void> commit(MetadataChange change) {
    return primary.commit(change).thenCompose(x -> nodes.commit(change));
  }

  @Override
  public CompletionStage<Map<String, String>> get(String prefix) {
    return primary.get(prefix);
  }

  @Override
  public AutoCloseable watch(String prefix, Consumer<MetadataChange> listener) {
    return primary.watch(prefix, listener);
  }
}

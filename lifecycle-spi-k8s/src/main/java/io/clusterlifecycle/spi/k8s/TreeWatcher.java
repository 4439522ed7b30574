package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the events of metadata ConfigMaps into one notification per commit for a watcher of a
 * prefix: each event carries the commit ({@code change.json}); versions already seen (the ones
 * listed before the watch started, which the CRUD mock replays as ADDED) are skipped.
 */
final class TreeWatcher implements Watcher<ConfigMap> {
  private static final Logger LOG = LoggerFactory.getLogger(TreeWatcher.class);

  private final String prefix;
  private final Consumer<MetadataChange> listener;
  private final Map<String, String> seen;

  TreeWatcher(String prefix, Consumer<MetadataChange> listener, Map<String, String> seen) {
    this.prefix = prefix;
    this.listener = listener;
    this.seen = seen;
  }

  @Override
  public void eventReceived(Action action, ConfigMap cm) {
    if (action != Action.ADDED && action != Action.MODIFIED) {
      return;
    }
    String name = cm.getMetadata().getName();
    String version = cm.getMetadata().getResourceVersion();
    if (version != null && version.equals(seen.put(name, version))) {
      return;
    }
    String change = cm.getData() == null ? null : cm.getData().get(K8sMetadataStore.CHANGE);
    String treeRoot =
        cm.getMetadata().getAnnotations() == null
            ? null
            : cm.getMetadata().getAnnotations().get(K8sMetadataStore.TREE_ANNOTATION);
    if (change == null || treeRoot == null) {
      return;
    }
    MetadataChange n =
        Json.read(change, TreeChange.class, "ConfigMap " + name)
            .under(prefix, treeRoot, K8sMetadataStore.tree(cm));
    if (n != null) {
      try {
        listener.accept(n);
      } catch (RuntimeException e) {
        LOG.warn("a metadata watcher of {} threw; ignored", prefix, e);
      }
    }
  }

  @Override
  public void onClose(WatcherException cause) {
    if (cause != null) {
      LOG.warn("the watch of metadata under {} ended: {}", prefix, cause.getMessage());
    }
  }
}

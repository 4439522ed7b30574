package io.clusterlifecycle.bench;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;

/**
 * Fills a cluster store with many small clusters quickly: one cluster is created through the engine
 * ({@link BenchSpecs#small}), and its record is copied under new ids, names and node ids straight
 * into the store, idle and RUNNING, exactly as the engine left the original. Creating thousands of
 * clusters one by one through the engine would cost far more than the measurements that need them:
 * each create lists every cluster in the store to check its name.
 */
public final class Estate {
  private Estate() {}

  /**
   * Creates the template through the engine and stores {@code count} copies of it.
   *
   * @param bench the engine and its store
   * @param count copies
   * @param prefix names are the prefix and a number
   * @return the ids of the copies, in order
   */
  public static List<String> seed(BenchEngine bench, int count, String prefix) {
    Cluster template = bench.engine().create(BenchSpecs.small(prefix + "-template"));
    List<CompletableFuture<Cluster>> puts = new ArrayList<>(count);
    List<String> ids = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      Cluster copy = copyOf(template, String.format(Locale.ROOT, "%s%05d", prefix, i));
      ids.add(copy.id());
      puts.add(bench.store().put(copy).toCompletableFuture());
    }
    puts.forEach(CompletableFuture::join);
    return ids;
  }

  /**
   * The template's record under another name, never written (version 0).
   *
   * @param template an idle cluster's record
   * @param name the new name
   * @return the copy
   */
  static Cluster copyOf(Cluster template, String name) {
    String id = name + "-" + Integer.toHexString(name.hashCode());
    Cluster.Builder b =
        Cluster.builder(id, name, template.spec(), template.createdAt())
            .namespace(template.namespace())
            .labels(template.labels())
            .env(template.env())
            .state(template.state());
    for (Node n : template.nodes()) {
      String nodeId = name + n.id().substring(template.name().length());
      b.putNode(n.toBuilder().id(nodeId).instanceId("i-" + nodeId).build());
    }
    return b.build();
  }
}

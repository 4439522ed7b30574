package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spec.ConfigValues;
import io.clusterlifecycle.api.state.ClusterState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BiConsumer;

/**
 * Dependencies between clusters (docs/design.md §15): how a dependency's target is found, what a
 * dependent sees of it under {@code /links/<name>}, and who depends on a cluster.
 */
public final class Links {
  private Links() {}

  /**
   * Finds a dependency's target among the records.
   *
   * @param ref {@code namespace/cluster}, or {@code cluster} in {@code namespace}
   * @param namespace the dependent's namespace
   * @param all every cluster record
   * @return the target, unless it is missing or deleted
   */
  public static Optional<Cluster> target(String ref, String namespace, List<Cluster> all) {
    int slash = ref.indexOf('/');
    String ns = slash < 0 ? namespace : ref.substring(0, slash);
    String name = slash < 0 ? ref : ref.substring(slash + 1);
    return all.stream()
        .filter(c -> c.state() != ClusterState.DONE)
        .filter(c -> c.namespace().equals(ns) && (c.name().equals(name) || c.id().equals(name)))
        .findFirst();
  }

  /**
   * Lists the clusters that depend on {@code target}.
   *
   * @param target the depended-on cluster
   * @param all every cluster record
   * @return the dependents that are not deleted
   */
  public static List<Cluster> dependents(Cluster target, List<Cluster> all) {
    List<Cluster> out = new ArrayList<>();
    for (Cluster c : all) {
      if (c.state() != ClusterState.DONE
          && !c.id().equals(target.id())
          && c.dependencies().values().stream()
              .anyMatch(
                  ref ->
                      target(ref, c.namespace(), List.of(target))
                          .filter(t -> t.id().equals(target.id()))
                          .isPresent())) {
        out.add(c);
      }
    }
    return out;
  }

  /**
   * Follows dependencies from {@code start} and tells whether they lead back to {@code cluster}.
   *
   * @param cluster the cluster whose dependencies are being set
   * @param dependencies its dependencies as they would be
   * @param all every cluster record
   * @return the chain of names that closes the cycle, or empty when there is none
   */
  public static Optional<List<String>> cycle(
      Cluster cluster, Map<String, String> dependencies, List<Cluster> all) {
    for (String ref : dependencies.values()) {
      Optional<List<String>> found =
          walk(cluster, target(ref, cluster.namespace(), all), all, new ArrayList<>());
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  private static Optional<List<String>> walk(
      Cluster origin, Optional<Cluster> at, List<Cluster> all, List<String> path) {
    if (at.isEmpty() || path.size() > all.size()) {
      return Optional.empty();
    }
    Cluster c = at.get();
    List<String> here = new ArrayList<>(path);
    here.add(c.namespace() + "/" + c.name());
    if (c.id().equals(origin.id())) {
      return Optional.of(here);
    }
    for (String ref : c.dependencies().values()) {
      Optional<List<String>> found = walk(origin, target(ref, c.namespace(), all), all, here);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /**
   * The keys a dependent sees of its targets: {@code /links/<name>/cluster/…}, {@code
   * /links/<name>/hosts/<role>/<node>/…} and {@code /links/<name>/env/…} (env and config).
   *
   * @param base the dependent's root
   * @param cluster the dependent
   * @param all every cluster record
   * @return the keys, in order; a missing target publishes nothing
   */
  static Map<String, String> keys(String base, Cluster cluster, List<Cluster> all) {
    Map<String, String> puts = new LinkedHashMap<>();
    cluster
        .dependencies()
        .forEach(
            (name, ref) ->
                target(ref, cluster.namespace(), all)
                    .ifPresent(
                        t -> {
                          String p = base + "/links/" + name;
                          puts.putAll(MetadataTree.clusterKeys(t, p));
                          MetadataTree.hosts(puts::put, p + "/hosts", t.nodes());
                          envKeys(puts::put, p + "/env/", t);
                        }));
    return puts;
  }

  /** Puts a cluster's env and flattened config under {@code prefix}. */
  static void envKeys(BiConsumer<String, String> put, String prefix, Cluster c) {
    c.env().forEach((k, v) -> put.accept(prefix + k, v));
    ConfigValues.flatten(c.config()).forEach((k, v) -> put.accept(prefix + k, v));
  }
}

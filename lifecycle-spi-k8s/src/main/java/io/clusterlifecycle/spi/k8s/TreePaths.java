package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.MetadataChange;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which metadata tree a path lies in, and the ConfigMap that holds a tree: everything under {@code
 * <root>/<cluster-id>} is one tree, {@code lc-metadata.<cluster-id>} (docs/design.md §4).
 */
final class TreePaths {
  private static final Pattern TREE_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?");

  private final String root;

  TreePaths(String root) {
    this.root = root;
  }

  /** The one tree a change touches. */
  String treeOf(MetadataChange change) {
    String tree = null;
    for (String path : concat(change)) {
      String t =
          treeOfPath(path)
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          path
                              + " is not inside one cluster's tree "
                              + root
                              + "/<cluster-id>: the Kubernetes metadata store keeps one"
                              + " ConfigMap per tree and commits one tree at a time"));
      if (tree != null && !tree.equals(t)) {
        throw new IllegalArgumentException(
            "a commit must stay inside one tree; this one touches "
                + root
                + "/"
                + tree
                + " and "
                + root
                + "/"
                + t);
      }
      tree = t;
    }
    return tree;
  }

  private static Iterable<String> concat(MetadataChange change) {
    java.util.List<String> all = new java.util.ArrayList<>(change.deletePrefixes());
    all.addAll(change.puts().keySet());
    return all;
  }

  /** The tree a path lies in: the segment after the root; empty for the root or outside it. */
  Optional<String> treeOfPath(String path) {
    String base = root.equals("/") ? "/" : root + "/";
    if (!path.startsWith(base) || path.length() == base.length()) {
      return Optional.empty();
    }
    String rest = path.substring(base.length());
    int slash = rest.indexOf('/');
    return Optional.of(slash < 0 ? rest : rest.substring(0, slash)).filter(s -> !s.isEmpty());
  }

  String name(String tree) {
    String scope =
        root.equals(K8sMetadataStore.Builder.DEFAULT_ROOT)
            ? ""
            : Names.hash(root).substring(0, 8) + ".";
    String id =
        TREE_NAME.matcher(tree).matches() && tree.length() <= 200
            ? tree
            : "h-" + Names.hash(tree).substring(0, 16);
    return "lc-metadata." + scope + id;
  }
}

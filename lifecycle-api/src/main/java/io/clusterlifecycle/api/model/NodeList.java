package io.clusterlifecycle.api.model;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.RandomAccess;

/**
 * The nodes of a {@link Cluster}: an unmodifiable list that also finds a node by id in constant
 * time, so that looking nodes up stays cheap in clusters of thousands. Equal to any list with the
 * same nodes in the same order.
 */
final class NodeList extends AbstractList<Node> implements RandomAccess {
  private final List<Node> nodes;
  private volatile Map<String, Node> byId;

  private NodeList(List<Node> nodes) {
    this.nodes = nodes;
  }

  static NodeList copyOf(List<Node> nodes) {
    return nodes instanceof NodeList l ? l : new NodeList(List.copyOf(nodes));
  }

  Node byId(String id) {
    Map<String, Node> index = byId;
    if (index == null) {
      index = new HashMap<>(nodes.size() * 2);
      for (Node n : nodes) {
        index.putIfAbsent(n.id(), n);
      }
      byId = index;
    }
    return index.get(id);
  }

  @Override
  public Node get(int index) {
    return nodes.get(index);
  }

  @Override
  public int size() {
    return nodes.size();
  }
}

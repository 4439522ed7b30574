package io.clusterlifecycle.api.model;

import java.util.AbstractList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.RandomAccess;

/**
 * The nodes of a {@link Cluster}: an unmodifiable list that also finds a node by id in constant
 * time, and that a new version of the record derives from cheaply when nodes only change in place,
 * so that records of clusters with thousands of nodes stay cheap to update. Equal to any list with
 * the same nodes in the same order.
 */
final class NodeList extends AbstractList<Node> implements RandomAccess {
  private final Node[] nodes;

  /** Node id to position; shared by the versions whose nodes sit at the same positions. */
  private volatile Map<String, Integer> positions;

  private NodeList(Node[] nodes, Map<String, Integer> positions) {
    this.nodes = nodes;
    this.positions = positions;
  }

  static NodeList copyOf(List<Node> nodes) {
    if (nodes instanceof NodeList l) {
      return l;
    }
    Node[] copy = nodes.toArray(new Node[0]);
    for (Node n : copy) {
      Objects.requireNonNull(n, "node");
    }
    return new NodeList(copy, null);
  }

  private Map<String, Integer> positions() {
    Map<String, Integer> index = positions;
    if (index == null) {
      index = new HashMap<>(nodes.length * 2);
      for (int i = 0; i < nodes.length; i++) {
        index.putIfAbsent(nodes[i].id(), i);
      }
      positions = index;
    }
    return index;
  }

  Node byId(String id) {
    Integer i = positions().get(id);
    return i == null ? null : nodes[i];
  }

  /**
   * The list with some nodes replaced in place, or null when one of them is not here with the same
   * role and index (its position would change).
   */
  NodeList withReplaced(Map<String, Node> replacements) {
    Map<String, Integer> index = positions();
    Node[] copy = nodes.clone();
    for (Node n : replacements.values()) {
      Integer i = index.get(n.id());
      if (i == null || !nodes[i].role().equals(n.role()) || nodes[i].index() != n.index()) {
        return null;
      }
      copy[i] = n;
    }
    return new NodeList(copy, index);
  }

  @Override
  public Node get(int index) {
    return nodes[index];
  }

  @Override
  public int size() {
    return nodes.length;
  }
}

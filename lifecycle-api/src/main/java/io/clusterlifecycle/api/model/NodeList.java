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
 *
 * <p>The nodes sit in chunks of {@value #CHUNK}. A version that replaces some nodes copies the
 * chunks that hold them and shares the others with the version it derives from: a record of 10,000
 * nodes that changes seven of them copies seven chunks and the chunk table, not 10,000 references.
 */
final class NodeList extends AbstractList<Node> implements RandomAccess {
  static final int CHUNK = 64;
  private static final int SHIFT = Integer.numberOfTrailingZeros(CHUNK);

  /** Chunks of {@link #CHUNK} nodes, the last one possibly shorter; never modified once shared. */
  private final Node[][] chunks;

  private final int size;

  /** Node id to position; shared by the versions whose nodes sit at the same positions. */
  private volatile Map<String, Integer> positions;

  private NodeList(Node[][] chunks, int size, Map<String, Integer> positions) {
    this.chunks = chunks;
    this.size = size;
    this.positions = positions;
  }

  static NodeList copyOf(List<Node> nodes) {
    if (nodes instanceof NodeList l) {
      return l;
    }
    Node[] copy = nodes.toArray(new Node[0]);
    Node[][] chunks = new Node[(copy.length + CHUNK - 1) >>> SHIFT][];
    for (int c = 0; c < chunks.length; c++) {
      int from = c << SHIFT;
      chunks[c] = new Node[Math.min(CHUNK, copy.length - from)];
      for (int i = 0; i < chunks[c].length; i++) {
        chunks[c][i] = Objects.requireNonNull(copy[from + i], "node");
      }
    }
    return new NodeList(chunks, copy.length, null);
  }

  private Map<String, Integer> positions() {
    Map<String, Integer> index = positions;
    if (index == null) {
      index = new HashMap<>(size * 2);
      for (int i = 0; i < size; i++) {
        index.putIfAbsent(get(i).id(), i);
      }
      positions = index;
    }
    return index;
  }

  Node byId(String id) {
    Integer i = positions().get(id);
    return i == null ? null : get(i);
  }

  /**
   * The list with some nodes replaced in place, or null when one of them is not here with the same
   * role and index (its position would change).
   */
  NodeList withReplaced(Map<String, Node> replacements) {
    Map<String, Integer> index = positions();
    Node[][] table = chunks.clone();
    // a chunk is copied the first time one of its nodes is replaced; the rest stay shared
    boolean[] copied = new boolean[table.length];
    for (Node n : replacements.values()) {
      Integer i = index.get(n.id());
      if (i == null) {
        return null;
      }
      Node old = get(i);
      if (!old.role().equals(n.role()) || old.index() != n.index()) {
        return null;
      }
      int c = i >>> SHIFT;
      if (!copied[c]) {
        table[c] = table[c].clone();
        copied[c] = true;
      }
      table[c][i & (CHUNK - 1)] = n;
    }
    return new NodeList(table, size, index);
  }

  @Override
  public Node get(int index) {
    Objects.checkIndex(index, size);
    return chunks[index >>> SHIFT][index & (CHUNK - 1)];
  }

  @Override
  public int size() {
    return size;
  }
}

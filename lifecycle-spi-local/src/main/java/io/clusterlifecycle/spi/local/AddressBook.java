package io.clusterlifecycle.spi.local;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The loopback addresses handed out in one home, persisted in {@code HOME/addresses.json}. Callers
 * hold the home's node lock, which makes allocation unique across processes.
 *
 * <p>Addresses are {@code 127.0.x.y} with {@code y} in 1..254, skipping {@code 127.0.0.1}. A cursor
 * moves forward so that an address freed by a deleted node is handed out again only after all
 * others have been.
 */
final class AddressBook {
  private static final int SPACE = 256 * 256;
  private static final int FIRST = 2;

  /** How many addresses there are to hand out: every usable one of the space. */
  static final int CAPACITY =
      (int) java.util.stream.IntStream.range(0, SPACE).filter(AddressBook::usable).count();

  private final Path file;

  AddressBook(Path file) {
    this.file = file;
  }

  static String address(int index) {
    return "127.0." + (index >> 8) + "." + (index & 0xff);
  }

  static boolean usable(int index) {
    int y = index & 0xff;
    return y != 0 && y != 255 && index != 1;
  }

  /**
   * Returns the nodes' addresses, allocating those they have not got, with one write of the file.
   * Call under the node lock.
   *
   * @param nodeIds the nodes
   * @return each node's address; a node is missing when no free address was left for it
   */
  Map<String, String> allocateAll(List<String> nodeIds) throws IOException {
    ObjectNode book = load();
    ObjectNode nodes = book.withObjectProperty("nodes");
    Set<String> used = new HashSet<>();
    nodes.properties().forEach(e -> used.add(e.getValue().asText()));
    int cursor = book.path("next").asInt(FIRST);
    Map<String, String> out = new LinkedHashMap<>();
    boolean changed = false;
    for (String nodeId : nodeIds) {
      if (nodes.has(nodeId)) {
        out.put(nodeId, nodes.get(nodeId).asText());
        continue;
      }
      for (int i = 0; i < SPACE; i++) {
        int candidate = Math.floorMod(cursor + i, SPACE);
        if (usable(candidate) && !used.contains(address(candidate))) {
          String address = address(candidate);
          nodes.put(nodeId, address);
          used.add(address);
          out.put(nodeId, address);
          cursor = candidate + 1;
          changed = true;
          break;
        }
      }
    }
    if (changed) {
      book.put("next", cursor);
      AtomicFiles.writeString(file, Json.write(book));
    }
    return out;
  }

  /**
   * Frees the nodes' addresses with one write of the file. Call under the node lock.
   *
   * @param nodeIds the nodes; those without an address are skipped
   */
  void releaseAll(List<String> nodeIds) throws IOException {
    if (nodeIds.isEmpty()) {
      return;
    }
    ObjectNode book = load();
    ObjectNode nodes = book.withObjectProperty("nodes");
    boolean changed = false;
    for (String nodeId : nodeIds) {
      changed |= nodes.remove(nodeId) != null;
    }
    if (changed) {
      AtomicFiles.writeString(file, Json.write(book));
    }
  }

  /** Frees the node's address. Call under the node lock. */
  void release(String nodeId) throws IOException {
    ObjectNode book = load();
    ObjectNode nodes = book.withObjectProperty("nodes");
    if (nodes.remove(nodeId) != null) {
      AtomicFiles.writeString(file, Json.write(book));
    }
  }

  private ObjectNode load() throws IOException {
    Optional<String> text = AtomicFiles.readIfExists(file);
    if (text.isEmpty()) {
      ObjectNode o = Json.object();
      o.put("next", FIRST);
      o.putObject("nodes");
      return o;
    }
    return Json.readObject(text.get(), file.toString());
  }
}

package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.NotFoundException;
import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Snapshots of local nodes (docs/local.md): a node snapshot is a copy of the node's directory
 * (without {@code resource.json}, which keeps describing the node as it is, and without {@code
 * runs/}), a disk snapshot a copy of its {@code volume/}; they live in {@code
 * HOME/snapshots/<node-id>/node/<name>/} and {@code .../disk/<name>/}, written under a temporary
 * name and renamed into place. Reverting replaces what the snapshot holds and leaves the rest.
 */
final class NodeSnapshots {
  private static final Set<String> NOT_IN_NODE_SNAPSHOTS =
      Set.of(NodeRecord.RESOURCE_FILE, RunRecords.RUNS_DIR);

  private final LocalHome home;

  NodeSnapshots(LocalHome home) {
    this.home = home;
  }

  private Path root(String nodeId) {
    return home.root().resolve("snapshots").resolve(Ids.check("node id", nodeId));
  }

  private Path snapshot(String nodeId, boolean disk, String name) {
    return root(nodeId).resolve(disk ? "disk" : "node").resolve(Ids.check("snapshot name", name));
  }

  /** Copies the node (or its volume) to a new snapshot. */
  void create(String nodeId, boolean disk, String name) throws IOException {
    Path target = snapshot(nodeId, disk, name);
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(
          target.toString(), null, "node " + nodeId + " has a snapshot named " + name + " already");
    }
    Path source = source(nodeId, disk);
    FileModes.createPrivateDirectories(target.getParent());
    Path temp = target.resolveSibling(AtomicFiles.TEMP_PREFIX + name);
    if (Files.exists(temp)) {
      AtomicFiles.deleteRecursively(temp);
    }
    copy(source, temp, disk ? Set.of() : NOT_IN_NODE_SNAPSHOTS);
    AtomicFiles.moveAtomically(temp, target);
  }

  /** Puts what the snapshot holds back in place of the node's (or volume's) files. */
  void revert(String nodeId, boolean disk, String name) throws IOException {
    Path snap = existing(nodeId, disk, name);
    Path target = source(nodeId, disk);
    Set<String> keep = disk ? Set.of() : NOT_IN_NODE_SNAPSHOTS;
    try (Stream<Path> children = Files.list(target)) {
      for (Path child : children.toList()) {
        if (!keep.contains(child.getFileName().toString())) {
          AtomicFiles.deleteRecursively(child);
        }
      }
    }
    copy(snap, target, Set.of());
  }

  /** Deletes a snapshot. */
  void delete(String nodeId, boolean disk, String name) throws IOException {
    AtomicFiles.deleteRecursively(existing(nodeId, disk, name));
  }

  /** Deletes every snapshot of a node, when the node is deleted. */
  void deleteAll(String nodeId) throws IOException {
    Path root = root(nodeId);
    if (Files.exists(root)) {
      AtomicFiles.deleteRecursively(root);
    }
  }

  private Path existing(String nodeId, boolean disk, String name) {
    Path snap = snapshot(nodeId, disk, name);
    if (!Files.isDirectory(snap)) {
      throw new NotFoundException(
          "node " + nodeId + " has no " + (disk ? "disk " : "") + "snapshot named " + name);
    }
    return snap;
  }

  private Path source(String nodeId, boolean disk) {
    Path dir = home.nodeDirectory(nodeId);
    Path source = disk ? dir.resolve(NodeRecord.VOLUME_DIR) : dir;
    if (!Files.isDirectory(source)) {
      throw new NotFoundException(
          disk
              ? "node " + nodeId + " has no volume to snapshot"
              : "node " + nodeId + " does not exist in " + home.nodesDirectory());
    }
    return source;
  }

  /** Copies a tree, the top-level names in {@code skip} left out; symbolic links are copied. */
  private static void copy(Path from, Path to, Set<String> skip) throws IOException {
    FileModes.createPrivateDirectories(to);
    try (Stream<Path> all = Files.walk(from)) {
      for (Path p : all.toList()) {
        Path rel = from.relativize(p);
        if (rel.toString().isEmpty()) {
          continue;
        }
        if (skip.contains(rel.getName(0).toString())) {
          continue;
        }
        Path dest = to.resolve(rel.toString());
        if (Files.isDirectory(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
          Files.createDirectories(dest);
        } else {
          Files.copy(
              p,
              dest,
              StandardCopyOption.COPY_ATTRIBUTES,
              StandardCopyOption.REPLACE_EXISTING,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
        }
      }
    }
  }
}

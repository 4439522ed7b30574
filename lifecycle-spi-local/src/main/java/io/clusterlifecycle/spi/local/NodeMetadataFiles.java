package io.clusterlifecycle.spi.local;

import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nodes' {@code metadata.json}: every node of a cluster holds the same rendering of the
 * cluster's tree, so a commit writes it in full once, into the first node's directory, and makes
 * each other node's file a hard link to that one (docs/design.md §9.3). A publish to N nodes then
 * writes the tree once instead of N times: for 1,000 hosts, 270 KB instead of 270 MB. Where the
 * file system cannot link (no hard links, too many links to one file), the node gets a copy, which
 * becomes the file the next nodes link to. A node whose directory is gone, or belongs to another
 * cluster, is skipped; a file that cannot be written is logged, not thrown.
 *
 * <p>Called with the metadata lock held (HomeLocks), which orders every write of these files.
 */
final class NodeMetadataFiles {
  private static final Logger LOG = LoggerFactory.getLogger(NodeMetadataFiles.class);

  private final LocalHome home;
  private final Executor pool;
  private final Map<String, Written> latest = new ConcurrentHashMap<>();

  /** A file this instance wrote in full, holding the cluster's tree at a revision. */
  private record Written(long revision, Path file) {}

  NodeMetadataFiles(LocalHome home, Executor pool) {
    this.home = home;
    this.pool = pool;
  }

  /**
   * Writes {@code json}, the cluster's tree at {@code revision}, as the file of each of {@code
   * nodeIds}: in full into the first that can take it, as links to it into the others, several at a
   * time on the pool.
   */
  void publish(String clusterId, Collection<String> nodeIds, byte[] json, long revision) {
    Iterator<String> nodes = nodeIds.iterator();
    Path first = null;
    while (first == null && nodes.hasNext()) {
      first = write(clusterId, nodes.next(), null, () -> json);
    }
    if (first == null) {
      latest.remove(clusterId);
      return;
    }
    latest.put(clusterId, new Written(revision, first));
    AtomicReference<Path> source = new AtomicReference<>(first);
    List<ParallelFiles.IoWork> links = new ArrayList<>();
    nodes.forEachRemaining(
        nodeId ->
            links.add(
                () -> {
                  Path from = source.get();
                  Path written = write(clusterId, nodeId, from, () -> json);
                  if (written != null && !written.equals(from)) {
                    source.set(written);
                    latest.put(clusterId, new Written(revision, written));
                  }
                }));
    try {
      ParallelFiles.runAll(links, pool);
    } catch (IOException e) {
      LOG.warn("cannot write a metadata file: {}", e.toString());
    }
  }

  /**
   * Writes one node's file with the cluster's tree at {@code revision}: a link to the file this
   * instance wrote for that revision, or a copy of {@code json}.
   */
  void writeOne(String clusterId, String nodeId, long revision, Supplier<byte[]> json) {
    Written w = latest.get(clusterId);
    Path from = w != null && w.revision() == revision ? w.file() : null;
    Path written = write(clusterId, nodeId, from, json);
    if (written != null && !written.equals(from)) {
      latest.put(clusterId, new Written(revision, written));
    }
  }

  /**
   * Makes a node's file a link to {@code source} (when not null), or else a copy of {@code json}.
   *
   * @return {@code source} when linked, the node's file when copied, null when the node was skipped
   *     (gone, or another cluster's) or the write failed
   */
  private Path write(String clusterId, String nodeId, Path source, Supplier<byte[]> json) {
    try {
      if (!NodeRecord.read(home.nodeDirectory(nodeId))
          .map(r -> r.belongsTo(clusterId))
          .orElse(false)) {
        return null;
      }
      Path target = home.nodeMetadataFile(nodeId);
      if (source != null && AtomicFiles.linkOver(source, target)) {
        return source;
      }
      AtomicFiles.write(target, json.get());
      return target;
    } catch (NoSuchFileException e) {
      LOG.debug("node {} went away before its metadata file was written", nodeId);
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot write the metadata file of node {}: {}", nodeId, e.toString());
    }
    return null;
  }
}

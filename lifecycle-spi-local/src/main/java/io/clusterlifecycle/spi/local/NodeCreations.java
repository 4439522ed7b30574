package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;

/**
 * Creates node directories in batches (group commit): the creations asked for while a batch is
 * being written wait and form the next batch. A batch takes the home's node lock once, reads and
 * writes {@code addresses.json} once, builds the new node directories several at a time ({@link
 * ParallelFiles}) and forces the nodes directory once; each node still appears whole, by renaming
 * its finished temporary directory. A hundred nodes asked for at once cost two or three batches
 * instead of a hundred lock round trips and five hundred {@code fsync}s one after another.
 */
final class NodeCreations {
  /** What a creation found or made. */
  record Outcome(NodeRecord record, boolean created) {}

  private record Pending(NodeSpec node, CompletableFuture<Outcome> result) {}

  private final LocalHome home;
  private final Path lockFile;
  private final AddressBook addresses;
  private final Executor executor;
  private final Supplier<String> now;
  private final ConcurrentLinkedQueue<Pending> queue = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean draining = new AtomicBoolean();

  NodeCreations(
      LocalHome home,
      Path lockFile,
      AddressBook addresses,
      Executor executor,
      Supplier<String> now) {
    this.home = home;
    this.lockFile = lockFile;
    this.addresses = addresses;
    this.executor = executor;
    this.now = now;
  }

  /**
   * Asks for a node's directory.
   *
   * @param node the node
   * @return the node's record and whether this call made it; fails as the single creation did
   */
  CompletableFuture<Outcome> create(NodeSpec node) {
    Pending p = new Pending(node, new CompletableFuture<>());
    queue.add(p);
    startDraining();
    return p.result();
  }

  private void startDraining() {
    if (!queue.isEmpty() && draining.compareAndSet(false, true)) {
      try {
        executor.execute(this::drain);
      } catch (RejectedExecutionException e) {
        draining.set(false);
        IllegalStateException closed =
            new IllegalStateException("cannot create nodes: the executor is closed", e);
        for (Pending p = queue.poll(); p != null; p = queue.poll()) {
          p.result().completeExceptionally(closed);
        }
      }
    }
  }

  private void drain() {
    try {
      List<Pending> batch = new ArrayList<>();
      for (Pending p = queue.poll(); p != null; p = queue.poll()) {
        batch.add(p);
      }
      if (!batch.isEmpty()) {
        write(batch);
      }
    } finally {
      draining.set(false);
      startDraining();
    }
  }

  private void write(List<Pending> batch) {
    Map<Pending, Outcome> done = new LinkedHashMap<>();
    Map<Pending, Throwable> failed = new LinkedHashMap<>();
    Map<Pending, List<Pending>> followers = new LinkedHashMap<>();
    try {
      HomeLocks.withLock(
          lockFile,
          () -> {
            List<Pending> fresh = new ArrayList<>();
            Map<String, Pending> firsts = new LinkedHashMap<>();
            for (Pending p : batch) {
              Pending first = firsts.putIfAbsent(p.node().ref().nodeId(), p);
              if (first != null) {
                followers.computeIfAbsent(first, k -> new ArrayList<>()).add(p);
                continue;
              }
              try {
                Optional<NodeRecord> existing = existing(p.node());
                if (existing.isPresent()) {
                  done.put(p, new Outcome(existing.get(), false));
                } else {
                  fresh.add(p);
                }
              } catch (IOException | RuntimeException e) {
                failed.put(p, e);
              }
            }
            build(fresh, done, failed);
            return null;
          });
    } catch (IOException | RuntimeException | Error e) {
      for (Pending p : batch) {
        if (!done.containsKey(p)) {
          failed.putIfAbsent(p, e);
        }
      }
    }
    // the same node asked for twice in one batch: the later ones find what the first made
    followers.forEach(
        (first, later) -> {
          Outcome o = done.get(first);
          for (Pending p : later) {
            if (o != null) {
              done.put(p, new Outcome(o.record(), false));
            } else {
              failed.put(p, failed.getOrDefault(first, new IllegalStateException("not created")));
            }
          }
        });
    done.forEach((p, o) -> p.result().complete(o));
    failed.forEach((p, e) -> p.result().completeExceptionally(asFailure(p, e)));
  }

  /** The node's record when its directory exists and belongs to its cluster. */
  private Optional<NodeRecord> existing(NodeSpec node) throws IOException {
    String nodeId = node.ref().nodeId();
    Path dir = home.nodeDirectory(nodeId);
    Optional<NodeRecord> existing = NodeRecord.read(dir);
    if (existing.isPresent()) {
      if (!existing.get().belongsTo(node.ref().clusterId())) {
        throw new IllegalStateException(
            "node id "
                + nodeId
                + " is already used by cluster "
                + existing.get().clusterId()
                + " in "
                + home.root()
                + "; node ids must be unique per home");
      }
      return existing;
    }
    if (Files.exists(dir)) {
      throw new IllegalStateException(
          dir
              + " exists but holds no "
              + NodeRecord.RESOURCE_FILE
              + "; it was not created by this provider, remove it");
    }
    return Optional.empty();
  }

  /** Allocates the new nodes' addresses in one write, then builds their directories. */
  private void build(
      List<Pending> fresh, Map<Pending, Outcome> done, Map<Pending, Throwable> failed)
      throws IOException {
    if (fresh.isEmpty()) {
      return;
    }
    Map<String, String> allocated =
        addresses.allocateAll(fresh.stream().map(p -> p.node().ref().nodeId()).toList());
    String at = now.get();
    Map<Pending, NodeRecord> made = new LinkedHashMap<>();
    List<ParallelFiles.IoWork> work = new ArrayList<>();
    for (Pending p : fresh) {
      String address = allocated.get(p.node().ref().nodeId());
      if (address == null) {
        failed.put(
            p,
            new LifecycleException(
                "no free loopback address left in " + home.addressesFile() + " for this node"));
        continue;
      }
      NodeRecord record = NodeRecord.created(p.node(), address, at);
      work.add(
          () -> {
            try {
              makeDirectory(p.node().ref().nodeId(), record);
              synchronized (made) {
                made.put(p, record);
              }
            } catch (IOException | RuntimeException e) {
              synchronized (failed) {
                failed.put(p, e);
              }
            }
          });
    }
    ParallelFiles.runAll(work, executor);
    AtomicFiles.syncDirectory(home.nodesDirectory());
    List<String> unused = new ArrayList<>();
    for (Pending p : fresh) {
      NodeRecord r = made.get(p);
      if (r != null) {
        done.put(p, new Outcome(r, true));
      } else if (allocated.containsKey(p.node().ref().nodeId())) {
        unused.add(p.node().ref().nodeId());
      }
    }
    addresses.releaseAll(unused);
  }

  /** Builds a node's directory under a temporary name and renames it into place. */
  private void makeDirectory(String nodeId, NodeRecord record) throws IOException {
    Path dir = home.nodeDirectory(nodeId);
    Path temp =
        home.nodesDirectory().resolve(AtomicFiles.TEMP_PREFIX + nodeId + "-" + UUID.randomUUID());
    try {
      FileModes.createPrivateDirectory(temp);
      if (record.volumeSize() > 0) {
        FileModes.createPrivateDirectory(temp.resolve(NodeRecord.VOLUME_DIR));
      }
      record.write(temp);
      AtomicFiles.moveAtomically(temp, dir);
    } finally {
      AtomicFiles.deleteRecursively(temp);
    }
  }

  private static Throwable asFailure(Pending p, Throwable e) {
    if (e instanceof IOException io) {
      return new LifecycleException(
          "cannot create node " + p.node().ref().nodeId() + ": " + io.getMessage(), io);
    }
    return e;
  }
}

package io.clusterlifecycle.spi.local;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.codec.RecordCodec;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Nodes as directories on the local machine: the embedded default {@link ResourceProvider}.
 *
 * <p>A node is the directory {@code HOME/nodes/<node-id>/} holding a {@code resource.json} that
 * records what was created (role, cpu, memory, volume size, image, running flag, tags, address). A
 * node with a volume has a {@code volume/} subdirectory. Each node gets a loopback address {@code
 * 127.0.x.y} that no other node of the same home holds, even when several processes create nodes in
 * that home at once (allocation happens under a file lock and is persisted in {@code
 * HOME/addresses.json}). The reported {@link NodeResource#instanceId()} is the node directory and
 * {@link NodeResource#volumeId()} the volume directory.
 *
 * <p>Guarantees: every method returns at once and does its file work on the executor given at
 * construction; failures complete the stage exceptionally and are never thrown. Every method is
 * idempotent by node id: {@link #create} of an existing node completes with the recorded resource,
 * unchanged; {@link #delete} of a missing node completes normally. A node directory appears fully
 * formed (it is assembled under a temporary name and renamed into place) and {@code resource.json}
 * is always replaced atomically, so a killed process never leaves a torn node. Node ids are unique
 * per home: creating a node whose id is held by another cluster fails with {@link
 * IllegalStateException}. A stage fails with {@link NotFoundException} when {@link #start}, {@link
 * #stop}, {@link #resize} or {@link #replaceImage} name a node that does not exist, and with {@link
 * IllegalArgumentException} for ids that are not usable as file names (see {@link
 * LocalHome#nodeDirectory}) or sizes out of range.
 *
 * <p>Thread-safe; instances in several threads and processes may share a home.
 */
public final class LocalResourceProvider implements ResourceProvider {
  private static final Logger LOG = LoggerFactory.getLogger(LocalResourceProvider.class);
  private static final DateTimeFormatter KEPT_SUFFIX =
      DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmssSSS'Z'").withZone(ZoneOffset.UTC);
  private static final String DELETING_PREFIX = ".deleting-";

  private final LocalHome home;
  private final Executor executor;
  private final ExecutorService ownedExecutor;
  private final Clock clock;
  private final AddressBook addresses;
  private final Path lockFile;
  private volatile Consumer<NodeResource> createdHook = r -> {};
  private final NodeSnapshots snapshots;
  private final NodeCreations creations;
  private final LocalActions actions;

  /**
   * Creates a provider that does its file work on a pool of its own, shut down by {@link #close()}.
   *
   * @param home the home holding the nodes
   * @throws NullPointerException if {@code home} is null
   */
  public LocalResourceProvider(LocalHome home) {
    this(
        home,
        null,
        Clock.systemUTC(),
        Pools.io("lifecycle-spi-local-nodes", Pools.DEFAULT_THREADS));
  }

  /**
   * Creates a provider that does its file work on the caller's executor, which it does not shut
   * down.
   *
   * @param home the home holding the nodes
   * @param executor runs the file work; a small bounded pool is enough (work is short and never
   *     waits on commands)
   * @param clock stamps {@code created_at}/{@code updated_at} in {@code resource.json}
   * @throws NullPointerException if an argument is null
   */
  public LocalResourceProvider(LocalHome home, Executor executor, Clock clock) {
    this(home, Objects.requireNonNull(executor, "executor"), clock, null);
  }

  private LocalResourceProvider(
      LocalHome home, Executor executor, Clock clock, ExecutorService owned) {
    this.home = Objects.requireNonNull(home, "home");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.ownedExecutor = owned;
    this.executor = owned != null ? owned : executor;
    this.addresses = new AddressBook(home.addressesFile());
    this.lockFile = home.lockFile("nodes");
    this.snapshots = new NodeSnapshots(home);
    this.creations = new NodeCreations(home, lockFile, addresses, this.executor, this::now);
    this.actions = new LocalActions(this, this.executor, snapshots);
    try {
      this.executor.execute(this::sweep);
    } catch (RuntimeException e) {
      LOG.debug("no sweep of {}: {}", home.nodesDirectory(), e.toString());
    }
  }

  /** Removes what a killed process left behind: half-built and half-deleted node directories. */
  private void sweep() {
    try {
      List<Path> leftovers = new ArrayList<>();
      HomeLocks.withLock(
          lockFile,
          () -> {
            try (DirectoryStream<Path> dirs =
                Files.newDirectoryStream(home.nodesDirectory(), AtomicFiles.TEMP_PREFIX + "*")) {
              for (Path dir : dirs) {
                AtomicFiles.deleteRecursively(dir);
              }
            }
            return null;
          });
      try (DirectoryStream<Path> dirs =
          Files.newDirectoryStream(home.nodesDirectory(), DELETING_PREFIX + "*")) {
        dirs.forEach(leftovers::add);
      }
      for (Path dir : leftovers) {
        AtomicFiles.deleteRecursively(dir);
      }
    } catch (IOException | RuntimeException e) {
      LOG.debug("sweeping {} failed: {}", home.nodesDirectory(), e.toString());
    }
  }

  /** Runs after a node was newly created (not found), before its stage completes. */
  void onCreated(Consumer<NodeResource> hook) {
    this.createdHook = Objects.requireNonNull(hook, "hook");
  }

  /**
   * {@inheritDoc}
   *
   * <p>The loopback addresses one home can hand out: {@code 127.0.x.y}, {@code y} in 1..254,
   * without {@code 127.0.0.1}.
   */
  @Override
  public java.util.OptionalInt maxNodes() {
    return java.util.OptionalInt.of(AddressBook.CAPACITY);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Creates {@code HOME/nodes/<node-id>/} with {@code resource.json}, a {@code volume/}
   * directory when {@code volumeSize > 0}, and a fresh loopback address; the node is running. The
   * tags are the spec's plus {@link NodeSpec#TAG_CLUSTER}, {@link NodeSpec#TAG_ROLE} and {@link
   * NodeSpec#TAG_NODE}. When the node exists, completes with its recorded resource unchanged, even
   * if the spec differs.
   */
  @Override
  public CompletionStage<NodeResource> create(NodeSpec node) {
    try {
      checkSizes(node.cpu(), node.memory(), node.volumeSize());
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return creations
        .create(node)
        .thenApply(
            outcome -> {
              NodeResource resource = outcome.record().toResource(home);
              if (outcome.created()) {
                LOG.debug(
                    "created node {} of cluster {} at {}",
                    node.ref().nodeId(),
                    outcome.record().clusterId(),
                    outcome.record().address());
                try {
                  createdHook.accept(resource);
                } catch (RuntimeException e) {
                  LOG.warn("after creating node {}: {}", node.ref().nodeId(), e.toString(), e);
                }
              }
              return resource;
            });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Empty also when the node id belongs to another cluster.
   */
  @Override
  public CompletionStage<Optional<NodeResource>> find(NodeRef node) {
    return Async.supply(
        executor,
        "find node " + node.nodeId(),
        () ->
            NodeRecord.read(home.nodeDirectory(node.nodeId()))
                .filter(r -> r.belongsTo(node.clusterId()))
                .map(r -> r.toResource(home)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Scans the node directories of the home and reports those whose {@link NodeSpec#TAG_CLUSTER}
   * tag is {@code clusterId}. A directory whose {@code resource.json} cannot be read is skipped
   * with a warning in the log.
   */
  @Override
  public CompletionStage<List<NodeResource>> list(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return Async.supply(
        executor,
        "list nodes of cluster " + clusterId,
        () -> {
          List<NodeResource> found = new ArrayList<>();
          try (DirectoryStream<Path> dirs = Files.newDirectoryStream(home.nodesDirectory())) {
            for (Path dir : dirs) {
              if (!NodeRecord.isNodeDirectoryName(dir)) {
                continue;
              }
              try {
                NodeRecord.read(dir)
                    .filter(r -> clusterId.equals(r.tags().get(NodeSpec.TAG_CLUSTER)))
                    .ifPresent(r -> found.add(r.toResource(home)));
              } catch (IOException | IllegalStateException e) {
                LOG.warn("skipping unreadable node directory {}: {}", dir, e.getMessage());
              }
            }
          }
          found.sort(Comparator.comparing(r -> r.ref().nodeId()));
          return List.copyOf(found);
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<NodeResource> start(NodeRef node) {
    return update(node, "start", r -> r.withRunning(true, now()));
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<NodeResource> stop(NodeRef node) {
    return update(node, "stop", r -> r.withRunning(false, now()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with {@link IllegalArgumentException} when {@code cpu} or {@code memory} is not
   * positive, or when the node has a volume and {@code volumeSize} is smaller than it (volumes only
   * grow).
   */
  @Override
  public CompletionStage<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    return update(
        node,
        "resize",
        r -> {
          checkSizes(cpu, memory, volumeSize);
          if (r.volumeSize() == 0) {
            return r.withSize(cpu, memory, 0, now());
          }
          if (volumeSize < r.volumeSize()) {
            throw new IllegalArgumentException(
                "the volume of node "
                    + r.nodeId()
                    + " cannot shrink from "
                    + r.volumeSize()
                    + " to "
                    + volumeSize
                    + " GiB");
          }
          return r.withSize(cpu, memory, volumeSize, now());
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<NodeResource> replaceImage(NodeRef node, String image) {
    Objects.requireNonNull(image, "image");
    return update(node, "replace the image of", r -> r.withImage(image, now()));
  }

  /**
   * {@inheritDoc}
   *
   * <p>With {@code keepVolume} and a volume, moves the volume to {@code
   * HOME/kept-volumes/<node-id>-<UTC time>} and completes with that directory's absolute path; then
   * removes the node directory and frees its address. A node id held by another cluster is left
   * alone and reported as missing.
   */
  @Override
  public CompletionStage<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    return Async.supply(
        executor,
        "delete node " + node.nodeId(),
        () -> {
          Path dir = home.nodeDirectory(node.nodeId());
          Path[] trash = {null};
          Optional<String> kept =
              HomeLocks.withLock(
                  lockFile,
                  () -> {
                    Optional<NodeRecord> existing = NodeRecord.read(dir);
                    if (existing.isEmpty()) {
                      if (!Files.exists(dir)) {
                        addresses.release(node.nodeId());
                      }
                      return Optional.<String>empty();
                    }
                    NodeRecord record = existing.get();
                    if (!record.belongsTo(node.clusterId())) {
                      LOG.warn(
                          "not deleting node {}: it belongs to cluster {}, not {}",
                          node.nodeId(),
                          record.clusterId(),
                          node.clusterId());
                      return Optional.<String>empty();
                    }
                    Optional<String> keptPath = Optional.empty();
                    Path volume = dir.resolve(NodeRecord.VOLUME_DIR);
                    if (keepVolume && record.volumeSize() > 0) {
                      if (record.keptVolume().isEmpty()) {
                        // Record the destination first, so that a retry after a crash reports it.
                        String suffix = KEPT_SUFFIX.format(clock.instant());
                        Path target =
                            home.keptVolumesDirectory().resolve(node.nodeId() + "-" + suffix);
                        for (int n = 2; Files.exists(target); n++) {
                          target =
                              home.keptVolumesDirectory()
                                  .resolve(node.nodeId() + "-" + suffix + "-" + n);
                        }
                        record = record.withKeptVolume(target.toString(), now());
                        record.write(dir);
                      }
                      Path target = Path.of(record.keptVolume());
                      if (Files.isDirectory(volume)) {
                        AtomicFiles.moveAtomically(volume, target);
                        AtomicFiles.syncDirectory(home.keptVolumesDirectory());
                      }
                      keptPath = Optional.of(target.toString());
                    }
                    trash[0] =
                        home.nodesDirectory()
                            .resolve(DELETING_PREFIX + node.nodeId() + "-" + UUID.randomUUID());
                    AtomicFiles.moveAtomically(dir, trash[0]);
                    AtomicFiles.syncDirectory(home.nodesDirectory());
                    addresses.release(node.nodeId());
                    return keptPath;
                  });
          if (trash[0] != null) {
            AtomicFiles.deleteRecursively(trash[0]);
            snapshots.deleteAll(node.nodeId());
            LOG.debug(
                "deleted node {} of cluster {}{}",
                node.nodeId(),
                node.clusterId(),
                kept.map(k -> ", kept its volume at " + k).orElse(""));
          }
          return kept;
        });
  }

  /**
   * {@inheritDoc}
   *
   * @return every provider action: see {@link #act}
   */
  @Override
  public java.util.Set<io.clusterlifecycle.api.state.NodeAction> actions() {
    return LocalActions.ALL;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Carried out as docs/local.md says: signals to the node's processes (those whose environment
   * carries its {@code LC_CLUSTER_ID} and {@code LC_NODE_ID}) and copies of its directory or volume
   * under {@code HOME/snapshots/<node-id>/}.
   */
  @Override
  public CompletionStage<NodeResource> act(
      NodeRef node, io.clusterlifecycle.api.state.NodeAction action, String snapshot) {
    return actions.act(node, action, snapshot);
  }

  /** Shuts down the pool the provider created, if it created one; idempotent. */
  @Override
  public void close() {
    if (ownedExecutor != null) {
      Pools.shutdown(ownedExecutor);
    }
  }

  @FunctionalInterface
  private interface Change {
    NodeRecord apply(NodeRecord record);
  }

  private CompletionStage<NodeResource> update(NodeRef node, String verb, Change change) {
    return Async.supply(
        executor,
        verb + " node " + node.nodeId(),
        () -> {
          Path dir = home.nodeDirectory(node.nodeId());
          return HomeLocks.withLock(
                  lockFile,
                  () -> {
                    NodeRecord record =
                        NodeRecord.read(dir)
                            .filter(r -> r.belongsTo(node.clusterId()))
                            .orElseThrow(
                                () ->
                                    new NotFoundException(
                                        "cannot "
                                            + verb
                                            + " node "
                                            + node.nodeId()
                                            + " of cluster "
                                            + node.clusterId()
                                            + ": it does not exist in "
                                            + home.nodesDirectory()));
                    NodeRecord updated = change.apply(record);
                    updated.write(dir);
                    return updated;
                  })
              .toResource(home);
        });
  }

  private String now() {
    return RecordCodec.formatTime(clock.instant());
  }

  private static void checkSizes(int cpu, int memory, int volumeSize) {
    if (cpu <= 0) {
      throw new IllegalArgumentException("cpu must be positive, was " + cpu);
    }
    if (memory <= 0) {
      throw new IllegalArgumentException("memory must be positive, was " + memory + " MiB");
    }
    if (volumeSize < 0) {
      throw new IllegalArgumentException("volume size must not be negative, was " + volumeSize);
    }
  }
}

package io.clusterlifecycle.samples.provider;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.ResourceProvider;
import io.clusterlifecycle.codec.RecordCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@link ResourceProvider} whose nodes are JSON files in a directory: a small adapter that keeps
 * the whole contract, written to be read before writing one for a real platform. It passes the
 * testkit's {@code ResourceProviderCompatibilityKit}, as its test shows.
 *
 * <p>Layout under the root directory:
 *
 * <pre>
 * nodes/&lt;cluster-id&gt;/&lt;node-id&gt;.json   one file per node: the {@link NodeResource} as JSON
 * volumes/&lt;volume-id&gt;/                 one directory per volume, standing in for a disk
 * counter                               the last number handed out
 * </pre>
 *
 * <p>How it keeps the contract, and where a real adapter does the same:
 *
 * <ul>
 *   <li><b>Asynchronous.</b> Every method checks its arguments, hands the file work to a single
 *       thread the provider owns and returns at once; {@link #close()} shuts that thread down. A
 *       cloud adapter would use its HTTP client's asynchronous calls instead.
 *   <li><b>Idempotent by node id.</b> {@link #create} first looks for the node's file and completes
 *       with what it finds; only a missing node gets a new instance. Because all file work runs on
 *       one thread, the look-up and the creation cannot interleave with another create of the same
 *       node: two racing creates yield one node. (A cloud adapter looks the node up by its tag or
 *       name, or passes an idempotency token derived from the node id, and serialises creates of
 *       one node.) {@link #delete} of a missing node completes normally.
 *   <li><b>Never half-written.</b> A node file is written to a temporary file, forced to disk and
 *       moved into place with {@link StandardCopyOption#ATOMIC_MOVE}, so a reader (or a process
 *       restarted after a crash) sees the old content or the new, never part of it. A crash during
 *       {@link #create} can leave at most an unused volume directory behind.
 *   <li><b>Tags and list.</b> A node carries the spec's tags plus {@link NodeSpec#TAG_CLUSTER},
 *       {@link NodeSpec#TAG_ROLE} and {@link NodeSpec#TAG_NODE}; {@link #list} reports every node
 *       file of the cluster whose cluster tag matches, including nodes the engine has no record of,
 *       so that reconcile finds leaks.
 *   <li><b>Failures.</b> File errors fail the stage with {@link LifecycleException}: on a local
 *       disk they are permanent (a full disk, a permission). An adapter of a remote API fails the
 *       stage with {@link io.clusterlifecycle.api.spi.TransientSpiException} for what a retry may
 *       cure (a rate limit, a 5xx, a lost connection) so that the engine retries.
 * </ul>
 *
 * <p>Resources: node number {@code n} (counting from 1 per root directory, never reused) gets the
 * instance id {@code i-<n>}, the address {@code 10.0.x.y} of the {@code n}-th host of {@code
 * 10.0.0.0/16} ({@code 10.0.0.1} … {@code 10.0.0.254}, {@code 10.0.1.1}, …) and, with a volume, the
 * volume id {@code vol-<n>}. A node starts running. {@link #resize} refuses to shrink a volume.
 * {@link #delete} with {@code keepVolume} leaves the volume directory in place and completes with
 * its id.
 *
 * <p>Stages fail with {@link NotFoundException} when {@link #start}, {@link #stop}, {@link #resize}
 * or {@link #replaceImage} name a node that does not exist, with {@link IllegalArgumentException}
 * for a cluster or node id that is not a plain file name ({@code [A-Za-z0-9][A-Za-z0-9._-]*}, at
 * most 128 characters: ids become file names and must not reach outside the root) or for sizes out
 * of range, and with {@link IllegalStateException} after {@link #close()}. A null argument throws
 * {@link NullPointerException} at once.
 *
 * <p>Thread-safe. One provider at a time may use a root directory: two processes sharing one would
 * need a file lock around each change.
 */
public final class DirectoryResourceProvider implements ResourceProvider {
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");
  private static final int HOSTS_PER_SUBNET = 254;
  private static final long MAX_NODES = 256L * HOSTS_PER_SUBNET;

  private final Path root;
  private final ExecutorService executor;

  private DirectoryResourceProvider(Path root) {
    this.root = root;
    this.executor =
        Executors.newSingleThreadExecutor(
            task -> {
              Thread t = new Thread(task, "directory-provider " + root.getFileName());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Opens a provider on a root directory, creating the directory when it does not exist. Nodes
   * created earlier in the same directory are found again.
   *
   * @param root the root directory
   * @return the provider; close it to stop its thread
   * @throws NullPointerException if {@code root} is null
   * @throws UncheckedIOException if the directories cannot be created
   */
  public static DirectoryResourceProvider open(Path root) {
    Path dir = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
    try {
      Files.createDirectories(dir.resolve("nodes"));
      Files.createDirectories(dir.resolve("volumes"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the provider's directories in " + dir, e);
    }
    return new DirectoryResourceProvider(dir);
  }

  /**
   * Returns the root directory.
   *
   * @return the absolute, normalised root
   */
  public Path root() {
    return root;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Completes with the node's file when it exists, unchanged even if the spec differs; otherwise
   * creates the volume directory (for a volume size above zero), then the node file.
   *
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<NodeResource> create(NodeSpec node) {
    Objects.requireNonNull(node, "node");
    return async(
        "create node " + node.ref().nodeId(),
        () -> {
          checkSizes(node.cpu(), node.memory(), node.volumeSize());
          Path file = nodeFile(node.ref());
          Optional<NodeResource> existing = read(file);
          if (existing.isPresent()) {
            return existing.get();
          }
          long n = nextNumber();
          String volumeId = "";
          if (node.volumeSize() > 0) {
            volumeId = "vol-" + n;
            Files.createDirectories(root.resolve("volumes").resolve(volumeId));
          }
          Map<String, String> tags = new TreeMap<>(node.tags());
          tags.put(NodeSpec.TAG_CLUSTER, node.ref().clusterId());
          tags.put(NodeSpec.TAG_ROLE, node.role());
          tags.put(NodeSpec.TAG_NODE, node.ref().nodeId());
          NodeResource created =
              NodeResource.builder()
                  .ref(node.ref())
                  .role(node.role())
                  .instanceId("i-" + n)
                  .address(address(n))
                  .cpu(node.cpu())
                  .memory(node.memory())
                  .volumeSize(node.volumeSize())
                  .volumeId(volumeId)
                  .image(node.image())
                  .running(true)
                  .tags(tags)
                  .build();
          write(file, created);
          return created;
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<Optional<NodeResource>> find(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return async("find node " + node.nodeId(), () -> read(nodeFile(node)));
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code clusterId} is null
   */
  @Override
  public CompletableFuture<List<NodeResource>> list(String clusterId) {
    Objects.requireNonNull(clusterId, "clusterId");
    return async(
        "list the nodes of cluster " + clusterId,
        () -> {
          Path dir = root.resolve("nodes").resolve(checkId("cluster id", clusterId));
          if (!Files.isDirectory(dir)) {
            return List.of();
          }
          List<NodeResource> found = new ArrayList<>();
          try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
            for (Path file : files) {
              read(file)
                  .filter(r -> clusterId.equals(r.tags().get(NodeSpec.TAG_CLUSTER)))
                  .ifPresent(found::add);
            }
          }
          found.sort(Comparator.comparing(r -> r.ref().nodeId()));
          return List.copyOf(found);
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<NodeResource> start(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return update(node, "start", r -> r.toBuilder().running(true).build());
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<NodeResource> stop(NodeRef node) {
    Objects.requireNonNull(node, "node");
    return update(node, "stop", r -> r.toBuilder().running(false).build());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with {@link IllegalArgumentException} when {@code cpu} or {@code memory} is not
   * positive, or when the node has a volume and {@code volumeSize} is smaller than it.
   *
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<NodeResource> resize(NodeRef node, int cpu, int memory, int volumeSize) {
    Objects.requireNonNull(node, "node");
    return update(
        node,
        "resize",
        r -> {
          checkSizes(cpu, memory, volumeSize);
          if (r.volumeSize() > 0 && volumeSize < r.volumeSize()) {
            throw new IllegalArgumentException(
                "the volume of node "
                    + node.nodeId()
                    + " cannot shrink from "
                    + r.volumeSize()
                    + " to "
                    + volumeSize
                    + " GiB");
          }
          return r.toBuilder()
              .cpu(cpu)
              .memory(memory)
              .volumeSize(r.volumeSize() > 0 ? volumeSize : 0)
              .build();
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<NodeResource> replaceImage(NodeRef node, String image) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(image, "image");
    return update(node, "replace the image of", r -> r.toBuilder().image(image).build());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Removes the volume directory first (unless kept), then the node file, so that a delete
   * interrupted in between is finished by the next one.
   *
   * @throws NullPointerException if {@code node} is null
   */
  @Override
  public CompletableFuture<Optional<String>> delete(NodeRef node, boolean keepVolume) {
    Objects.requireNonNull(node, "node");
    return async(
        "delete node " + node.nodeId(),
        () -> {
          Path file = nodeFile(node);
          Optional<NodeResource> existing = read(file);
          if (existing.isEmpty()) {
            return Optional.<String>empty();
          }
          String volumeId = existing.get().volumeId().orElse("");
          if (!volumeId.isEmpty() && !keepVolume) {
            deleteRecursively(root.resolve("volumes").resolve(volumeId));
          }
          Files.deleteIfExists(file);
          return volumeId.isEmpty() || !keepVolume
              ? Optional.<String>empty()
              : Optional.of(volumeId);
        });
  }

  /**
   * Stops the provider's thread after the work already handed to it; later calls fail their stage
   * with {@link IllegalStateException}. Idempotent.
   */
  @Override
  public void close() {
    executor.shutdown();
    try {
      if (!executor.awaitTermination(10, TimeUnit.SECONDS)) {
        executor.shutdownNow();
      }
    } catch (InterruptedException e) {
      executor.shutdownNow();
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------------------ internals

  /** File work that may throw {@link IOException}. */
  @FunctionalInterface
  private interface Work<T> {
    T call() throws IOException;
  }

  /**
   * Runs {@code work} on the provider's thread and completes the returned future with its result or
   * its failure; never throws.
   */
  private <T> CompletableFuture<T> async(String what, Work<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    try {
      executor.execute(
          () -> {
            try {
              result.complete(work.call());
            } catch (IOException | UncheckedIOException e) {
              result.completeExceptionally(
                  new LifecycleException(
                      "cannot " + what + " in " + root + ": " + e.getMessage(), e));
            } catch (RuntimeException e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(
          new IllegalStateException("cannot " + what + ": the provider is closed", e));
    }
    return result;
  }

  /** Reads, changes and rewrites an existing node's file. */
  private CompletableFuture<NodeResource> update(
      NodeRef node, String verb, UnaryOperator<NodeResource> change) {
    return async(
        verb + " node " + node.nodeId(),
        () -> {
          Path file = nodeFile(node);
          NodeResource current =
              read(file)
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
                                  + root));
          NodeResource changed = change.apply(current);
          write(file, changed);
          return changed;
        });
  }

  private Path nodeFile(NodeRef node) {
    return root.resolve("nodes")
        .resolve(checkId("cluster id", node.clusterId()))
        .resolve(checkId("node id", node.nodeId()) + ".json");
  }

  private static String checkId(String kind, String id) {
    if (!ID.matcher(id).matches()) {
      throw new IllegalArgumentException(
          kind
              + " '"
              + id.replaceAll("\\p{Cntrl}", "?")
              + "' is not a plain file name: use 1 to 128 letters, digits, '.', '_' or '-', starting"
              + " with a letter or digit");
    }
    return id;
  }

  private static void checkSizes(int cpu, int memory, int volumeSize) {
    if (cpu <= 0 || memory <= 0 || volumeSize < 0) {
      throw new IllegalArgumentException(
          "cpu and memory must be positive and the volume size "
              + "not negative, were "
              + cpu
              + " cores, "
              + memory
              + " MiB, "
              + volumeSize
              + " GiB");
    }
  }

  /** Hands out the next node number, kept in the counter file. */
  private long nextNumber() throws IOException {
    Path counter = root.resolve("counter");
    long last =
        Files.exists(counter)
            ? Long.parseLong(Files.readString(counter, StandardCharsets.US_ASCII).strip())
            : 0;
    if (last >= MAX_NODES) {
      throw new IllegalStateException(
          "no address left in 10.0.0.0/16: " + root + " has handed " + "out " + last + " nodes");
    }
    writeAtomically(counter, Long.toString(last + 1).getBytes(StandardCharsets.US_ASCII));
    return last + 1;
  }

  /** The {@code n}-th host address of {@code 10.0.0.0/16}, skipping {@code .0} and {@code .255}. */
  private static String address(long n) {
    long k = n - 1;
    return "10.0." + (k / HOSTS_PER_SUBNET) + "." + (k % HOSTS_PER_SUBNET + 1);
  }

  private static Optional<NodeResource> read(Path file) throws IOException {
    try {
      return Optional.of(RecordCodec.read(Files.readString(file), NodeResource.class));
    } catch (NoSuchFileException e) {
      return Optional.empty();
    }
  }

  private static void write(Path file, NodeResource resource) throws IOException {
    Files.createDirectories(file.getParent());
    writeAtomically(file, RecordCodec.write(resource).getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Writes a temporary file beside the target, forces it to disk and renames it over the target:
   * readers see the old content or the new, never part of either.
   */
  private static void writeAtomically(Path target, byte[] content) throws IOException {
    Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName() + "-", ".tmp");
    try {
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buffer = ByteBuffer.wrap(content);
        while (buffer.hasRemaining()) {
          channel.write(buffer);
        }
        channel.force(true);
      }
      // a rename: on POSIX file systems it replaces the target in one step
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}

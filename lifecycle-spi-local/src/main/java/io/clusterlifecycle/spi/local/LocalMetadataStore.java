package io.clusterlifecycle.spi.local;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.codec.MetadataJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata tree in a file of the {@link LocalHome}, and each node's view of it in the node's
 * directory: the embedded default {@link MetadataStore}.
 *
 * <p>The whole tree lives in {@code HOME/metadata/tree.json}, which every commit replaces
 * atomically (temporary file, fsync, rename), so a commit is durable and all-or-nothing even if the
 * process is killed. The tree is held in memory and re-read whenever the file was changed by
 * another store instance or process sharing the home; commits from several instances are serialised
 * by a lock file.
 *
 * <p>Keys are absolute paths: they start with {@code /}, do not end with {@code /}, and have no
 * empty, {@code .} or {@code ..} segments. A key is under a prefix when it equals the prefix or
 * continues it with {@code /} ({@code /a/b} is under {@code /a} but {@code /ab} is not); the prefix
 * {@code /} holds every key. A trailing {@code /} on a prefix is ignored.
 *
 * <p>After each commit that touches keys under {@code <root>/<cluster-id>} (the root defaults to
 * {@value #DEFAULT_ROOT}), the store rewrites {@code HOME/nodes/<node-id>/metadata.json} for every
 * node listed under {@code <root>/<cluster-id>/hosts/<role>/<node-id>}, {@code adding-hosts} or
 * {@code deleting-hosts} whose node directory exists and belongs to that cluster. The file holds
 * the cluster's subtree as nested JSON objects, one per path segment, with string leaves; a key
 * that also has keys under it becomes an object whose own value is the member {@code ""}. The file
 * is written atomically and before the commit's stage completes, so a command started after a
 * commit reads the committed tree. The listed nodes of a cluster share one file: it is written in
 * full once and the other nodes' files are hard links to it, where the file system allows (copies
 * where it does not), so commands must read it and never write it.
 *
 * <p>Watchers registered with {@link #watch} are called after the commit is durable, before its
 * stage completes, on the thread that applied it, once per commit that puts a key under their
 * prefix or deletes a prefix overlapping it. They see the commits made through this instance only,
 * not those of other instances or processes sharing the home.
 *
 * <p>Operations run one at a time, in call order, on the executor given at construction. A commit
 * with a key or prefix that breaks the rules above, or a null value, fails with {@link
 * IllegalArgumentException} and changes nothing. Thread-safe.
 */
public final class LocalMetadataStore implements MetadataStore {
  /** The path under which each cluster's tree lives, unless configured otherwise. */
  public static final String DEFAULT_ROOT = "/clusters";

  private static final Logger LOG = LoggerFactory.getLogger(LocalMetadataStore.class);
  private static final List<String> HOST_SECTIONS =
      List.of("hosts", "adding-hosts", "deleting-hosts");

  private final LocalHome home;
  private final String root;
  private final Executor pool;
  private final Executor serial;
  private final ExecutorService ownedExecutor;
  private final Path file;
  private final Path lockFile;
  private final AtomicLong commits = new AtomicLong();
  private final List<Watch> watches = new CopyOnWriteArrayList<>();
  private final NodeMetadataFiles nodeFiles;
  // Guarded by the lock file's in-JVM lock (HomeLocks).
  private NavigableMap<String, String> tree = Collections.emptyNavigableMap();
  private long revision;
  private List<Object> signature;

  /**
   * Creates a store with the {@linkplain #DEFAULT_ROOT default root} that works on a thread of its
   * own, shut down by {@link #close()}.
   *
   * @param home the home holding the tree
   * @throws NullPointerException if {@code home} is null
   */
  public LocalMetadataStore(LocalHome home) {
    this(home, DEFAULT_ROOT, null, Pools.io("lifecycle-spi-local-metadata", 1));
  }

  /**
   * Creates a store that works on the caller's executor, which it does not shut down.
   *
   * @param home the home holding the tree
   * @param root the path under which each cluster's tree lives, such as {@value #DEFAULT_ROOT}; it
   *     decides which commits rewrite the nodes' {@code metadata.json}
   * @param executor runs the file work, one task at a time for this store
   * @throws NullPointerException if an argument is null
   * @throws IllegalArgumentException if {@code root} is not an absolute path
   */
  public LocalMetadataStore(LocalHome home, String root, Executor executor) {
    this(home, root, Objects.requireNonNull(executor, "executor"), null);
  }

  private LocalMetadataStore(
      LocalHome home, String root, Executor executor, ExecutorService owned) {
    this.home = Objects.requireNonNull(home, "home");
    this.root = prefix(Objects.requireNonNull(root, "root"));
    this.ownedExecutor = owned;
    this.pool = owned != null ? owned : executor;
    this.serial = new SerialExecutor(pool);
    this.file = home.metadataDirectory().resolve("tree.json");
    this.lockFile = home.lockFile("metadata");
    this.nodeFiles = new NodeMetadataFiles(home, pool);
  }

  /**
   * Returns the root under which each cluster's tree lives.
   *
   * @return for example {@value #DEFAULT_ROOT}
   */
  public String root() {
    return root;
  }

  /**
   * Counts the commits applied through this instance, including empty ones; failed commits do not
   * count.
   *
   * @return the number of commits whose stage completed normally
   */
  public long commitCount() {
    return commits.get();
  }

  /**
   * {@inheritDoc}
   *
   * <p>Applies the deletes, then the puts. An empty change completes at once without writing.
   */
  @Override
  public CompletionStage<Void> commit(MetadataChange change) {
    Objects.requireNonNull(change, "change");
    return Async.supply(
        serial,
        "commit metadata",
        () -> {
          Map<String, String> puts = new LinkedHashMap<>();
          change
              .puts()
              .forEach(
                  (k, v) -> {
                    if (v == null) {
                      throw new IllegalArgumentException("metadata key " + k + " has no value");
                    }
                    puts.put(key(k), v);
                  });
          List<String> deletes = new ArrayList<>();
          change.deletePrefixes().forEach(p -> deletes.add(prefix(p)));
          MetadataChange normalised = new MetadataChange(puts, deletes);
          if (!normalised.isEmpty()) {
            HomeLocks.withLock(
                lockFile,
                () -> {
                  refresh();
                  NavigableMap<String, String> before = tree;
                  TreeMap<String, String> after = new TreeMap<>(before);
                  for (String p : deletes) {
                    deleteUnder(after, p);
                  }
                  after.putAll(puts);
                  save(after, revision + 1);
                  writeNodeFiles(clustersTouched(normalised, before, after), after);
                  return null;
                });
            notifyWatchers(normalised);
          }
          commits.incrementAndGet();
          return null;
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Map<String, String>> get(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return Async.supply(
        serial,
        "read metadata under " + prefix,
        () -> {
          String p = prefix(prefix);
          return HomeLocks.withLock(
              lockFile,
              () -> {
                refresh();
                return Collections.unmodifiableSortedMap(subtree(tree, p));
              });
        });
  }

  /**
   * {@inheritDoc}
   *
   * @throws IllegalArgumentException if {@code prefix} is not an absolute path
   */
  @Override
  public AutoCloseable watch(String prefix, Consumer<MetadataChange> listener) {
    Watch w =
        new Watch(
            prefix(Objects.requireNonNull(prefix, "prefix")),
            Objects.requireNonNull(listener, "listener"));
    watches.add(w);
    return () -> watches.remove(w);
  }

  /** Removes every watch and shuts down the thread the store created, if any; idempotent. */
  @Override
  public void close() {
    watches.clear();
    if (ownedExecutor != null) {
      Pools.shutdown(ownedExecutor);
    }
  }

  /**
   * Writes a newly created node's {@code metadata.json} when the tree already lists it, so that its
   * first command finds the tree even if the commit came before the node.
   */
  void nodeCreated(NodeResource node) {
    try {
      HomeLocks.withLock(
          lockFile,
          () -> {
            refresh();
            String clusterId = node.ref().clusterId();
            if (nodesListed(clusterId, tree).contains(node.ref().nodeId())) {
              NavigableMap<String, String> keys = tree;
              nodeFiles.writeOne(
                  clusterId, node.ref().nodeId(), revision, () -> clusterJson(clusterId, keys));
            }
            return null;
          });
    } catch (IOException | RuntimeException e) {
      LOG.warn("cannot write the metadata file of node {}: {}", node.ref().nodeId(), e.toString());
    }
  }

  // ---- the tree file

  private void refresh() throws IOException {
    List<Object> current = signatureOf(file);
    if (Objects.equals(current, signature) && current != null) {
      return;
    }
    if (current == null) {
      tree = Collections.emptyNavigableMap();
      revision = 0;
      signature = null;
      return;
    }
    String text = Files.readString(file);
    ObjectNode o = Json.readObject(text, file.toString());
    TreeMap<String, String> keys = new TreeMap<>();
    JsonNode k = o.get("keys");
    if (k != null) {
      k.properties().forEach(e -> keys.put(e.getKey(), e.getValue().asText()));
    }
    tree = Collections.unmodifiableNavigableMap(keys);
    revision = o.path("revision").asLong();
    signature = current;
  }

  private void save(TreeMap<String, String> keys, long newRevision) throws IOException {
    ObjectNode o = Json.object();
    o.put("revision", newRevision);
    o.set("keys", Json.strings(keys));
    AtomicFiles.writeString(file, Json.write(o));
    tree = Collections.unmodifiableNavigableMap(keys);
    revision = newRevision;
    signature = signatureOf(file);
  }

  private static List<Object> signatureOf(Path path) throws IOException {
    try {
      BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class);
      return Arrays.asList(a.fileKey(), a.lastModifiedTime(), a.size());
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  // ---- node files

  private Set<String> clustersTouched(
      MetadataChange change,
      NavigableMap<String, String> before,
      NavigableMap<String, String> after) {
    Set<String> clusters = new LinkedHashSet<>();
    for (String k : change.puts().keySet()) {
      clusterOf(k).ifPresent(clusters::add);
    }
    for (String p : change.deletePrefixes()) {
      if (under(root, p)) {
        clusters.addAll(clustersIn(before));
        clusters.addAll(clustersIn(after));
      } else {
        clusterOf(p).ifPresent(clusters::add);
      }
    }
    return clusters;
  }

  private Optional<String> clusterOf(String key) {
    if (key.equals(root) || !under(key, root)) {
      return Optional.empty();
    }
    String rest = key.substring(base().length() + 1);
    int slash = rest.indexOf('/');
    return Optional.of(slash < 0 ? rest : rest.substring(0, slash));
  }

  private Set<String> clustersIn(NavigableMap<String, String> keys) {
    Set<String> ids = new LinkedHashSet<>();
    for (String k : subtree(keys, root).keySet()) {
      clusterOf(k).ifPresent(ids::add);
    }
    return ids;
  }

  private Set<String> nodesListed(String clusterId, NavigableMap<String, String> keys) {
    Set<String> nodes = new LinkedHashSet<>();
    String clusterPrefix = base() + "/" + clusterId;
    for (String section : HOST_SECTIONS) {
      String sectionPrefix = clusterPrefix + "/" + section;
      for (String k : subtree(keys, sectionPrefix).keySet()) {
        String[] rest = k.substring(sectionPrefix.length()).split("/");
        // rest = ["", role, node-id, ...]
        if (rest.length >= 3) {
          nodes.add(rest[2]);
        }
      }
    }
    return nodes;
  }

  /**
   * Rewrites the {@code metadata.json} of every node the touched clusters list: each cluster's tree
   * is rendered once and written once, the other nodes linking to it.
   */
  private void writeNodeFiles(Set<String> clusters, NavigableMap<String, String> keys) {
    for (String clusterId : clusters) {
      Set<String> nodes = nodesListed(clusterId, keys);
      if (!nodes.isEmpty()) {
        nodeFiles.publish(clusterId, nodes, clusterJson(clusterId, keys), revision);
      }
    }
  }

  private byte[] clusterJson(String clusterId, NavigableMap<String, String> keys) {
    String clusterPrefix = base() + "/" + clusterId;
    return Json.write(MetadataJson.nested(subtree(keys, clusterPrefix), clusterPrefix))
        .getBytes(StandardCharsets.UTF_8);
  }

  // ---- watches

  private void notifyWatchers(MetadataChange change) {
    for (Watch w : watches) {
      MetadataChange part = w.part(change);
      if (part.isEmpty()) {
        continue;
      }
      try {
        w.listener.accept(part);
      } catch (RuntimeException e) {
        LOG.warn("metadata watcher on {} threw {}", w.prefix, e.toString(), e);
      }
    }
  }

  private record Watch(String prefix, Consumer<MetadataChange> listener) {
    MetadataChange part(MetadataChange change) {
      Map<String, String> puts = new LinkedHashMap<>();
      change
          .puts()
          .forEach(
              (k, v) -> {
                if (under(k, prefix)) {
                  puts.put(k, v);
                }
              });
      Set<String> deletes = new LinkedHashSet<>();
      for (String p : change.deletePrefixes()) {
        if (under(p, prefix)) {
          deletes.add(p);
        } else if (under(prefix, p)) {
          deletes.add(prefix);
        }
      }
      return new MetadataChange(puts, List.copyOf(deletes));
    }
  }

  // ---- paths

  private String base() {
    return root.equals("/") ? "" : root;
  }

  static boolean under(String key, String prefix) {
    return prefix.equals("/")
        || key.equals(prefix)
        || (key.startsWith(prefix) && key.charAt(prefix.length()) == '/');
  }

  /** A copy of the keys under {@code prefix}. */
  private static NavigableMap<String, String> subtree(
      NavigableMap<String, String> keys, String prefix) {
    if (prefix.equals("/")) {
      return new TreeMap<>(keys);
    }
    // Keys under "p" are "p" itself and the range ["p/", "p0"): '0' is the character after '/'.
    TreeMap<String, String> result =
        new TreeMap<>(keys.subMap(prefix + "/", true, prefix + "0", false));
    String own = keys.get(prefix);
    if (own != null) {
      result.put(prefix, own);
    }
    return result;
  }

  private static void deleteUnder(NavigableMap<String, String> keys, String prefix) {
    if (prefix.equals("/")) {
      keys.clear();
      return;
    }
    keys.remove(prefix);
    keys.subMap(prefix + "/", true, prefix + "0", false).clear();
  }

  /** Checks a key; see the class description. */
  static String key(String key) {
    if (key == null || key.length() < 2 || key.charAt(0) != '/' || key.endsWith("/")) {
      throw new IllegalArgumentException(
          "metadata key '"
              + key
              + "' must be an absolute path such as /clusters/c1/env/x, without a trailing '/'");
    }
    for (String segment : key.substring(1).split("/", -1)) {
      if (segment.isEmpty() || segment.equals(".") || segment.equals("..")) {
        throw new IllegalArgumentException(
            "metadata key '" + key + "' has an empty, '.' or '..' segment");
      }
    }
    return key;
  }

  /** Checks a prefix and drops a trailing {@code /}; {@code /} stays as it is. */
  static String prefix(String prefix) {
    if (prefix.equals("/")) {
      return prefix;
    }
    return key(prefix.endsWith("/") ? prefix.substring(0, prefix.length() - 1) : prefix);
  }
}

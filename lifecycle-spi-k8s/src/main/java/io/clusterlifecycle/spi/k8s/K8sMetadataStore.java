package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MetadataStore} that keeps each cluster's metadata tree (docs/design.md §4) in one
 * ConfigMap, {@code lc-metadata.<cluster-id>}: key {@code tree.json} holds the tree as a sorted
 * JSON object of paths to values, key {@code change.json} the last commit.
 *
 * <p>A tree is everything under {@code <root>/<cluster-id>} ({@code root} is the engine's metadata
 * root, {@code /clusters} by default). {@link #commit} writes one tree in one update, a
 * compare-and-set on the ConfigMap's {@code resourceVersion}, retried on conflict with a short
 * random back-off up to {@link Builder#maxAttempts} times (then it fails with {@link
 * TransientSpiException}); one store's commits of one tree take turns. Readers and watchers see all
 * of a commit or none of it. A commit whose keys or delete prefixes span more than one tree, or lie
 * outside the root, is refused with {@link IllegalArgumentException}; the engine's commits each
 * touch one cluster. A commit that would make the ConfigMap pass {@link Builder#maxBytes}
 * (Kubernetes allows 1 MiB of data) is refused whole with {@link K8sObjectTooLargeException};
 * nothing is truncated. A tree that becomes empty is deleted.
 *
 * <p>{@link #get} of a path in a tree reads its ConfigMap; of the root or above, every tree's.
 * {@link #watch} opens a Kubernetes watch and calls the listener once per commit that touches the
 * prefix, with the part of the commit under it, computed from {@code change.json}. A watch the API
 * server ends (for example with 410 Gone after a long disconnection) is resumed: after a back-off
 * the watcher lists the trees again, notifies each tree that changed meanwhile as replaced (and one
 * that is gone as deleted), and watches again, until the returned handle or the store is closed.
 *
 * <p>Thread-safe. Build one with {@link #builder()}.
 */
public final class K8sMetadataStore implements MetadataStore {
  private static final Logger LOG = LoggerFactory.getLogger(K8sMetadataStore.class);
  static final String TREE = "tree.json";
  static final String CHANGE = "change.json";
  static final String TREE_ANNOTATION = "lifecycle.clusterlifecycle.io/tree";

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String namespace;
  private final String root;
  private final TreePaths paths;
  private final long maxBytes;
  private final int maxAttempts;
  private final K8sCalls calls;
  private final Map<TreeWatcher, Boolean> watches = new ConcurrentHashMap<>();

  /** Waits out the back-off before a watch the API server ended is resumed. */
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "lifecycle-k8s-metadata-timer");
            t.setDaemon(true);
            return t;
          });

  /** One lock per tree: this store's commits of one tree take turns instead of conflicting. */
  private final Map<String, Object> treeLocks = new ConcurrentHashMap<>();

  private K8sMetadataStore(Builder b) {
    this.ownsClient = b.client == null;
    this.client = b.client != null ? b.client : b.connection.open();
    this.namespace =
        b.namespace != null
            ? b.namespace
            : Optional.ofNullable(client.getNamespace()).orElse("default");
    this.root = b.root;
    this.paths = new TreePaths(b.root);
    this.maxBytes = b.maxBytes;
    this.maxAttempts = b.maxAttempts;
    this.calls = new K8sCalls(b.ioThreads);
  }

  /**
   * Starts a builder.
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  @Override
  public CompletionStage<Void> commit(MetadataChange change) {
    Objects.requireNonNull(change, "change");
    change.puts().forEach((k, v) -> Objects.requireNonNull(v, () -> "the value of " + k));
    if (change.isEmpty()) {
      return java.util.concurrent.CompletableFuture.completedFuture(null);
    }
    String tree = paths.treeOf(change);
    return calls.async(
        "commit metadata of " + tree,
        () -> {
          synchronized (treeLocks.computeIfAbsent(tree, t -> new Object())) {
            write(tree, change);
          }
          return null;
        });
  }

  @Override
  public CompletionStage<Map<String, String>> get(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return calls.async(
        "read metadata under " + prefix,
        () -> {
          SortedMap<String, String> out = new TreeMap<>();
          Optional<String> tree = paths.treeOfPath(prefix);
          if (tree.isPresent()) {
            ConfigMap cm = configMaps().withName(paths.name(tree.get())).get();
            tree(cm).forEach((k, v) -> put(out, prefix, k, v));
          } else if (TreeChange.isUnder(root, prefix)) {
            for (ConfigMap cm : configMaps().withLabels(labels()).list().getItems()) {
              tree(cm).forEach((k, v) -> put(out, prefix, k, v));
            }
          }
          return Collections.unmodifiableSortedMap(out);
        });
  }

  @Override
  public AutoCloseable watch(String prefix, Consumer<MetadataChange> listener) {
    Objects.requireNonNull(prefix, "prefix");
    Objects.requireNonNull(listener, "listener");
    Optional<String> tree = paths.treeOfPath(prefix);
    if (tree.isEmpty() && !TreeChange.isUnder(root, prefix)) {
      return () -> {};
    }
    Supplier<TreeWatcher.Listing> list;
    BiFunction<ListOptions, Watcher<ConfigMap>, Watch> open;
    if (tree.isPresent()) {
      String name = paths.name(tree.get());
      list =
          () -> {
            ConfigMap cm = configMaps().withName(name).get();
            return cm == null
                ? new TreeWatcher.Listing(List.of(), null)
                : new TreeWatcher.Listing(List.of(cm), cm.getMetadata().getResourceVersion());
          };
      open = (options, watcher) -> configMaps().withName(name).watch(options, watcher);
    } else {
      list =
          () -> {
            var all = configMaps().withLabels(labels()).list();
            return new TreeWatcher.Listing(all.getItems(), all.getMetadata().getResourceVersion());
          };
      open = (options, watcher) -> configMaps().withLabels(labels()).watch(options, watcher);
    }
    TreeWatcher w = new TreeWatcher(prefix, listener, list, open, scheduler, calls.executor());
    try {
      w.start();
    } catch (RuntimeException e) {
      w.close();
      throw K8sCalls.translate("watch metadata under " + prefix, e);
    }
    watches.put(w, Boolean.TRUE);
    return () -> {
      watches.remove(w);
      w.close();
    };
  }

  /** Stops every watch and the store's threads; closes the client if the store opened it. */
  @Override
  public void close() {
    watches.keySet().forEach(TreeWatcher::close);
    watches.clear();
    scheduler.shutdownNow();
    calls.close();
    if (ownsClient) {
      client.close();
    }
  }

  /** One compare-and-set of a tree, retried on conflict. */
  private void write(String tree, MetadataChange change) {
    String name = paths.name(tree);
    for (int attempt = 1; attempt <= maxAttempts; attempt++) {
      ConfigMap current = configMaps().withName(name).get();
      TreeMap<String, String> keys = new TreeMap<>(tree(current));
      for (String p : change.deletePrefixes()) {
        keys.keySet().removeIf(k -> TreeChange.isUnder(k, p));
      }
      keys.putAll(change.puts());
      String treeJson = Json.write(keys);
      String changeJson = Json.write(TreeChange.of(change));
      if (bytes(treeJson, changeJson) > maxBytes) {
        changeJson = Json.write(TreeChange.replacement());
        long size = bytes(treeJson, changeJson);
        if (size > maxBytes) {
          throw new K8sObjectTooLargeException(name, size, maxBytes);
        }
      }
      ConfigMap next =
          new ConfigMapBuilder()
              .withNewMetadata()
              .withName(name)
              .withNamespace(namespace)
              .withLabels(labels())
              .withAnnotations(Map.of(TREE_ANNOTATION, root + "/" + tree))
              .withResourceVersion(
                  current == null ? null : current.getMetadata().getResourceVersion())
              .endMetadata()
              .withData(Map.of(TREE, treeJson, CHANGE, changeJson))
              .build();
      try {
        ConfigMap written =
            current == null
                ? configMaps().resource(next).create()
                : configMaps().resource(next).update();
        if (keys.isEmpty()) {
          deleteEmpty(name, written.getMetadata().getResourceVersion());
        }
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 && !(e.getCode() == 404 && current != null)) {
          throw e;
        }
        LOG.debug("metadata tree {} changed under commit attempt {}; retrying", name, attempt);
        backOff(attempt);
      }
    }
    throw new TransientSpiException(
        "commit metadata of "
            + tree
            + ": the ConfigMap "
            + name
            + " kept changing ("
            + maxAttempts
            + " compare-and-set attempts)",
        null);
  }

  /** Waits a little, more after each conflict, so that racing writers of a tree spread out. */
  private static void backOff(int attempt) {
    try {
      Thread.sleep(ThreadLocalRandom.current().nextLong(5, 20L * attempt + 6));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LifecycleException("interrupted while committing metadata", e);
    }
  }

  /** Deletes an empty tree, unless someone wrote it since (a precondition on its version). */
  private void deleteEmpty(String name, String resourceVersion) {
    try {
      configMaps().withName(name).lockResourceVersion(resourceVersion).delete();
    } catch (KubernetesClientException e) {
      LOG.debug("empty metadata tree {} not deleted: {}", name, e.getMessage());
    }
  }

  private static long bytes(String... values) {
    long n = (long) TREE.length() + CHANGE.length();
    for (String v : values) {
      n += v.getBytes(StandardCharsets.UTF_8).length;
    }
    return n;
  }

  private io.fabric8.kubernetes.client.dsl.NonNamespaceOperation<
          ConfigMap,
          io.fabric8.kubernetes.api.model.ConfigMapList,
          io.fabric8.kubernetes.client.dsl.Resource<ConfigMap>>
      configMaps() {
    return client.configMaps().inNamespace(namespace);
  }

  private static Map<String, String> labels() {
    return Map.of(K8sLabels.MANAGED_BY, K8sLabels.MANAGER, K8sLabels.KIND, "metadata");
  }

  /** The tree a ConfigMap holds; empty for none. */
  static SortedMap<String, String> tree(ConfigMap cm) {
    if (cm == null || cm.getData() == null || cm.getData().get(TREE) == null) {
      return new TreeMap<>();
    }
    return Json.readMap(cm.getData().get(TREE), "ConfigMap " + cm.getMetadata().getName());
  }

  private static void put(SortedMap<String, String> out, String prefix, String k, String v) {
    if (TreeChange.isUnder(k, prefix)) {
      out.put(k, v);
    }
  }

  /** Builds a {@link K8sMetadataStore}; not thread-safe. */
  public static final class Builder {
    /** The engine's default metadata root (docs/design.md §4). */
    public static final String DEFAULT_ROOT = "/clusters";

    /** The most bytes of data one ConfigMap may hold: Kubernetes' 1 MiB. */
    public static final long DEFAULT_MAX_BYTES = 1024 * 1024;

    /** How many compare-and-set attempts a commit makes, unless configured otherwise. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;

    private KubernetesClient client;
    private K8sConnection connection = K8sConnection.ofDefaults();
    private String namespace;
    private String root = DEFAULT_ROOT;
    private long maxBytes = DEFAULT_MAX_BYTES;
    private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
    private int ioThreads = 4;

    private Builder() {}

    /**
     * Uses a client the caller owns (and closes) instead of opening one.
     *
     * @param value the client
     * @return this builder
     */
    public Builder client(KubernetesClient value) {
      this.client = Objects.requireNonNull(value, "client");
      return this;
    }

    /**
     * Opens a client from a kubeconfig and context; the store closes it. Default: {@link
     * K8sConnection#ofDefaults()}. Ignored when {@link #client} is set.
     *
     * @param value where the API server is
     * @return this builder
     */
    public Builder connection(K8sConnection value) {
      this.connection = Objects.requireNonNull(value, "connection");
      return this;
    }

    /**
     * Sets the namespace of the ConfigMaps. Default: the client's namespace, else {@code default}.
     *
     * @param value the namespace
     * @return this builder
     */
    public Builder namespace(String value) {
      this.namespace = Objects.requireNonNull(value, "namespace");
      return this;
    }

    /**
     * Sets the metadata root; each path segment below it is one tree, one ConfigMap.
     *
     * @param value an absolute path, the engine's {@code metadataRoot}; default {@link
     *     #DEFAULT_ROOT}
     * @return this builder
     */
    public Builder root(String value) {
      Objects.requireNonNull(value, "root");
      if (!value.startsWith("/") || (value.length() > 1 && value.endsWith("/"))) {
        throw new IllegalArgumentException(
            "root must be an absolute path without a trailing /, was " + value);
      }
      this.root = value;
      return this;
    }

    /**
     * Sets the most bytes of data a tree's ConfigMap may hold.
     *
     * @param value at least 1024; default {@link #DEFAULT_MAX_BYTES}
     * @return this builder
     */
    public Builder maxBytes(long value) {
      if (value < 1024) {
        throw new IllegalArgumentException("maxBytes must be at least 1024, was " + value);
      }
      this.maxBytes = value;
      return this;
    }

    /**
     * Sets how many compare-and-set attempts a commit makes before failing as transient.
     *
     * @param value at least 1; default {@link #DEFAULT_MAX_ATTEMPTS}
     * @return this builder
     */
    public Builder maxAttempts(int value) {
      if (value < 1) {
        throw new IllegalArgumentException("maxAttempts must be at least 1, was " + value);
      }
      this.maxAttempts = value;
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     */
    public K8sMetadataStore build() {
      return new K8sMetadataStore(this);
    }
  }
}

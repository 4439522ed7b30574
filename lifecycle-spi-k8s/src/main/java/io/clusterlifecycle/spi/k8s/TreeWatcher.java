package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ListOptions;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link K8sMetadataStore#watch}: a Kubernetes watch of metadata ConfigMaps turned into one
 * notification per commit for a watcher of a prefix, which resumes when the API server ends it.
 *
 * <p>Each event carries the commit ({@code change.json}); versions already seen (the ones listed
 * before the watch started, which the CRUD mock replays as ADDED) are skipped. When the watch ends
 * with an error (410 Gone after a long disconnection, a lost connection the client gave up on), the
 * watcher lists the ConfigMaps again after a back-off ({@link #FIRST_BACKOFF}, doubling up to
 * {@link #MAX_BACKOFF}, on the store's scheduler), tells the listener what it missed, and watches
 * again from the listed version, until {@link #close()}. What it missed it cannot know commit by
 * commit: a tree whose version moved is notified as replaced (its watched part deleted, then every
 * key of it put), a tree that is gone as deleted; the listener then holds the subtree as it is.
 *
 * <p>The listener is called on the client's watch thread or on one of the store's I/O threads, one
 * call at a time. Thread-safe.
 */
final class TreeWatcher implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TreeWatcher.class);

  /** The wait before the first attempt to watch again. */
  static final Duration FIRST_BACKOFF = Duration.ofMillis(200);

  /** The longest wait between attempts to watch again. */
  static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

  /** The metadata ConfigMaps a watcher follows, and the resource version they were listed at. */
  record Listing(List<ConfigMap> items, String resourceVersion) {
    Listing {
      items = List.copyOf(items);
    }
  }

  private final String prefix;
  private final Consumer<MetadataChange> listener;
  private final Supplier<Listing> list;
  private final BiFunction<ListOptions, Watcher<ConfigMap>, Watch> open;
  private final ScheduledExecutorService scheduler;
  private final Executor io;

  /** The resource version of each ConfigMap last seen, by name. */
  private final Map<String, String> seen = new ConcurrentHashMap<>();

  /** The tree root of each ConfigMap seen, by name, to tell a vanished tree's watchers. */
  private final Map<String, String> roots = new ConcurrentHashMap<>();

  private final Object lock = new Object();
  private Watch current;
  private ScheduledFuture<?> pending;
  private int failures;
  private boolean closed;

  /**
   * @param list reads the ConfigMaps the watch covers (blocking)
   * @param open opens a Kubernetes watch of them (blocking)
   * @param scheduler waits out the back-off
   * @param io runs the blocking calls of a resume
   */
  TreeWatcher(
      String prefix,
      Consumer<MetadataChange> listener,
      Supplier<Listing> list,
      BiFunction<ListOptions, Watcher<ConfigMap>, Watch> open,
      ScheduledExecutorService scheduler,
      Executor io) {
    this.prefix = prefix;
    this.listener = listener;
    this.list = list;
    this.open = open;
    this.scheduler = scheduler;
    this.io = io;
  }

  /** Lists and watches, on the caller's thread; a failure is thrown as the client's exception. */
  void start() {
    Listing listing = list.get();
    listing.items().forEach(this::remember);
    watchFrom(listing.resourceVersion());
  }

  /** Lists again, notifies what changed meanwhile and watches again; on failure, tries later. */
  private void resume() {
    synchronized (lock) {
      pending = null;
      if (closed) {
        return;
      }
    }
    try {
      Listing listing = list.get();
      Set<String> gone = new HashSet<>(seen.keySet());
      for (ConfigMap cm : listing.items()) {
        String name = cm.getMetadata().getName();
        gone.remove(name);
        String version = cm.getMetadata().getResourceVersion();
        String before = seen.get(name);
        remember(cm);
        String root = roots.get(name);
        if (root != null && (before == null || !before.equals(version))) {
          deliver(TreeChange.replacement().under(prefix, root, K8sMetadataStore.tree(cm)));
        }
      }
      for (String name : gone) {
        seen.remove(name);
        String root = roots.remove(name);
        if (root != null) {
          deliver(
              new TreeChange(Map.of(), List.of(root), false).under(prefix, root, new TreeMap<>()));
        }
      }
      watchFrom(listing.resourceVersion());
      LOG.info("watching metadata under {} again", prefix);
      synchronized (lock) {
        failures = 0;
      }
    } catch (RuntimeException e) {
      LOG.warn("could not watch metadata under {} again: {}", prefix, e.toString());
      scheduleResume();
    }
  }

  private void watchFrom(String resourceVersion) {
    ListOptions options = new ListOptionsBuilder().withResourceVersion(resourceVersion).build();
    Watch w = open.apply(options, new Generation());
    synchronized (lock) {
      if (!closed) {
        current = w;
        return;
      }
    }
    w.close();
  }

  private void scheduleResume() {
    synchronized (lock) {
      if (closed || pending != null) {
        return;
      }
      long delay =
          Math.min(MAX_BACKOFF.toMillis(), FIRST_BACKOFF.toMillis() << Math.min(failures, 20));
      failures++;
      try {
        pending =
            scheduler.schedule(
                () -> {
                  try {
                    io.execute(this::resume);
                  } catch (RejectedExecutionException e) {
                    LOG.debug("the metadata store is closed; no longer watching {}", prefix);
                  }
                },
                delay,
                TimeUnit.MILLISECONDS);
      } catch (RejectedExecutionException e) {
        LOG.debug("the metadata store is closed; no longer watching {}", prefix);
      }
    }
  }

  private void remember(ConfigMap cm) {
    String name = cm.getMetadata().getName();
    String version = cm.getMetadata().getResourceVersion();
    if (version != null) {
      seen.put(name, version);
    }
    String root = treeRoot(cm);
    if (root != null) {
      roots.put(name, root);
    }
  }

  private static String treeRoot(ConfigMap cm) {
    return cm.getMetadata().getAnnotations() == null
        ? null
        : cm.getMetadata().getAnnotations().get(K8sMetadataStore.TREE_ANNOTATION);
  }

  private void deliver(MetadataChange n) {
    if (n == null) {
      return;
    }
    try {
      listener.accept(n);
    } catch (RuntimeException e) {
      LOG.warn("a metadata watcher of {} threw; ignored", prefix, e);
    }
  }

  /** Stops watching: closes the Kubernetes watch and cancels a pending resume. Idempotent. */
  @Override
  public void close() {
    Watch w;
    synchronized (lock) {
      closed = true;
      w = current;
      current = null;
      if (pending != null) {
        pending.cancel(false);
        pending = null;
      }
    }
    if (w != null) {
      w.close();
    }
  }

  /** The events of one Kubernetes watch; when it ends with an error, the watcher resumes. */
  private final class Generation implements Watcher<ConfigMap> {
    @Override
    public void eventReceived(Action action, ConfigMap cm) {
      String name = cm.getMetadata().getName();
      if (action == Action.DELETED) {
        // the commit that emptied the tree was notified before the delete
        seen.remove(name);
        roots.remove(name);
        return;
      }
      if (action != Action.ADDED && action != Action.MODIFIED) {
        return;
      }
      String version = cm.getMetadata().getResourceVersion();
      if (version != null && version.equals(seen.put(name, version))) {
        return;
      }
      String change = cm.getData() == null ? null : cm.getData().get(K8sMetadataStore.CHANGE);
      String root = treeRoot(cm);
      if (root != null) {
        roots.put(name, root);
      }
      if (change == null || root == null) {
        return;
      }
      deliver(
          Json.read(change, TreeChange.class, "ConfigMap " + name)
              .under(prefix, root, K8sMetadataStore.tree(cm)));
    }

    @Override
    public void onClose(WatcherException cause) {
      if (cause == null) {
        return;
      }
      LOG.warn(
          "the watch of metadata under {} ended: {}; watching again", prefix, cause.getMessage());
      synchronized (lock) {
        if (closed) {
          return;
        }
        current = null;
      }
      scheduleResume();
    }
  }
}

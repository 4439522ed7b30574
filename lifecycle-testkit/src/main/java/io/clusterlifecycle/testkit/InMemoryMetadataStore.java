package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A {@link MetadataStore} that keeps the tree in a sorted map in memory, for tests: it honours the
 * SPI contract (atomic commits, one notification per commit per watcher) and counts commits and
 * notifications so that a test can assert, for example, one transaction per publication step.
 *
 * <p>Paths: keys, prefixes and watched paths are absolute ({@code /}-separated, starting with
 * {@code /}). A key is <em>under</em> a path when it equals the path or starts with the path
 * followed by {@code /}; every key is under {@code /}. A trailing {@code /} on a prefix is ignored,
 * so {@code /a/} means {@code /a}, and {@code /a} does not cover {@code /ab}.
 *
 * <p>Commits: {@link #commit} applies a change under one lock — first every delete prefix, then
 * every put — so a concurrent {@link #get} sees all of a change or none of it. A change with a key
 * or prefix that is not absolute, or a null value, is refused whole with {@link
 * IllegalArgumentException} and changes nothing.
 *
 * <p>Notifications: a watcher is notified exactly once for each commit that touches its path, with
 * the part of the change under its path: the puts of keys under it, and for each delete prefix that
 * removed at least one key under it, that prefix (or the watched path itself, when the delete
 * prefix is above it). Puts always touch; deletes touch only when they removed a key, as in etcd.
 * Listeners are called <b>outside</b> the store's lock, one at a time, <b>in commit order</b>
 * across the whole store (every notification of one commit is delivered before any of the next), on
 * the thread of one of the committing callers. The stage returned by {@link #commit} completes
 * after that commit's notifications have been delivered, so a test that waits for the commit can
 * check its watchers at once. A listener may call {@link #commit} (the nested commit is delivered
 * after the current one) but must not wait for that commit to complete. A listener that throws does
 * not affect the commit or other watchers; the error is kept in {@link #listenerFailures()}.
 *
 * <p>Thread-safe. {@link #close()} does nothing.
 */
public final class InMemoryMetadataStore implements MetadataStore {
  private static final String ROOT = "/";

  private final Object lock = new Object();
  // guarded by lock
  private final MetadataKeys data = new MetadataKeys();
  private final List<MetadataChange> commits = new ArrayList<>();
  private final List<Watch> watches = new ArrayList<>();
  private final List<Watch> everyWatch = new ArrayList<>();

  private final Faults<MetadataChange> commitFaults = new Faults<>();
  private final ConcurrentLinkedQueue<Delivery> deliveries = new ConcurrentLinkedQueue<>();
  private final AtomicBoolean delivering = new AtomicBoolean();
  private final AtomicLong notifications = new AtomicLong();
  private final List<Throwable> listenerFailures = new CopyOnWriteArrayList<>();

  /** Creates an empty store with no watchers. */
  public InMemoryMetadataStore() {}

  // ---------------------------------------------------------------- SPI

  /**
   * Applies a change atomically and notifies the watchers it touches.
   *
   * @param change the keys to set and the prefixes to delete
   * @return completes once the change is visible and its notifications delivered; completes
   *     exceptionally with {@link IllegalArgumentException} for a path that is not absolute or a
   *     null value, or with the error of a programmed {@link Fault}, and then nothing changed
   * @throws NullPointerException if {@code change} is null
   */
  @Override
  public CompletableFuture<Void> commit(MetadataChange change) {
    Objects.requireNonNull(change, "change");
    try {
      change
          .puts()
          .forEach(
              (key, value) -> {
                checkPath(key, "key");
                if (value == null) {
                  throw new IllegalArgumentException("value of key " + key + " is null");
                }
              });
      change.deletePrefixes().forEach(p -> checkPath(p, "delete prefix"));
    } catch (IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    Optional<Throwable> fault = commitFaults.match(change);
    if (fault.isPresent()) {
      return CompletableFuture.failedFuture(fault.get());
    }
    CompletableFuture<Void> done = new CompletableFuture<>();
    synchronized (lock) {
      Map<String, List<String>> removedByPrefix = new LinkedHashMap<>();
      for (String prefix : change.deletePrefixes()) {
        String p = normalize(prefix);
        List<String> removed = data.under(p);
        removed.forEach(data::remove);
        removedByPrefix.merge(
            p,
            removed,
            (a, b) -> {
              List<String> all = new ArrayList<>(a);
              all.addAll(b);
              return all;
            });
      }
      data.putAll(change.puts());
      commits.add(change);
      List<Notification> toNotify = new ArrayList<>();
      for (Watch w : watches) {
        MetadataChange part = partUnder(w.prefix, change, removedByPrefix);
        if (!part.isEmpty()) {
          toNotify.add(new Notification(w, part));
        }
      }
      // queued under the lock, so the queue is in commit order
      deliveries.add(new Delivery(toNotify, done));
    }
    deliver();
    return done;
  }

  /**
   * Reads every key under a path.
   *
   * @param prefix an absolute path; {@code /} for everything
   * @return a sorted, unmodifiable snapshot, possibly empty
   * @throws IllegalArgumentException if {@code prefix} is not absolute
   * @throws NullPointerException if {@code prefix} is null
   */
  @Override
  public CompletableFuture<Map<String, String>> get(String prefix) {
    String p = normalize(checkPath(prefix, "prefix"));
    synchronized (lock) {
      SortedMap<String, String> out = new TreeMap<>();
      for (String key : data.under(p)) {
        out.put(key, data.get(key));
      }
      return CompletableFuture.completedFuture(Collections.unmodifiableSortedMap(out));
    }
  }

  /**
   * Watches a path: {@code listener} receives, once per commit that touches the path, the part of
   * the commit under it. Commits that completed before this returns are not delivered to it.
   *
   * @param prefix an absolute path; {@code /} for everything
   * @param listener called once per commit touching the path, as the class comment describes
   * @return the watch; closing it stops further notifications
   * @throws IllegalArgumentException if {@code prefix} is not absolute
   * @throws NullPointerException if an argument is null
   */
  @Override
  public Watch watch(String prefix, Consumer<MetadataChange> listener) {
    String p = normalize(checkPath(prefix, "prefix"));
    Objects.requireNonNull(listener, "listener");
    Watch w = new Watch(p, listener);
    synchronized (lock) {
      watches.add(w);
      everyWatch.add(w);
    }
    return w;
  }

  // ---------------------------------------------------------------- faults

  /**
   * Makes the matching commits fail with {@code error}; a failed commit changes nothing, notifies
   * nobody and is not counted.
   *
   * @param which which changes; called on the committing thread, must not throw
   * @param error the error the stage completes with
   * @return the fault, to limit with {@link Fault#times(int)} or to remove
   * @throws NullPointerException if an argument is null
   */
  public Fault failCommit(Predicate<MetadataChange> which, Throwable error) {
    return commitFaults.add(which, error);
  }

  /** Removes every programmed fault. */
  public void clearFaults() {
    commitFaults.clear();
  }

  // ---------------------------------------------------------------- inspection

  /**
   * Counts the commits applied so far, including empty ones.
   *
   * @return the number of successful {@link #commit} calls
   */
  public int commitCount() {
    synchronized (lock) {
      return commits.size();
    }
  }

  /**
   * Returns every change applied so far, in commit order.
   *
   * @return a snapshot
   */
  public List<MetadataChange> commits() {
    synchronized (lock) {
      return List.copyOf(commits);
    }
  }

  /**
   * Counts the notifications delivered so far, over all watches.
   *
   * @return the number of listener calls
   */
  public long notificationCount() {
    return notifications.get();
  }

  /**
   * Counts the notifications delivered so far to the watches of one path, closed ones included.
   *
   * @param prefix the watched path, as given to {@link #watch} (a trailing {@code /} is ignored)
   * @return the number of listener calls
   */
  public long notificationCount(String prefix) {
    String p = normalize(checkPath(prefix, "prefix"));
    synchronized (lock) {
      return everyWatch.stream()
          .filter(w -> w.prefix.equals(p))
          .mapToLong(Watch::notificationCount)
          .sum();
    }
  }

  /**
   * Returns the whole tree now.
   *
   * @return a sorted, unmodifiable snapshot
   */
  public SortedMap<String, String> snapshot() {
    synchronized (lock) {
      return Collections.unmodifiableSortedMap(data.all());
    }
  }

  /**
   * Reads one key now.
   *
   * @param key the absolute key
   * @return its value, or empty
   */
  public Optional<String> value(String key) {
    Objects.requireNonNull(key, "key");
    synchronized (lock) {
      return Optional.ofNullable(data.get(key));
    }
  }

  /**
   * Returns what listeners threw, in the order they threw it.
   *
   * @return a snapshot; empty when every listener behaved
   */
  public List<Throwable> listenerFailures() {
    return List.copyOf(listenerFailures);
  }

  // ---------------------------------------------------------------- internals

  /** Delivers queued commits in order; only one thread delivers at a time. */
  private void deliver() {
    while (delivering.compareAndSet(false, true)) {
      try {
        Delivery d;
        while ((d = deliveries.poll()) != null) {
          for (Notification n : d.notifications()) {
            n.watch().deliver(n.part());
          }
          d.done().complete(null);
        }
      } finally {
        delivering.set(false);
      }
      if (deliveries.isEmpty()) {
        return;
      }
    }
  }

  private static MetadataChange partUnder(
      String watched, MetadataChange change, Map<String, List<String>> removedByPrefix) {
    Map<String, String> puts = new LinkedHashMap<>();
    change
        .puts()
        .forEach(
            (key, value) -> {
              if (isUnder(key, watched)) {
                puts.put(key, value);
              }
            });
    Set<String> deletes = new LinkedHashSet<>();
    removedByPrefix.forEach(
        (prefix, removed) -> {
          if (removed.stream().anyMatch(k -> isUnder(k, watched))) {
            deletes.add(isUnder(prefix, watched) ? prefix : watched);
          }
        });
    return new MetadataChange(puts, List.copyOf(deletes));
  }

  static boolean isUnder(String key, String path) {
    return path.equals(ROOT) || key.equals(path) || key.startsWith(path + "/");
  }

  static String normalize(String path) {
    String p = path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  private static String checkPath(String path, String what) {
    Objects.requireNonNull(path, what);
    if (!path.startsWith(ROOT)) {
      throw new IllegalArgumentException(
          what + " must be an absolute path starting with /, was '" + path + "'");
    }
    return path;
  }

  private record Notification(Watch watch, MetadataChange part) {}

  private record Delivery(List<Notification> notifications, CompletableFuture<Void> done) {}

  /**
   * One watch on an {@link InMemoryMetadataStore}, returned by {@link #watch}. Counts and keeps
   * what it delivered. Thread-safe.
   */
  public final class Watch implements AutoCloseable {
    private final String prefix;
    private final Consumer<MetadataChange> listener;
    private final List<MetadataChange> received = new CopyOnWriteArrayList<>();
    private volatile boolean closed;

    private Watch(String prefix, Consumer<MetadataChange> listener) {
      this.prefix = prefix;
      this.listener = listener;
    }

    /**
     * Returns the watched path.
     *
     * @return the path, without a trailing {@code /}
     */
    public String prefix() {
      return prefix;
    }

    /**
     * Counts the notifications delivered to this watch.
     *
     * @return the number of listener calls
     */
    public long notificationCount() {
      return received.size();
    }

    /**
     * Returns the changes delivered to this watch, in delivery (commit) order.
     *
     * @return a snapshot
     */
    public List<MetadataChange> received() {
      return List.copyOf(received);
    }

    /**
     * Tells whether the watch was closed.
     *
     * @return true after {@link #close()}
     */
    public boolean isClosed() {
      return closed;
    }

    /**
     * Stops the watch: no notification starts after this returns (one being delivered on another
     * thread may finish). Idempotent.
     */
    @Override
    public void close() {
      closed = true;
      synchronized (lock) {
        watches.remove(this);
      }
    }

    private void deliver(MetadataChange part) {
      if (closed) {
        return;
      }
      received.add(part);
      notifications.incrementAndGet();
      try {
        listener.accept(part);
      } catch (Throwable t) { // a listener must not break delivery to the others
        listenerFailures.add(t);
      }
    }

    @Override
    public String toString() {
      return "Watch["
          + prefix
          + ", notifications="
          + received.size()
          + (closed ? ", closed" : "")
          + "]";
    }
  }
}

package io.clusterlifecycle.spi.etcd;

import static io.clusterlifecycle.spi.etcd.EtcdCalls.bytes;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.prefixEnd;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.string;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.under;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.Watch;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import io.etcd.jetcd.watch.WatchEvent;
import io.etcd.jetcd.watch.WatchResponse;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metadata tree (docs/design.md §4) in etcd, where node agents such as confd read it: each key
 * of the tree is one etcd key, {@code prefix + key}, holding the plain string value — the layout
 * stock confd's etcd backend renders from ({@code confd -backend etcdv3 -prefix PREFIX}).
 *
 * <p>Each {@link #commit} is one etcd transaction, so a watcher sees one revision per publish; a
 * change of more than {@link Builder#maxTxnOps(int)} operations (etcd's {@code --max-txn-ops}, 128
 * by default) is split into several transactions, deletes first. Deleting a prefix removes the key
 * itself and the keys under {@code prefix/}, never a sibling such as {@code prefix-2}; keys the
 * same change sets again are left out of the delete ranges, as etcd refuses a put inside a range
 * the same transaction deletes.
 *
 * <p>Failures: an unreachable etcd or a call without an answer within the {@linkplain
 * Builder#requestTimeout(Duration) timeout} fails the stage with {@link
 * io.clusterlifecycle.api.spi.TransientSpiException} (the engine retries it); watches resume by
 * themselves when etcd is back, from the revision they had reached, and start again from the
 * current tree if etcd compacted the revision they had reached. A refused certificate, a wrong
 * password or a missing permission on the prefix ({@linkplain Builder#security(EtcdSecurity) TLS
 * and credentials}, docs/design.md §9.8) fails with {@link EtcdAccessException}, which is not
 * retried.
 */
public final class EtcdMetadataStore implements MetadataStore {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdMetadataStore.class);

  /** How long a watch that etcd refused (TLS, authentication, permission) waits to try again. */
  static final long REFUSED_WATCH_RETRY_SECONDS = 10;

  /** etcd's default limit of operations in one transaction ({@code --max-txn-ops}). */
  public static final int DEFAULT_MAX_TXN_OPS = 128;

  private final Client client;
  private final boolean ownsClient;
  private final String prefix;
  private final int maxTxnOps;
  private final EtcdCalls calls;

  private EtcdMetadataStore(Builder b) {
    this.ownsClient = b.ownsClient();
    this.client = b.clientOrConnect();
    this.prefix = b.prefix;
    this.maxTxnOps = b.maxTxnOps;
    this.calls =
        new EtcdCalls(
            b.where() + (prefix.isEmpty() ? "" : " under " + prefix),
            b.requestTimeout,
            b.accessErrors(prefix));
  }

  /**
   * Starts a builder.
   *
   * @return a builder with no endpoints set
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * Opens a store on etcd members with the default settings and no key prefix.
   *
   * @param address {@code etcd://HOST:PORT[,HOST:PORT…][?max-txn-ops=N]}, or the members' client
   *     URLs; see {@link EtcdEndpoints#parse(String)}
   * @return the store; closing it closes its client
   * @throws io.clusterlifecycle.api.error.ValidationException if the address is not of that form
   */
  public static EtcdMetadataStore open(String address) {
    return builder().endpoints(EtcdEndpoints.parse(address)).build();
  }

  /**
   * {@inheritDoc}
   *
   * <p>One etcd transaction, unless the change holds more operations than {@link
   * Builder#maxTxnOps(int)}.
   */
  @Override
  public CompletionStage<Void> commit(MetadataChange change) {
    if (change == null) {
      return CompletableFuture.failedFuture(new NullPointerException("change"));
    }
    if (calls.isClosed()) {
      return CompletableFuture.failedFuture(calls.closedError("publish metadata"));
    }
    List<Op> ops = new ArrayList<>();
    // etcd orders keys by their bytes, which is not Java's order of strings beyond the BMP
    NavigableSet<String> putKeys =
        new TreeSet<>(
            (a, b) ->
                Arrays.compareUnsigned(
                    a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8)));
    change.puts().keySet().forEach(k -> putKeys.add(prefix + k));
    for (String p : change.deletePrefixes()) {
      String full = prefix + p;
      if (p.equals("/")) {
        deleteRange(ops, prefix + "/", prefixEnd(prefix + "/"), putKeys);
      } else {
        if (!putKeys.contains(full)) {
          ops.add(Op.delete(bytes(full), DeleteOption.DEFAULT));
        }
        deleteRange(ops, full + "/", prefixEnd(full + "/"), putKeys);
      }
    }
    change
        .puts()
        .forEach((k, v) -> ops.add(Op.put(bytes(prefix + k), bytes(v), PutOption.DEFAULT)));
    if (ops.size() > maxTxnOps) {
      LOG.debug(
          "metadata change of {} operations split into {} transactions",
          ops.size(),
          (ops.size() + maxTxnOps - 1) / maxTxnOps);
    }
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    for (int from = 0; from < ops.size(); from += maxTxnOps) {
      Op[] chunk = ops.subList(from, Math.min(ops.size(), from + maxTxnOps)).toArray(Op[]::new);
      done =
          done.thenCompose(
                  x ->
                      calls.call(
                          "publish metadata",
                          () -> client.getKVClient().txn().Then(chunk).commit()))
              .thenApply(r -> null);
    }
    return done;
  }

  /** Adds deletes for [from, to) without the keys in {@code keep} (each its own sub-range). */
  private static void deleteRange(List<Op> ops, String from, String to, NavigableSet<String> keep) {
    String start = from;
    for (String k : keep.subSet(from, true, to, false)) {
      if (!k.equals(start)) {
        ops.add(Op.delete(bytes(start), DeleteOption.builder().withRange(bytes(k)).build()));
      }
      start = k + "\0";
    }
    ops.add(Op.delete(bytes(start), DeleteOption.builder().withRange(bytes(to)).build()));
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Map<String, String>> get(String path) {
    if (path == null) {
      return CompletableFuture.failedFuture(new NullPointerException("prefix"));
    }
    String from = prefix + path;
    return calls
        .call(
            "read metadata under " + path,
            () ->
                client
                    .getKVClient()
                    .get(bytes(from), GetOption.builder().withRange(bytes(rangeEnd(path))).build()))
        .thenApply(
            r -> {
              Map<String, String> out = new TreeMap<>();
              for (KeyValue kv : r.getKvs()) {
                String key = string(kv.getKey()).substring(prefix.length());
                if (under(key, path)) {
                  out.put(key, string(kv.getValue()));
                }
              }
              return out;
            });
  }

  /**
   * {@inheritDoc}
   *
   * <p>The listener runs on the store's own threads, one notification at a time, once per etcd
   * revision that touched the prefix; deleted keys arrive one by one in {@link
   * MetadataChange#deletePrefixes()}. The watch survives etcd restarts by itself. If etcd ends it
   * for good (its history was compacted past the watch's revision), the store reads the prefix
   * again, hands the listener the whole subtree as one change that first deletes the prefix, and
   * watches on from there.
   */
  @Override
  public AutoCloseable watch(String path, Consumer<MetadataChange> listener) {
    Objects.requireNonNull(path, "prefix");
    Objects.requireNonNull(listener, "listener");
    if (calls.isClosed()) {
      throw calls.closedError("watch " + path);
    }
    // from the revision after now: etcd sets the watch up asynchronously, and a commit made
    // before that must still be seen
    long now;
    try {
      now =
          calls
              .call(
                  "watch " + path,
                  () ->
                      client
                          .getKVClient()
                          .get(
                              bytes(prefix + path),
                              GetOption.builder().withCountOnly(true).build()))
              .join()
              .getHeader()
              .getRevision();
    } catch (CompletionException e) {
      throw (RuntimeException) EtcdCalls.unwrap(e);
    }
    Subscription s = new Subscription(path, listener);
    s.watchFrom(now + 1);
    return s;
  }

  /** One {@link #watch}: its current etcd watcher, and notifications in order. */
  final class Subscription implements AutoCloseable {
    private final String path;
    private final Consumer<MetadataChange> listener;
    private CompletableFuture<?> order = CompletableFuture.completedFuture(null);
    private Watch.Watcher watcher;
    private boolean closed;

    Subscription(String path, Consumer<MetadataChange> listener) {
      this.path = path;
      this.listener = listener;
    }

    synchronized void watchFrom(long revision) {
      if (closed || calls.isClosed()) {
        return;
      }
      if (watcher != null) {
        watcher.close();
      }
      WatchOption.Builder option = WatchOption.builder().withRange(bytes(rangeEnd(path)));
      if (revision > 0) {
        option.withRevision(revision);
      }
      watcher =
          client
              .getWatchClient()
              .watch(
                  bytes(prefix + path),
                  option.build(),
                  Watch.listener(r -> then(() -> deliver(path, r, listener)), this::ended));
    }

    /** Runs notifications one after the other, off the client's I/O threads. */
    private synchronized void then(Runnable notification) {
      order = order.handle((x, e) -> null).thenRunAsync(notification, calls.callbacks());
    }

    /** jetcd ended the watch for good (compaction, or a stream error it does not retry). */
    void ended(Throwable e) {
      if (isClosed()) {
        return;
      }
      Status.Code code = EtcdCalls.code(e);
      if (code == Status.Code.UNAVAILABLE || code == Status.Code.INTERNAL) {
        // jetcd watches on by itself once etcd is back
        LOG.debug(
            "metadata watch of {} in etcd {} interrupted: {}", path, calls.where(), e.toString());
        return;
      }
      LOG.warn(
          "metadata watch of {} in etcd {} ended ({}); reading the tree again and " + "watching on",
          path,
          calls.where(),
          e.toString());
      resync();
    }

    private void resync() {
      calls
          .call(
              "read metadata under " + path,
              () ->
                  client
                      .getKVClient()
                      .get(
                          bytes(prefix + path),
                          GetOption.builder().withRange(bytes(rangeEnd(path))).build()))
          .whenComplete(
              (r, e) -> {
                if (isClosed()) {
                  return;
                }
                if (e != null) {
                  // a refusal lasts until someone changes etcd's settings: say so, retry slowly
                  Throwable t = EtcdCalls.unwrap(e);
                  long delay = 1;
                  if (t instanceof EtcdAccessException refused) {
                    delay = REFUSED_WATCH_RETRY_SECONDS;
                    LOG.warn(
                        "metadata watch of {}: {}; trying again in {} s",
                        path,
                        refused.getMessage(),
                        delay);
                  }
                  CompletableFuture.delayedExecutor(delay, TimeUnit.SECONDS).execute(this::resync);
                  return;
                }
                Map<String, String> now = new TreeMap<>();
                for (KeyValue kv : r.getKvs()) {
                  String key = string(kv.getKey()).substring(prefix.length());
                  if (under(key, path)) {
                    now.put(key, string(kv.getValue()));
                  }
                }
                then(() -> tell(listener, path, new MetadataChange(now, List.of(path))));
                watchFrom(r.getHeader().getRevision() + 1);
              });
    }

    private synchronized boolean isClosed() {
      return closed || calls.isClosed();
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (watcher != null) {
        watcher.close();
      }
    }
  }

  /** The end of the etcd range holding {@code path} and every key under it. */
  private String rangeEnd(String path) {
    return prefixEnd(path.equals("/") ? prefix + "/" : prefix + path + "/");
  }

  private void deliver(String path, WatchResponse response, Consumer<MetadataChange> listener) {
    Map<Long, Map<String, String>> puts = new TreeMap<>();
    Map<Long, List<String>> deletes = new TreeMap<>();
    for (WatchEvent e : response.getEvents()) {
      String key = string(e.getKeyValue().getKey()).substring(prefix.length());
      if (!under(key, path)) {
        continue;
      }
      long revision = e.getKeyValue().getModRevision();
      puts.computeIfAbsent(revision, r -> new LinkedHashMap<>());
      deletes.computeIfAbsent(revision, r -> new ArrayList<>());
      if (e.getEventType() == WatchEvent.EventType.PUT) {
        puts.get(revision).put(key, string(e.getKeyValue().getValue()));
      } else if (e.getEventType() == WatchEvent.EventType.DELETE) {
        deletes.get(revision).add(key);
      }
    }
    for (Long revision : puts.keySet()) {
      tell(listener, path, new MetadataChange(puts.get(revision), deletes.get(revision)));
    }
  }

  private static void tell(Consumer<MetadataChange> listener, String path, MetadataChange change) {
    try {
      listener.accept(change);
    } catch (RuntimeException ex) {
      LOG.warn("metadata watcher of {} threw; it must not: {}", path, ex.toString());
    }
  }

  /** Closes the etcd client if this store opened it. Idempotent. */
  @Override
  public void close() {
    if (calls.isClosed()) {
      return;
    }
    calls.close();
    if (ownsClient) {
      client.close();
    }
  }

  /**
   * Describes the store.
   *
   * @return the endpoints and prefix
   */
  @Override
  public String toString() {
    return "EtcdMetadataStore[" + calls.where() + "]";
  }

  /** Builds an {@link EtcdMetadataStore}. */
  public static final class Builder extends EtcdStoreBuilder<Builder> {
    private String prefix = "";

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * Puts every key of the tree under this etcd prefix. Default: none, so the key {@code
     * /clusters/c1/hosts/…} is the etcd key {@code /clusters/c1/hosts/…}.
     *
     * @param value empty, or a path starting with {@code /} and not ending with one
     * @return this builder
     */
    public Builder prefix(String value) {
      if (!value.isEmpty() && (!value.startsWith("/") || value.endsWith("/"))) {
        throw new IllegalArgumentException(
            "prefix must be empty or start with / and not end " + "with /, was '" + value + "'");
      }
      this.prefix = value;
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     * @throws IllegalStateException when neither endpoints nor a client were given
     */
    public EtcdMetadataStore build() {
      checkTarget();
      return new EtcdMetadataStore(this);
    }
  }
}

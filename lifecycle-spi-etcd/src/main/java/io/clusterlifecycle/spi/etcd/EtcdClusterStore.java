package io.clusterlifecycle.spi.etcd;

import static io.clusterlifecycle.spi.etcd.EtcdCalls.bytes;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.prefixEnd;
import static io.clusterlifecycle.spi.etcd.EtcdCalls.string;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.codec.RecordCodec;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cluster records, operations, journals, backups and the event log in etcd, shared by every engine
 * that points at the same etcd and prefix.
 *
 * <p>Layout under the {@linkplain Builder#prefix(String) prefix} (default {@code /lifecycle}), JSON
 * documents in the {@link RecordCodec} format:
 *
 * <pre>
 * PREFIX/clusters/&lt;cluster-id&gt;                    the record; etcd key version == record version
 * PREFIX/owners/&lt;cluster-id&gt;                      the id of the engine running its operation,
 *                                                  attached to that engine's etcd lease
 * PREFIX/operations/&lt;cluster-id&gt;/&lt;operation-id&gt;   operation records
 * PREFIX/operation-clusters/&lt;operation-id&gt;          the cluster of an operation
 * PREFIX/journal/&lt;operation-id&gt;/&lt;seq&gt;             one appended batch of journal entries
 * PREFIX/journal-seq/&lt;operation-id&gt;                the last batch's sequence number
 * PREFIX/backups/&lt;backup-id&gt;                       backup records
 * PREFIX/names/&lt;name&gt;/&lt;cluster-id&gt;              empty: the name index, one key per record
 *                                                  (the name URL-encoded)
 * PREFIX/names-indexed                             empty: every record has its name key
 * PREFIX/busy/&lt;cluster-id&gt;                        empty: the busy index, one key per record
 *                                                  that names an operation
 * PREFIX/busy-indexed                              empty: every such record has its busy key
 * PREFIX/event-seq                                 the last number given to an event
 * PREFIX/events/&lt;seq&gt;                             an event with its number (19 digits) and its
 *                                                  exact time: {"at": …, "event": …}
 * PREFIX/event-clusters/&lt;cluster-id&gt;/&lt;seq&gt;        empty or its operation id: the index of a
 *                                                  cluster's events (the id URL-encoded)
 * </pre>
 *
 * <p><b>Name index.</b> {@link #named} reads the keys under {@code names/<name>/}, then those
 * records: its cost grows with the records of that name, not with the others. The transaction that
 * writes a record writes its name key too, and deletes the key of its former name when the name
 * changed; the transaction that deletes a record deletes its name key. Records written by a release
 * without the index have no name key: the first {@link #named} call of a store finds no {@code
 * names-indexed} marker, writes the name key of every record (each only if the record is unchanged
 * since it was read), then the marker, so that this happens once per data set. A record that an
 * older release creates or renames after that is not found by its name until a newer release writes
 * it: do not mix releases on one prefix for longer than an upgrade.
 *
 * <p><b>Busy index.</b> {@link #busy} reads the keys under {@code busy/}, then those records, as
 * {@link #named} does with {@code names/<name>/}. The transaction that writes a record writes its
 * busy key if the record names an operation and deletes it if not; the one that deletes a record
 * deletes it. Its first call indexes the records of older releases as {@link #named} does, under
 * the {@code busy-indexed} marker, with the same caveat.
 *
 * <p><b>Compare-and-set.</b> {@link #put} is one etcd transaction that writes the record only if
 * the etcd version of its key (the number of writes since it was created) still equals {@link
 * Cluster#version()}, so two engines never both apply a change made from one version.
 *
 * <p><b>Operation leases tied to etcd leases.</b> When a record carries a {@link Lease} (an engine
 * running its operation), the same transaction writes {@code owners/<cluster-id>} under an etcd
 * lease that this store grants once per engine, with the lease's remaining duration as TTL, and
 * keeps alive for as long as the store is open. If the engine's process dies, the keep-alives stop,
 * etcd expires the lease and deletes the key. Records read back report such a lease as lapsed
 * (expiring now), so another engine takes the operation over; while the etcd lease lives they
 * report it as alive even if the engine's own renewal of the record is late. etcd is the judge of
 * liveness, not the clocks of the engines' machines. Closing the store revokes its leases.
 *
 * <p>Journal appends are one transaction per batch (compare-and-set on the batch counter), split
 * only when a batch exceeds etcd's request limits. {@link #write} stores a record, operations and
 * journal entries in one transaction that compares and writes what {@link #put}, {@link
 * #putOperation} and {@link #appendJournal} compare and write. Unreachable etcd and unanswered
 * calls fail with {@link TransientSpiException}, which the engine retries.
 *
 * <p><b>Event log.</b> {@link #appendEvents} numbers events with a compare-and-set on {@code
 * event-seq}, in the transaction that stores them, so that events become visible in the order of
 * their numbers; {@link #events} reads {@code events/} from a number on, or one cluster's index
 * keys and the events they name. {@link #delete} drops the cluster's events and index keys.
 *
 * <p><b>Security.</b> With {@linkplain Builder#security(EtcdSecurity) TLS files and credentials}
 * the store talks TLS and authenticates as an etcd user, which needs read and write on the prefix
 * only (docs/design.md §9.8); a refused certificate, a wrong password or a missing permission fails
 * the stage with {@link EtcdAccessException}, which is not retried.
 */
public final class EtcdClusterStore implements ClusterStore {
  private static final Logger LOG = LoggerFactory.getLogger(EtcdClusterStore.class);

  /** The default key prefix. */
  public static final String DEFAULT_PREFIX = "/lifecycle";

  /** The shortest etcd lease the store grants, in seconds. */
  static final long MIN_TTL_SECONDS = 2;

  /** Keys per read of a record directory (records are a few KiB each). */
  private static final int PAGE_KEYS = 200;

  /** Keys per read of an index directory, without values. */
  private static final int PAGE_INDEX_KEYS = 2000;

  /** Separates the engine id and its lease's TTL in the value of {@code owners/<id>}. */
  private static final String TTL_MARK = " ttl=";

  private final Client client;
  private final boolean ownsClient;
  private final String prefix;
  private final int maxTxnOps;
  private final Clock clock;
  private final EtcdCalls calls;
  private final NameIndex names;
  private final BusyIndex busyIndex;
  private final JournalAppends journals;
  private final BatchWrites batches;
  private final EventLog events;

  /** Completes once the records of older releases have their name keys; reset when it failed. */
  private final AtomicReference<CompletableFuture<Void>> namesIndexed = new AtomicReference<>();

  /** Per engine (lease owner) this store wrote a lease for: its etcd lease. */
  private final Map<String, CompletableFuture<Long>> leases = new ConcurrentHashMap<>();

  private final Map<Long, CloseableClient> keepAlives = new ConcurrentHashMap<>();

  /** The TTL each etcd lease this store granted was granted with, in seconds. */
  private final Map<Long, Long> ttlOf = new ConcurrentHashMap<>();

  private EtcdClusterStore(Builder b) {
    this.ownsClient = b.ownsClient();
    this.client = b.clientOrConnect();
    this.prefix = b.prefix;
    this.maxTxnOps = b.maxTxnOps;
    this.clock = b.clock;
    this.calls =
        new EtcdCalls(b.where() + " under " + prefix, b.requestTimeout, b.accessErrors(prefix));
    this.names = new NameIndex(prefix);
    this.busyIndex = new BusyIndex(prefix, this);
    this.journals = new JournalAppends(prefix, client, calls, maxTxnOps);
    this.batches = new BatchWrites(this, journals, client, calls, maxTxnOps);
    this.events = new EventLog(prefix, client, calls, maxTxnOps);
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
   * Opens a store on etcd members with the default settings.
   *
   * @param address {@code etcd://HOST:PORT[,HOST:PORT…][?max-txn-ops=N]}, or the members' client
   *     URLs; see {@link EtcdEndpoints#parse(String)}
   * @return the store; closing it closes its client
   * @throws io.clusterlifecycle.api.error.ValidationException if the address is not of that form
   */
  public static EtcdClusterStore open(String address) {
    return builder().endpoints(EtcdEndpoints.parse(address)).build();
  }

  // ------------------------------------------------------------------------------------ keys

  String clusterKey(String id) {
    return prefix + "/clusters/" + id;
  }

  private String ownerKey(String id) {
    return prefix + "/owners/" + id;
  }

  private String operationKey(String clusterId, String operationId) {
    return prefix + "/operations/" + clusterId + "/" + operationId;
  }

  private String operationClusterKey(String operationId) {
    return prefix + "/operation-clusters/" + operationId;
  }

  private String journalDir(String operationId) {
    return journals.dir(operationId);
  }

  private String journalSeqKey(String operationId) {
    return journals.seqKey(operationId);
  }

  private String backupKey(String backupId) {
    return prefix + "/backups/" + backupId;
  }

  /** Keys read from etcd, all as of one revision. */
  private record Snapshot(List<KeyValue> kvs, long revision) {}

  /**
   * Reads every key under {@code dir}, {@code pageKeys} keys per request so that no answer outgrows
   * gRPC's message limit, all pages at one revision: {@code revision}, or the current one when it
   * is 0.
   */
  private CompletableFuture<Snapshot> readAll(
      String what, String dir, int pageKeys, long revision) {
    return readPages(what, dir, prefixEnd(dir), pageKeys, revision, false, new ArrayList<>());
  }

  private CompletableFuture<List<KeyValue>> readAll(String what, String dir, int pageKeys) {
    return readAll(what, dir, pageKeys, 0).thenApply(Snapshot::kvs);
  }

  /** Reads every key under {@code dir}, without values, all at the current revision. */
  CompletableFuture<List<KeyValue>> readKeys(String what, String dir) {
    return readPages(what, dir, prefixEnd(dir), PAGE_INDEX_KEYS, 0, true, new ArrayList<>())
        .thenApply(Snapshot::kvs);
  }

  private CompletableFuture<Snapshot> readPages(
      String what,
      String from,
      String to,
      int pageKeys,
      long revision,
      boolean keysOnly,
      List<KeyValue> into) {
    GetOption.Builder option =
        GetOption.builder().withRange(bytes(to)).withLimit(pageKeys).withKeysOnly(keysOnly);
    if (revision > 0) {
      option.withRevision(revision);
    }
    return calls
        .call(what, () -> client.getKVClient().get(bytes(from), option.build()))
        .thenCompose(
            r -> {
              into.addAll(r.getKvs());
              long at = revision > 0 ? revision : r.getHeader().getRevision();
              if (!r.isMore() || r.getKvs().isEmpty()) {
                return CompletableFuture.completedFuture(new Snapshot(into, at));
              }
              String last = string(r.getKvs().get(r.getKvs().size() - 1).getKey());
              return readPages(what, last + "\0", to, pageKeys, at, keysOnly, into);
            });
  }

  // ---------------------------------------------------------------------------------- clusters

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Cluster>> get(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    return readRecords("read cluster " + clusterId, List.of(clusterId))
        .thenApply(found -> found.stream().findFirst());
  }

  /**
   * Reads records with their owner keys and reports them as {@link #get} does: one transaction per
   * {@code maxTxnOps / 2} ids, all sent at once; ids without a record are left out.
   */
  CompletableFuture<List<Cluster>> readRecords(String what, List<String> ids) {
    int perTxn = Math.max(1, maxTxnOps / 2);
    CompletableFuture<List<Cluster>> all = CompletableFuture.completedFuture(List.of());
    for (int from = 0; from < ids.size(); from += perTxn) {
      Op[] reads =
          ids.subList(from, Math.min(ids.size(), from + perTxn)).stream()
              .flatMap(
                  id ->
                      Stream.of(
                          Op.get(bytes(clusterKey(id)), GetOption.DEFAULT),
                          Op.get(bytes(ownerKey(id)), GetOption.DEFAULT)))
              .toArray(Op[]::new);
      CompletableFuture<List<Cluster>> part =
          calls
              .call(what, () -> client.getKVClient().txn().Then(reads).commit())
              .thenApply(this::records);
      all = all.thenCombine(part, (a, b) -> Stream.concat(a.stream(), b.stream()).toList());
    }
    return all;
  }

  /** The records of a transaction of gets, a record's key then its owner's, in that order. */
  private List<Cluster> records(TxnResponse r) {
    List<Cluster> out = new ArrayList<>();
    for (int i = 0; i + 1 < r.getGetResponses().size(); i += 2) {
      List<KeyValue> record = r.getGetResponses().get(i).getKvs();
      List<KeyValue> owner = r.getGetResponses().get(i + 1).getKvs();
      if (!record.isEmpty()) {
        out.add(
            withLiveness(
                decode(record.get(0), Cluster.class),
                owner.isEmpty() ? null : string(owner.get(0).getValue())));
      }
    }
    return out;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the keys under {@code names/<name>/}, then those records, which report their leases as
   * {@link #get} does; a record deleted or renamed in between is left out. The cost grows with the
   * number of records of that name, not with the others. Ties in creation time are broken by id.
   * The first call of a store may first index the records an older release wrote (see the class
   * description). A null name fails the stage with {@link NullPointerException}; unreachable etcd
   * fails it with {@link TransientSpiException}.
   */
  @Override
  public CompletionStage<List<Cluster>> named(String name) {
    if (name == null) {
      return nullArgument("name");
    }
    String what = "look up the clusters named " + name;
    return indexed(
            namesIndexed,
            "index the names of the clusters",
            names.marker(),
            (id, kv) -> storedName(kv).map(n -> names.putIfUnchanged(kv, n, id)))
        .thenCompose(x -> readAll(what, names.dir(name), PAGE_KEYS))
        .thenCompose(keys -> readRecords(what, names.ids(name, keys)))
        .thenApply(
            found ->
                found.stream()
                    .filter(c -> c.name().equals(name))
                    .sorted(Comparator.comparing(Cluster::createdAt).thenComparing(Cluster::id))
                    .toList());
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the keys under {@code busy/}, then those records, which report their leases as {@link
   * #get} does; a record deleted, or no longer naming an operation, in between is left out. The
   * cost grows with the number of records that name an operation, not with the idle ones. Ties in
   * creation time are broken by id. The first call of a store may first index the records an older
   * release wrote (see the class description). Unreachable etcd fails the stage with {@link
   * TransientSpiException}.
   */
  @Override
  public CompletionStage<List<Cluster>> busy() {
    return busyIndex.busy();
  }

  /**
   * Completes once every record has the index key that {@code index} writes for it (given its id
   * and its stored record; empty for none): at once after the first success through {@code done};
   * else after {@link #indexOlderRecords}, which a failure lets the next call try again.
   */
  CompletableFuture<Void> indexed(
      AtomicReference<CompletableFuture<Void>> done,
      String what,
      String marker,
      BiFunction<String, KeyValue, Optional<Op>> index) {
    CompletableFuture<Void> current = done.get();
    if (current != null && !current.isCompletedExceptionally()) {
      return current;
    }
    CompletableFuture<Void> mine = new CompletableFuture<>();
    if (!done.compareAndSet(current, mine)) {
      return indexed(done, what, marker, index);
    }
    indexOlderRecords(what, marker, index)
        .whenComplete(
            (x, e) -> {
              if (e == null) {
                mine.complete(null);
              } else {
                mine.completeExceptionally(EtcdCalls.unwrap(e));
              }
            });
    return mine;
  }

  /**
   * Unless {@code marker} is there, writes the index key of every record (each only if the record
   * is still the one read), then the marker.
   */
  private CompletableFuture<Void> indexOlderRecords(
      String what, String marker, BiFunction<String, KeyValue, Optional<Op>> index) {
    return calls
        .call(what, () -> client.getKVClient().get(bytes(marker)))
        .thenCompose(
            m ->
                m.getKvs().isEmpty()
                    ? indexAll(what, marker, index)
                    : CompletableFuture.<Void>completedFuture(null));
  }

  private CompletableFuture<Void> indexAll(
      String what, String marker, BiFunction<String, KeyValue, Optional<Op>> index) {
    String dir = prefix + "/clusters/";
    return readAll(what, dir, PAGE_KEYS)
        .thenCompose(
            records -> {
              List<Op> writes = new ArrayList<>();
              for (KeyValue kv : records) {
                index.apply(string(kv.getKey()).substring(dir.length()), kv).ifPresent(writes::add);
              }
              LOG.debug("{}: {} keys in etcd {}", what, writes.size(), calls.where());
              // a nested transaction counts against the limit with the ops of its parent
              return inTransactions(what, writes, Math.max(1, maxTxnOps / 2));
            })
        .thenCompose(
            x ->
                calls.call(what, () -> client.getKVClient().put(bytes(marker), ByteSequence.EMPTY)))
        .thenApply(r -> null);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Cluster>> list() {
    String clusters = prefix + "/clusters/";
    String owners = prefix + "/owners/";
    // the owners as of the records' revision: one consistent picture
    return readAll("list clusters", clusters, PAGE_KEYS, 0)
        .thenCompose(
            records ->
                readAll("list cluster owners", owners, PAGE_KEYS, records.revision())
                    .thenApply(
                        o -> {
                          Map<String, String> ownerOf = new HashMap<>();
                          for (KeyValue kv : o.kvs()) {
                            ownerOf.put(
                                string(kv.getKey()).substring(owners.length()),
                                string(kv.getValue()));
                          }
                          List<Cluster> out = new ArrayList<>();
                          for (KeyValue kv : records.kvs()) {
                            Cluster c = decode(kv, Cluster.class);
                            out.add(withLiveness(c, ownerOf.get(c.id())));
                          }
                          out.sort(
                              Comparator.comparing(Cluster::createdAt).thenComparing(Cluster::id));
                          return List.copyOf(out);
                        }));
  }

  /**
   * Reports a record's lease as etcd sees it: lapsed when the owner's etcd lease expired (its key
   * is gone); alive while it lives, even a little past the recorded expiry (the owner's renewal may
   * be late), but no longer than one lease TTL past it, since a process that keeps its etcd lease
   * alive but no longer renews the record has stopped running the operation.
   *
   * @param ownerValue the value of {@code owners/<id>}, or null
   */
  private Cluster withLiveness(Cluster c, String ownerValue) {
    if (c.lease().isEmpty()) {
      return c;
    }
    Lease l = c.lease().get();
    Instant now = clock.instant();
    boolean alive = false;
    if (ownerValue != null) {
      int mark = ownerValue.lastIndexOf(TTL_MARK);
      String owner = mark < 0 ? ownerValue : ownerValue.substring(0, mark);
      long ttl = 0;
      try {
        ttl = mark < 0 ? 0 : Long.parseLong(ownerValue.substring(mark + TTL_MARK.length()));
      } catch (NumberFormatException e) {
        LOG.warn("owner key of cluster {} holds '{}'; taking its TTL as 0", c.id(), ownerValue);
      }
      alive = l.owner().equals(owner) && now.isBefore(l.expiresAt().plusSeconds(ttl));
    }
    if (alive && !now.isBefore(l.expiresAt())) {
      return c.toBuilder()
          .lease(Optional.of(new Lease(l.owner(), l.host(), l.pid(), now.plusSeconds(1))))
          .build();
    }
    if (!alive && now.isBefore(l.expiresAt())) {
      return c.toBuilder().lease(Optional.of(new Lease(l.owner(), l.host(), l.pid(), now))).build();
    }
    return c;
  }

  /**
   * {@inheritDoc}
   *
   * <p>Fails with {@link VersionConflictException} carrying the stored version ({@code 0} when
   * there is none) when it differs from {@code cluster.version()}; the stored record is then
   * unchanged.
   */
  @Override
  public CompletionStage<Cluster> put(Cluster cluster) {
    if (cluster == null) {
      return nullArgument("cluster");
    }
    return put(cluster, true);
  }

  private CompletableFuture<Cluster> put(Cluster cluster, boolean mayRegrant) {
    RecordWrite w = recordWrite(cluster);
    long expected = cluster.version();
    return w.owner()
        .thenCompose(owner -> writeRecord(w, owner))
        .thenApply(
            r -> {
              if (!r.isSucceeded()) {
                List<KeyValue> now = r.getGetResponses().get(0).getKvs();
                throw new VersionConflictException(
                    cluster.id(), expected, now.isEmpty() ? 0 : now.get(0).getVersion());
              }
              return w.stored();
            })
        .exceptionallyCompose(
            e ->
                mayRegrant && leaseLapsed(e, w)
                    ? put(cluster, false)
                    : CompletableFuture.failedFuture(EtcdCalls.unwrap(e)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>One etcd transaction, whatever the batch holds. It compares what {@link #put} compares (the
   * etcd version of the record's key and, for a stored record, the existence of its name key) and
   * the batch counters of the journals it appends to, as {@link #appendJournal} does; it writes
   * what they write: the record with its owner, busy and name keys, each operation record with the
   * key naming its cluster, each journal's entries under the next sequence numbers with their
   * counter. When only a journal counter moved (another engine appended in between) or only the
   * name key is missing (the record was renamed), the transaction is made again with what it read;
   * when the record's stored version differs, the stage fails with {@link VersionConflictException}
   * carrying it, and nothing of the batch is written. The batch's journal entries land after those
   * of the {@link #appendJournal} and {@code write} calls made through this store before; of
   * operation records with one id, the last is stored.
   *
   * <p>A batch must fit in one transaction: at most {@code maxTxnOps} operations (its record takes
   * up to 5, each operation record 2, each operation's journal entries 1 per 256 KiB and 1 for the
   * counter) and 1 MiB of records and entries. A larger batch fails the stage with {@link
   * IllegalArgumentException}, naming the limit, and nothing of it is written. A null batch fails
   * the stage with {@link NullPointerException}; unreachable etcd fails it with {@link
   * TransientSpiException}.
   */
  @Override
  public CompletionStage<Optional<Cluster>> write(StoreBatch batch) {
    return batches.write(batch);
  }

  /**
   * A record as {@link #put} writes it.
   *
   * @param cluster the record, carrying the version it was read at
   * @param json the record at the next version
   * @param stored the record at the next version, as read back
   * @param lease its lease, if it is still running
   * @param leaseId the etcd lease of its owner key; null without a running lease
   * @param owner the write of its owner key: put under {@code leaseId}, else delete
   */
  record RecordWrite(
      Cluster cluster,
      String json,
      Cluster stored,
      Optional<Lease> lease,
      CompletableFuture<Long> leaseId,
      CompletableFuture<Op> owner) {}

  /** Prepares a record's write; grants its owner's etcd lease unless this store holds one. */
  RecordWrite recordWrite(Cluster cluster) {
    String id = cluster.id();
    String json = RecordCodec.write(cluster.withVersion(cluster.version() + 1));
    Cluster stored = RecordCodec.read(json, Cluster.class);
    Optional<Lease> lease = cluster.lease().filter(l -> clock.instant().isBefore(l.expiresAt()));
    CompletableFuture<Long> leaseId = lease.map(l -> leaseOf(l.owner(), ttlFor(l))).orElse(null);
    CompletableFuture<Op> ownerWrite =
        leaseId == null
            ? CompletableFuture.completedFuture(
                Op.delete(bytes(ownerKey(id)), DeleteOption.DEFAULT))
            : leaseId.thenApply(
                lid ->
                    Op.put(
                        bytes(ownerKey(id)),
                        bytes(
                            lease.get().owner()
                                + TTL_MARK
                                + ttlOf.getOrDefault(lid, ttlFor(lease.get()))),
                        PutOption.builder().withLeaseId(lid).build()));
    return new RecordWrite(cluster, json, stored, lease, leaseId, ownerWrite);
  }

  /**
   * Tells whether a write of {@code w} failed because the etcd lease of its owner key expired under
   * us (etcd unreachable longer than its TTL), and if so forgets that lease, so that writing the
   * record again grants a new one; the compare-and-set still refuses the write if another engine
   * took over meanwhile.
   */
  boolean leaseLapsed(Throwable e, RecordWrite w) {
    if (w == null || w.leaseId() == null || EtcdCalls.code(e) != Status.Code.NOT_FOUND) {
      return false;
    }
    leases.remove(w.lease().get().owner(), w.leaseId());
    return true;
  }

  /**
   * The compares and writes of one transaction.
   *
   * @param ifs what must hold
   * @param writes what is written when it holds
   */
  record Guarded(List<Cmp> ifs, List<Op> writes) {}

  /**
   * The compare-and-set of a record with its owner key, busy key and name key: a new record writes
   * its name key. A stored one ({@code read} null) is written only if the key of its name exists
   * (the name did not change); given {@code read}, the record stored at the expected version, its
   * name key is moved from the stored name to the new one.
   */
  Guarded recordCas(RecordWrite w, Op owner, KeyValue read) {
    Cluster cluster = w.cluster();
    String id = cluster.id();
    List<Cmp> ifs = new ArrayList<>();
    ifs.add(new Cmp(bytes(clusterKey(id)), Cmp.Op.EQUAL, CmpTarget.version(cluster.version())));
    List<Op> writes = new ArrayList<>();
    writes.add(Op.put(bytes(clusterKey(id)), bytes(w.json()), PutOption.DEFAULT));
    writes.add(owner);
    writes.add(busyIndex.write(cluster));
    if (cluster.version() > 0 && read == null) {
      ifs.add(names.exists(cluster.name(), id));
    } else {
      writes.add(names.put(cluster.name(), id));
      if (read != null) {
        storedName(read)
            .filter(n -> !n.equals(cluster.name()))
            .ifPresent(n -> writes.add(names.delete(n, id)));
      }
    }
    return new Guarded(ifs, writes);
  }

  /**
   * Writes a record with {@link #recordCas}; when only its name key was missing (the transaction's
   * else branch read the record at the expected version), once more with the name key moved.
   */
  private CompletableFuture<TxnResponse> writeRecord(RecordWrite w, Op owner) {
    long expected = w.cluster().version();
    return casRecord(w, recordCas(w, owner, null))
        .thenCompose(
            r -> {
              List<KeyValue> now =
                  r.isSucceeded() ? List.of() : r.getGetResponses().get(0).getKvs();
              if (now.isEmpty() || now.get(0).getVersion() != expected) {
                return CompletableFuture.completedFuture(r);
              }
              return casRecord(w, recordCas(w, owner, now.get(0)));
            });
  }

  /** Commits {@code cas}; when it does not hold, reads the record instead. */
  private CompletableFuture<TxnResponse> casRecord(RecordWrite w, Guarded cas) {
    String id = w.cluster().id();
    return calls.call(
        "store cluster " + id,
        () ->
            client
                .getKVClient()
                .txn()
                .If(cas.ifs().toArray(Cmp[]::new))
                .Then(cas.writes().toArray(Op[]::new))
                .Else(Op.get(bytes(clusterKey(id)), GetOption.DEFAULT))
                .commit());
  }

  /** A stored record; empty when it cannot be read (a newer release wrote it). */
  Optional<Cluster> stored(KeyValue record) {
    try {
      return Optional.of(decode(record, Cluster.class));
    } catch (LifecycleException e) {
      LOG.debug("{} is left out of the indexes: {}", string(record.getKey()), e.getMessage());
      return Optional.empty();
    }
  }

  private Optional<String> storedName(KeyValue record) {
    return stored(record).map(Cluster::name);
  }

  /** The TTL of an etcd lease for a record's lease: what is left of it, at least 2 s. */
  private long ttlFor(Lease l) {
    return Math.max(
        MIN_TTL_SECONDS,
        (Duration.between(clock.instant(), l.expiresAt()).toMillis() + 999) / 1000);
  }

  private CompletableFuture<Long> leaseOf(String owner, long ttlSeconds) {
    CompletableFuture<Long> mine = new CompletableFuture<>();
    CompletableFuture<Long> existing = leases.putIfAbsent(owner, mine);
    if (existing != null && !existing.isCompletedExceptionally()) {
      return existing;
    }
    if (existing != null) {
      leases.replace(owner, existing, mine);
    }
    calls
        .call("grant a lease for engine " + owner, () -> client.getLeaseClient().grant(ttlSeconds))
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                leases.remove(owner, mine);
                mine.completeExceptionally(e);
                return;
              }
              long id = r.getID();
              ttlOf.put(id, ttlSeconds);
              try {
                keepAlives.put(
                    id, client.getLeaseClient().keepAlive(id, new KeepAliveLog(owner, id)));
              } catch (RuntimeException ke) {
                leases.remove(owner, mine);
                mine.completeExceptionally(
                    calls.translate("keep the lease of engine " + owner + " alive", ke));
                return;
              }
              LOG.debug(
                  "etcd lease {} (ttl {} s) granted for engine {}",
                  Long.toHexString(id),
                  ttlSeconds,
                  owner);
              mine.complete(id);
            });
    return mine;
  }

  /** Logs keep-alive trouble; an expired lease is re-granted by the next put. */
  private final class KeepAliveLog implements StreamObserver<LeaseKeepAliveResponse> {
    private final String owner;
    private final long id;

    KeepAliveLog(String owner, long id) {
      this.owner = owner;
      this.id = id;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse value) {
      if (value.getTTL() <= 0) {
        LOG.warn("etcd lease of engine {} expired; its next record write takes a new one", owner);
        dropLease(owner, id);
      }
    }

    @Override
    public void onError(Throwable t) {
      if (!calls.isClosed()) {
        LOG.warn("keep-alive of the etcd lease of engine {} failed: {}", owner, t.toString());
        dropLease(owner, id);
      }
    }

    @Override
    public void onCompleted() {
      // jetcd gave the lease up (its deadline passed without a keep-alive answer)
      if (!calls.isClosed()) {
        dropLease(owner, id);
      }
    }
  }

  private void dropLease(String owner, long id) {
    leases.computeIfPresent(
        owner, (o, f) -> f.isDone() && !f.isCompletedExceptionally() && f.join() == id ? null : f);
    ttlOf.remove(id);
    CloseableClient k = keepAlives.remove(id);
    if (k != null) {
      k.close();
    }
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads the cluster's record, operations and event index keys first, then deletes everything
   * in as few transactions as etcd's operation limit allows (its events by runs of consecutive
   * numbers, then their index keys), the record with its owner, busy and name keys in the last one,
   * which reads the record again and goes again if another engine wrote it meanwhile. Events
   * appended for the cluster while it is deleted are kept; numbering goes on after the purge.
   */
  @Override
  public CompletionStage<Void> delete(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    String ops = prefix + "/operations/" + clusterId + "/";
    String what = "delete cluster " + clusterId;
    CompletableFuture<List<Op>> eventDeletes = events.purge(clusterId);
    return calls
        .call(
            "read the operations of cluster " + clusterId,
            () ->
                client
                    .getKVClient()
                    .txn()
                    .Then(
                        Op.get(
                            bytes(ops),
                            GetOption.builder()
                                .withRange(bytes(prefixEnd(ops)))
                                .withKeysOnly(true)
                                .build()),
                        Op.get(bytes(clusterKey(clusterId)), GetOption.DEFAULT))
                    .commit())
        .thenCompose(
            r -> {
              List<Op> deletes = new ArrayList<>();
              for (KeyValue kv : r.getGetResponses().get(0).getKvs()) {
                String op = string(kv.getKey()).substring(ops.length());
                deletes.add(Op.delete(bytes(operationClusterKey(op)), DeleteOption.DEFAULT));
                deletes.add(
                    Op.delete(
                        bytes(journalDir(op)),
                        DeleteOption.builder()
                            .withRange(bytes(prefixEnd(journalDir(op))))
                            .build()));
                deletes.add(Op.delete(bytes(journalSeqKey(op)), DeleteOption.DEFAULT));
              }
              deletes.add(
                  Op.delete(
                      bytes(ops), DeleteOption.builder().withRange(bytes(prefixEnd(ops))).build()));
              // the record goes last: until it is gone, a failed delete can be made again
              List<KeyValue> record = r.getGetResponses().get(1).getKvs();
              return eventDeletes
                  .thenCompose(
                      ev -> {
                        deletes.addAll(ev);
                        return inTransactions(what, deletes, maxTxnOps);
                      })
                  .thenCompose(x -> deleteRecord(clusterId, record, 1));
            });
  }

  /**
   * Deletes a record with its owner, busy and name keys if it is still the one read ({@code
   * record}, empty when there was none); else goes again with the record the transaction read
   * instead.
   */
  private CompletableFuture<Void> deleteRecord(String id, List<KeyValue> record, int attempt) {
    String what = "delete cluster " + id;
    long modRevision = record.isEmpty() ? 0 : record.get(0).getModRevision();
    List<Op> deletes = new ArrayList<>();
    deletes.add(Op.delete(bytes(ownerKey(id)), DeleteOption.DEFAULT));
    deletes.add(Op.delete(bytes(clusterKey(id)), DeleteOption.DEFAULT));
    deletes.add(busyIndex.delete(id));
    if (!record.isEmpty()) {
      storedName(record.get(0)).ifPresent(n -> deletes.add(names.delete(n, id)));
    }
    Cmp unchanged =
        new Cmp(bytes(clusterKey(id)), Cmp.Op.EQUAL, CmpTarget.modRevision(modRevision));
    return calls
        .call(
            what,
            () ->
                client
                    .getKVClient()
                    .txn()
                    .If(unchanged)
                    .Then(deletes.toArray(Op[]::new))
                    .Else(Op.get(bytes(clusterKey(id)), GetOption.DEFAULT))
                    .commit())
        .thenCompose(
            r -> {
              if (r.isSucceeded()) {
                return CompletableFuture.completedFuture(null);
              }
              if (attempt >= EtcdCalls.MAX_CAS_ATTEMPTS) {
                return CompletableFuture.failedFuture(calls.contended(what, "wrote it", attempt));
              }
              return deleteRecord(id, r.getGetResponses().get(0).getKvs(), attempt + 1);
            });
  }

  private CompletableFuture<Void> inTransactions(String what, List<Op> ops, int perTxn) {
    CompletableFuture<Void> done = CompletableFuture.completedFuture(null);
    for (int from = 0; from < ops.size(); from += perTxn) {
      Op[] chunk = ops.subList(from, Math.min(ops.size(), from + perTxn)).toArray(Op[]::new);
      done =
          done.thenCompose(
                  x -> calls.call(what, () -> client.getKVClient().txn().Then(chunk).commit()))
              .thenApply(r -> null);
    }
    return done;
  }

  // -------------------------------------------------------------------------------- operations

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Void> putOperation(Operation operation) {
    if (operation == null) {
      return nullArgument("operation");
    }
    Op[] writes = operationWrites(operation, RecordCodec.write(operation)).toArray(Op[]::new);
    return calls
        .call(
            "store operation " + operation.id(),
            () -> client.getKVClient().txn().Then(writes).commit())
        .thenApply(r -> null);
  }

  /** The writes of an operation record ({@code json}) and of the key naming its cluster. */
  List<Op> operationWrites(Operation operation, String json) {
    return List.of(
        Op.put(
            bytes(operationKey(operation.clusterId(), operation.id())),
            bytes(json),
            PutOption.DEFAULT),
        Op.put(
            bytes(operationClusterKey(operation.id())),
            bytes(operation.clusterId()),
            PutOption.DEFAULT));
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Operation>> getOperation(String operationId) {
    if (operationId == null) {
      return nullArgument("operationId");
    }
    String what = "read operation " + operationId;
    return calls
        .call(what, () -> client.getKVClient().get(bytes(operationClusterKey(operationId))))
        .thenCompose(
            r ->
                r.getKvs().isEmpty()
                    ? CompletableFuture.completedFuture(Optional.<Operation>empty())
                    : calls
                        .call(
                            what,
                            () ->
                                client
                                    .getKVClient()
                                    .get(
                                        bytes(
                                            operationKey(
                                                string(r.getKvs().get(0).getValue()),
                                                operationId))))
                        .thenApply(
                            o ->
                                o.getKvs().isEmpty()
                                    ? Optional.<Operation>empty()
                                    : Optional.of(decode(o.getKvs().get(0), Operation.class))));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Operation>> operations(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    String dir = prefix + "/operations/" + clusterId + "/";
    return readAll("list the operations of cluster " + clusterId, dir, PAGE_KEYS)
        .thenApply(
            r ->
                decodeAll(r, Operation.class).stream()
                    .sorted(Comparator.comparing(Operation::createdAt).thenComparing(Operation::id))
                    .toList());
  }

  // ----------------------------------------------------------------------------------- journal

  /**
   * {@inheritDoc}
   *
   * <p>Each operation's entries become one etcd key per batch (several when a batch is larger than
   * 256 KiB), written in one transaction (several when a batch exceeds etcd's request limits) that
   * also advances the operations' batch counters with a compare-and-set, retried when another
   * engine appended in between.
   */
  @Override
  public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
    if (entries == null) {
      return nullArgument("entries");
    }
    for (JournalEntry e : entries) {
      if (e == null) {
        return nullArgument("entries[i]");
      }
    }
    return journals.append(entries);
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<List<JournalEntry>> journal(String operationId) {
    if (operationId == null) {
      return nullArgument("operationId");
    }
    String dir = journalDir(operationId);
    // a batch key holds up to MAX_BATCH_BYTES: 8 of them stay well under gRPC's 4 MiB answers
    return readAll("read the journal of operation " + operationId, dir, 8)
        .thenApply(
            r -> {
              List<JournalEntry> out = new ArrayList<>();
              for (KeyValue kv : r) {
                out.addAll(Arrays.asList(decode(kv, JournalEntry[].class)));
              }
              return List.copyOf(out);
            });
  }

  // ----------------------------------------------------------------------------------- backups

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Void> putBackup(Backup backup) {
    if (backup == null) {
      return nullArgument("backup");
    }
    String json = RecordCodec.write(backup);
    return calls
        .call(
            "store backup " + backup.id(),
            () -> client.getKVClient().put(bytes(backupKey(backup.id())), bytes(json)))
        .thenApply(r -> null);
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Backup>> getBackup(String backupId) {
    if (backupId == null) {
      return nullArgument("backupId");
    }
    return calls
        .call("read backup " + backupId, () -> client.getKVClient().get(bytes(backupKey(backupId))))
        .thenApply(
            r ->
                r.getKvs().isEmpty()
                    ? Optional.<Backup>empty()
                    : Optional.of(decode(r.getKvs().get(0), Backup.class)));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Reads every backup record and keeps the cluster's; ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Backup>> backups(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    String dir = prefix + "/backups/";
    return readAll("list the backups of cluster " + clusterId, dir, PAGE_KEYS)
        .thenApply(
            r ->
                decodeAll(r, Backup.class).stream()
                    .filter(b -> b.clusterId().equals(clusterId))
                    .sorted(Comparator.comparing(Backup::createdAt).thenComparing(Backup::id))
                    .toList());
  }

  // -------------------------------------------------------------------------------- event log

  /**
   * {@inheritDoc}
   *
   * <p>Events are stored under {@code events/<seq>} with an index key per event under {@code
   * event-clusters/<cluster-id>/}, numbered after the counter {@code event-seq} in a transaction
   * that holds only if the counter was not written since it was read (made again when another
   * client appended in between), so that events become visible in the order of their numbers.
   * Appends made through one store are made one after another, in the order they were called; the
   * numbers of one call are increasing, and contiguous unless the call was split.
   *
   * <p><b>One transaction per chunk.</b> A call is one transaction when it fits etcd's limits: at
   * most {@code (maxTxnOps - 1) / 2} events (63 with etcd's default 128) and 1 MiB of events.
   * Larger calls are split, in order, into chunks that fit, each one transaction with its own
   * compare-and-set on the counter: each chunk is stored whole or not at all, but when the stage
   * fails after some chunks were stored (etcd unreachable in between), those stay stored, and a
   * retry of the call stores them again under new numbers. Events of other clients may be numbered
   * between two chunks. An event naming no cluster, a null event, or one event larger than 1 MiB
   * fails the stage before anything is written ({@link IllegalArgumentException}, {@link
   * NullPointerException}); a null list fails it with {@link NullPointerException}; unreachable
   * etcd fails it with {@link TransientSpiException}.
   */
  @Override
  public CompletionStage<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> events) {
    return this.events.append(events);
  }

  /**
   * {@inheritDoc}
   *
   * <p>A query of every cluster reads {@code events/} after {@code afterSeq}, 200 events per
   * request, leaving out other operations' events when it names one. A query of one cluster reads
   * its index keys (which carry the operation id, so other operations' events are skipped unread),
   * then those events: its cost grows with that cluster's events only. A null query fails the stage
   * with {@link NullPointerException}; unreachable etcd fails it with {@link
   * TransientSpiException}.
   */
  @Override
  public CompletionStage<List<LifecycleEvent>> events(EventQuery query) {
    return events.read(query);
  }

  // ---------------------------------------------------------------------------------- closing

  /**
   * Revokes the etcd leases this store holds (so other engines may take over at once whatever this
   * one was still running), then closes the client if the store opened it. Stages of calls made
   * afterwards fail with a {@link LifecycleException}. Idempotent.
   */
  @Override
  public void close() {
    if (calls.isClosed()) {
      return;
    }
    calls.close();
    keepAlives.values().forEach(CloseableClient::close);
    List<CompletableFuture<?>> revokes = new ArrayList<>();
    for (CompletableFuture<Long> f : leases.values()) {
      if (f.isDone() && !f.isCompletedExceptionally()) {
        revokes.add(client.getLeaseClient().revoke(f.join()));
      }
    }
    try {
      CompletableFuture.allOf(revokes.toArray(CompletableFuture[]::new)).get(2, TimeUnit.SECONDS);
    } catch (Exception e) {
      LOG.debug("could not revoke the etcd leases of {}: {}", this, e.toString());
    }
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
    return "EtcdClusterStore[" + calls.where() + "]";
  }

  // ------------------------------------------------------------------------------- internals

  private <T> List<T> decodeAll(List<KeyValue> kvs, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (KeyValue kv : kvs) {
      out.add(decode(kv, type));
    }
    return out;
  }

  private <T> T decode(KeyValue kv, Class<T> type) {
    return calls.decode(kv, type);
  }

  private static <T> CompletionStage<T> nullArgument(String name) {
    return CompletableFuture.failedFuture(new NullPointerException(name));
  }

  /** Builds an {@link EtcdClusterStore}. */
  public static final class Builder extends EtcdStoreBuilder<Builder> {
    private String prefix = DEFAULT_PREFIX;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    @Override
    Builder self() {
      return this;
    }

    /**
     * Keeps every key under this prefix, so several independent installations can share one etcd.
     *
     * @param value a path starting with {@code /} and not ending with one; default {@value
     *     #DEFAULT_PREFIX}
     * @return this builder
     */
    public Builder prefix(String value) {
      if (!value.startsWith("/") || value.endsWith("/")) {
        throw new IllegalArgumentException(
            "prefix must start with / and not end with /, was '" + value + "'");
      }
      this.prefix = value;
      return this;
    }

    /**
     * Sets the clock leases are compared with (the engines' clock). Default: the system clock.
     *
     * @param value the clock
     * @return this builder
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Builds the store.
     *
     * @return the store
     * @throws IllegalStateException when neither endpoints nor a client were given
     */
    public EtcdClusterStore build() {
      checkTarget();
      return new EtcdClusterStore(this);
    }
  }
}

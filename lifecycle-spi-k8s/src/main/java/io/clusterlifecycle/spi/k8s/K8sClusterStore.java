package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.NodeSpec;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.codec.RecordCodec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * A {@link ClusterStore} in ConfigMaps of one namespace (docs/design.md §9.5), so that engines in
 * several pods share clusters the way they do on etcd.
 *
 * <p>Each record is a ConfigMap holding its JSON (the codec's record form) under {@code
 * record.json}: {@code lc-cluster.<store>.<cluster-id>}, {@code lc-operation.<store>.<op-id>},
 * {@code lc-backup.<store>.<backup-id>}, and an operation's journal in {@code
 * lc-journal.<store>.<op-id>}. They are labelled with {@code app.kubernetes.io/managed-by}, their
 * kind, the store's name and the cluster (and operation) they belong to, which is how {@link
 * #list}, {@link #operations}, {@link #backups} and {@link #delete} find them.
 *
 * <p>A cluster record also carries {@code lifecycle.clusterlifecycle.io/cluster-name-hash}: the
 * first 40 hex digits of the SHA-256 of the cluster's name (any name can be a label that way, case
 * kept apart). {@link #named} selects by it, so it reads only the records of that name (and of a
 * name with the same hash, which it drops by comparing names). Records an older release wrote lack
 * the label: the first {@link #named} of each store object labels them first (a compare-and-set on
 * each ConfigMap's {@code resourceVersion} that leaves the record as it is), and a {@link #put}
 * that this labelling overtakes writes again rather than report a conflict. An engine of an older
 * release still writing to the same store drops the label again; such a record is found after the
 * next store object's first lookup, so upgrade every engine of a store before relying on names.
 *
 * <p>A cluster record also carries {@code lifecycle.clusterlifecycle.io/busy}: {@code true} when it
 * names an operation, {@code false} when not. {@link #busy} selects {@code true}, so it reads only
 * the records that name an operation. Records an older release wrote lack it, and the first {@link
 * #busy} of each store object labels them as the first {@link #named} does; the label takes both
 * values, rather than being removed, so that only those records lack it and that first look stays
 * cheap.
 *
 * <p>{@link #put} is a compare-and-set twice over: the stored record's version must equal the
 * record's ({@link VersionConflictException} otherwise), and the update carries the ConfigMap's
 * {@code resourceVersion}, so the API server refuses (409) a write racing another; that refusal is
 * reported as a {@link VersionConflictException} too. The operation's lease, a field of the record,
 * is mirrored into a {@code coordination.k8s.io/v1} Lease per cluster ({@code
 * lc-lease.<store>.<cluster-id>}) that shows the owning engine to Kubernetes tools. {@link
 * #appendJournal} appends each operation's part of a batch in one compare-and-set of its journal. A
 * record or journal that would pass {@link Builder#maxBytes} (Kubernetes allows 1 MiB) is refused
 * with {@link K8sObjectTooLargeException}: nothing is truncated.
 *
 * <p>The event log ({@link #appendEvents}, {@link #events}) is a head ConfigMap, {@code
 * lc-events.<store>.head}, holding the last number given, the most recent events and an index of
 * immutable segments, {@code lc-events.<store>.<first-number>-<hash>}, into which appends seal the
 * older events. Every append is one update of the head guarded by its {@code resourceVersion} (the
 * segments it seals are created before it), so a batch of any size is stored all at once, and
 * numbers become visible in the order they were given: a reader that resumes after the last number
 * it saw misses nothing. {@link #delete} drops the cluster's events from the head and the segments;
 * numbers keep increasing. A single event must fit in a ConfigMap ({@link Builder#maxBytes}).
 *
 * <p>Every method returns at once; a null argument, a closed store and API failures fail the stage
 * (429, 5xx and lost connections with {@link io.clusterlifecycle.api.spi.TransientSpiException}).
 * Thread-safe. Build one with {@link #builder()}.
 */
public final class K8sClusterStore implements ClusterStore {
  private static final String STORE_LABEL = "lifecycle.clusterlifecycle.io/store";
  private static final String OPERATION_LABEL = "lifecycle.clusterlifecycle.io/operation";
  private static final String NAME_LABEL = "lifecycle.clusterlifecycle.io/cluster-name-hash";

  private final KubernetesClient client;
  private final boolean ownsClient;
  private final String store;
  private final ConfigMapDocs docs;
  private final LeaseMirror leases;
  private final K8sCalls calls;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean backfilled = new AtomicBoolean();
  private final BusyIndex busyIndex;
  private final EventConfigMaps eventLog;

  private K8sClusterStore(Builder b) {
    this.ownsClient = b.client == null;
    this.client = b.client != null ? b.client : b.connection.open();
    String namespace =
        b.namespace != null
            ? b.namespace
            : Optional.ofNullable(client.getNamespace()).orElse("default");
    this.store = b.store;
    this.docs = new ConfigMapDocs(client, namespace, b.maxBytes);
    this.leases = new LeaseMirror(client, namespace, store, b.clock);
    this.calls = new K8sCalls(4);
    this.busyIndex = new BusyIndex(docs, labels("cluster"));
    this.eventLog =
        new EventConfigMaps(
            docs,
            store,
            labels(EventConfigMaps.HEAD_KIND),
            b.maxBytes,
            b.eventSealBytes > 0 ? b.eventSealBytes : EventConfigMaps.defaultSealBytes(b.maxBytes));
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
  public CompletionStage<Optional<Cluster>> get(String clusterId) {
    return call(
        "read cluster " + clusterId,
        () ->
            docs.get(ConfigMapDocs.name("cluster", store, clusterId))
                .flatMap(ConfigMapDocs::json)
                .map(j -> RecordCodec.read(j, Cluster.class)),
        clusterId);
  }

  @Override
  public CompletionStage<List<Cluster>> list() {
    return call("list clusters", () -> clusters(docs.list(labels("cluster"))));
  }

  /**
   * Reads the records of a name with one list of the ConfigMaps labelled with its hash, so the cost
   * does not grow with the records of other names. The first call on this object labels the records
   * an older release wrote without the label (see the class description) before looking.
   *
   * @param name the cluster name, compared exactly (case included)
   * @return the records with that name in every namespace and state, by creation time (ties in any
   *     order); empty when there are none. A null name, a closed store and API failures fail the
   *     stage.
   */
  @Override
  public CompletionStage<List<Cluster>> named(String name) {
    return call(
        "find the clusters named " + name,
        () -> {
          backfill();
          Map<String, String> selector = labels("cluster");
          selector.put(NAME_LABEL, Names.hashLabel(name));
          return clusters(docs.list(selector)).stream().filter(c -> c.name().equals(name)).toList();
        },
        name);
  }

  /**
   * Reads the records that name an operation with one list of the ConfigMaps labelled so, so the
   * cost does not grow with the idle records. The first call on this object labels the records an
   * older release wrote without the label (see the class description) before looking.
   *
   * @return the records that name an operation, as last stored, by creation time (ties in any
   *     order); empty when there are none. A closed store and API failures fail the stage.
   */
  @Override
  public CompletionStage<List<Cluster>> busy() {
    return call(
        "find the clusters with an operation under way",
        () -> {
          busyIndex.backfill();
          return clusters(docs.list(busyIndex.selector())).stream()
              .filter(c -> c.operation().isPresent())
              .toList();
        });
  }

  @Override
  public CompletionStage<Cluster> put(Cluster cluster) {
    return call(
        "write cluster " + (cluster == null ? null : cluster.id()),
        () -> {
          String name = ConfigMapDocs.name("cluster", store, cluster.id());
          Optional<ConfigMap> current = docs.get(name);
          long stored =
              current
                  .flatMap(ConfigMapDocs::json)
                  .map(j -> RecordCodec.read(j, Cluster.class).version())
                  .orElse(0L);
          if (stored != cluster.version()) {
            throw new VersionConflictException(cluster.id(), cluster.version(), stored);
          }
          String json = RecordCodec.write(cluster.withVersion(stored + 1));
          Map<String, String> labels = labels("cluster", cluster.id());
          labels.put(NAME_LABEL, Names.hashLabel(cluster.name()));
          try {
            write(name, BusyIndex.labels(labels, cluster), json, current);
          } catch (KubernetesClientException e) {
            if (e.getCode() == 409) {
              throw new VersionConflictException(cluster.id(), cluster.version(), stored + 1);
            }
            throw e;
          }
          Cluster written = RecordCodec.read(json, Cluster.class);
          leases.mirror(written, labels);
          return written;
        },
        cluster);
  }

  @Override
  public CompletionStage<Void> delete(String clusterId) {
    return call(
        "delete cluster " + clusterId,
        () -> {
          for (Operation op : read(docs.list(labels("operation", clusterId)), Operation.class)) {
            docs.delete(ConfigMapDocs.name("journal", store, op.id()));
          }
          docs.delete(labels("operation", clusterId));
          leases.delete(clusterId);
          docs.delete(ConfigMapDocs.name("cluster", store, clusterId));
          eventLog.purge(clusterId);
          return null;
        },
        clusterId);
  }

  @Override
  public CompletionStage<Void> putOperation(Operation operation) {
    return call(
        "write operation " + (operation == null ? null : operation.id()),
        () -> {
          docs.upsert(
              ConfigMapDocs.name("operation", store, operation.id()),
              labels("operation", operation.clusterId()),
              RecordCodec.write(operation));
          return null;
        },
        operation);
  }

  @Override
  public CompletionStage<Optional<Operation>> getOperation(String operationId) {
    return call(
        "read operation " + operationId,
        () ->
            docs.get(ConfigMapDocs.name("operation", store, operationId))
                .flatMap(ConfigMapDocs::json)
                .map(j -> RecordCodec.read(j, Operation.class)),
        operationId);
  }

  @Override
  public CompletionStage<List<Operation>> operations(String clusterId) {
    return call(
        "list operations of " + clusterId,
        () ->
            read(docs.list(labels("operation", clusterId)), Operation.class).stream()
                .filter(o -> o.clusterId().equals(clusterId))
                .sorted(Comparator.comparing(Operation::createdAt))
                .toList(),
        clusterId);
  }

  @Override
  public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
    return call(
        "append to the journal",
        () -> {
          entries.forEach(e -> Objects.requireNonNull(e, "a journal entry"));
          Map<String, List<JournalEntry>> byOperation = new LinkedHashMap<>();
          for (JournalEntry e : entries) {
            byOperation.computeIfAbsent(e.operationId(), k -> new ArrayList<>()).add(e);
          }
          byOperation.forEach(this::append);
          return null;
        },
        entries);
  }

  @Override
  public CompletionStage<List<JournalEntry>> journal(String operationId) {
    return call(
        "read the journal of " + operationId,
        () ->
            docs.get(ConfigMapDocs.name("journal", store, operationId))
                .flatMap(ConfigMapDocs::json)
                .map(j -> Arrays.asList(RecordCodec.read(j, JournalEntry[].class)))
                .orElse(List.of()),
        operationId);
  }

  @Override
  public CompletionStage<Void> putBackup(Backup backup) {
    return call(
        "write backup " + (backup == null ? null : backup.id()),
        () -> {
          docs.upsert(
              ConfigMapDocs.name("backup", store, backup.id()),
              labels("backup", backup.clusterId()),
              RecordCodec.write(backup));
          return null;
        },
        backup);
  }

  @Override
  public CompletionStage<Optional<Backup>> getBackup(String backupId) {
    return call(
        "read backup " + backupId,
        () ->
            docs.get(ConfigMapDocs.name("backup", store, backupId))
                .flatMap(ConfigMapDocs::json)
                .map(j -> RecordCodec.read(j, Backup.class)),
        backupId);
  }

  @Override
  public CompletionStage<List<Backup>> backups(String clusterId) {
    return call(
        "list backups of " + clusterId,
        () ->
            read(docs.list(labels("backup", clusterId)), Backup.class).stream()
                .filter(b -> b.clusterId().equals(clusterId))
                .sorted(Comparator.comparing(Backup::createdAt))
                .toList(),
        clusterId);
  }

  /**
   * Numbers and stores events in one update of the event log's head (see the class description).
   *
   * @param events the events, each naming a cluster
   * @return the events as stored, with their numbers. A null list or event fails the stage with
   *     {@link NullPointerException}, an event naming no cluster with {@link
   *     IllegalArgumentException} (nothing is stored), an event too large for a ConfigMap with
   *     {@link K8sObjectTooLargeException}, a closed store and API failures as every call does.
   */
  @Override
  public CompletionStage<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> events) {
    return call("append events", () -> eventLog.append(events), events);
  }

  @Override
  public CompletionStage<List<LifecycleEvent>> events(EventQuery query) {
    return call("read events", () -> eventLog.events(query), query);
  }

  /** Stops the store's threads and closes the client if the store opened it; idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      calls.close();
      if (ownsClient) {
        client.close();
      }
    }
  }

  /**
   * Writes a cluster record at the {@code resourceVersion} read. When the API server refuses (409)
   * a record read without the name label or the {@link BusyIndex} label that still holds the same
   * record, the writes in between only labelled it ({@code backfill}, at most once per label):
   * writes again, at the new {@code resourceVersion}.
   */
  private void write(
      String name, Map<String, String> labels, String json, Optional<ConfigMap> current) {
    String at = current.map(K8sClusterStore::version).orElse(null);
    for (int attempt = 0; ; attempt++) {
      try {
        docs.write(name, labels, json, at);
        return;
      } catch (KubernetesClientException e) {
        Optional<ConfigMap> labelled =
            e.getCode() == 409 && attempt < 2 && current.isPresent() && !indexed(current.get())
                ? docs.get(name)
                    .filter(
                        now -> ConfigMapDocs.json(now).equals(ConfigMapDocs.json(current.get())))
                : Optional.empty();
        if (labelled.isEmpty()) {
          throw e;
        }
        at = version(labelled.get());
      }
    }
  }

  /**
   * Labels the cluster records an older release wrote without the name label, once per store object
   * (again after a failure). A record written since the list is read again and labelled unless it
   * has the label by then; one deleted since is skipped.
   */
  private void backfill() {
    if (backfilled.get()) {
      return;
    }
    for (ConfigMap cm : docs.listWithout(labels("cluster"), NAME_LABEL)) {
      docs.labelIfAbsent(
          cm, NAME_LABEL, json -> Names.hashLabel(RecordCodec.read(json, Cluster.class).name()));
    }
    backfilled.set(true);
  }

  private static boolean indexed(ConfigMap cm) {
    return ConfigMapDocs.hasLabel(cm, NAME_LABEL) && ConfigMapDocs.hasLabel(cm, BusyIndex.KEY);
  }

  private static String version(ConfigMap cm) {
    return cm.getMetadata().getResourceVersion();
  }

  private List<Cluster> clusters(List<ConfigMap> maps) {
    return read(maps, Cluster.class).stream()
        .sorted(Comparator.comparing(Cluster::createdAt))
        .toList();
  }

  /** Appends one operation's entries in one compare-and-set of its journal, retried on conflict. */
  private void append(String operationId, List<JournalEntry> entries) {
    String name = ConfigMapDocs.name("journal", store, operationId);
    Map<String, String> labels = labels("journal");
    labels.put(OPERATION_LABEL, Names.labelValue(operationId));
    for (int attempt = 0; ; attempt++) {
      Optional<ConfigMap> current = docs.get(name);
      List<JournalEntry> all =
          new ArrayList<>(
              current
                  .flatMap(ConfigMapDocs::json)
                  .map(j -> Arrays.asList(RecordCodec.read(j, JournalEntry[].class)))
                  .orElse(List.of()));
      all.addAll(entries);
      try {
        docs.write(
            name,
            labels,
            RecordCodec.write(all),
            current.map(c -> c.getMetadata().getResourceVersion()).orElse(null));
        return;
      } catch (KubernetesClientException e) {
        if (e.getCode() != 409 || attempt >= 10) {
          throw e;
        }
      }
    }
  }

  private <T> List<T> read(List<ConfigMap> maps, Class<T> type) {
    List<T> out = new ArrayList<>();
    for (ConfigMap cm : maps) {
      ConfigMapDocs.json(cm).ifPresent(j -> out.add(RecordCodec.read(j, type)));
    }
    return out;
  }

  private Map<String, String> labels(String kind) {
    Map<String, String> labels = new LinkedHashMap<>();
    labels.put(K8sLabels.MANAGED_BY, K8sLabels.MANAGER);
    labels.put(K8sLabels.KIND, kind);
    labels.put(STORE_LABEL, store);
    return labels;
  }

  private Map<String, String> labels(String kind, String clusterId) {
    Map<String, String> labels = labels(kind);
    labels.put(NodeSpec.TAG_CLUSTER, Names.labelValue(clusterId));
    return labels;
  }

  private <T> CompletableFuture<T> call(String what, Supplier<T> body, Object... arguments) {
    for (Object a : arguments) {
      if (a == null) {
        return CompletableFuture.failedFuture(new NullPointerException(what + ": null argument"));
      }
    }
    if (closed.get()) {
      return CompletableFuture.failedFuture(
          new IllegalStateException(what + ": the cluster store is closed"));
    }
    return calls.async(what, body);
  }

  /** Builds a {@link K8sClusterStore}; not thread-safe. */
  public static final class Builder {
    /** The store's name unless configured otherwise. */
    public static final String DEFAULT_STORE = "lifecycle";

    private static final Pattern STORE = Pattern.compile("[a-z0-9]([-a-z0-9]{0,38}[a-z0-9])?");

    private KubernetesClient client;
    private K8sConnection connection = K8sConnection.ofDefaults();
    private String namespace;
    private String store = DEFAULT_STORE;
    private long maxBytes = K8sMetadataStore.Builder.DEFAULT_MAX_BYTES;
    private Clock clock = Clock.systemUTC();
    private long eventSealBytes;

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
     * Sets the namespace of the records. Default: the client's namespace, else {@code default}.
     *
     * @param value the namespace
     * @return this builder
     */
    public Builder namespace(String value) {
      this.namespace = Objects.requireNonNull(value, "namespace");
      return this;
    }

    /**
     * Names the store, so that several stores can share a namespace: the name is part of every
     * object's name and labels. Engines that share clusters use the same name.
     *
     * @param value lower-case letters, digits and {@code -}, at most 40; default {@link
     *     #DEFAULT_STORE}
     * @return this builder
     */
    public Builder store(String value) {
      Objects.requireNonNull(value, "store");
      if (!STORE.matcher(value).matches()) {
        throw new IllegalArgumentException(
            "store must be lower-case letters, digits and -, at most 40, was " + value);
      }
      this.store = value;
      return this;
    }

    /**
     * Sets the most bytes one record or journal may hold.
     *
     * @param value at least 1024; default {@link K8sMetadataStore.Builder#DEFAULT_MAX_BYTES}
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
     * Sets how many bytes of events the event log's head gathers before an append seals them into a
     * segment; for tests.
     *
     * @param value at least 1; default {@link EventConfigMaps#defaultSealBytes}
     * @return this builder
     */
    Builder eventSealBytes(long value) {
      if (value < 1) {
        throw new IllegalArgumentException("eventSealBytes must be at least 1, was " + value);
      }
      this.eventSealBytes = value;
      return this;
    }

    /**
     * Sets the clock of the Lease objects' renew times.
     *
     * @param value the clock; default the system's, UTC
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
     */
    public K8sClusterStore build() {
      return new K8sClusterStore(this);
    }
  }
}

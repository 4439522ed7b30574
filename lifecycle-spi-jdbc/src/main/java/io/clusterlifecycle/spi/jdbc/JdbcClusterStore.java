package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.spi.StoreBatch;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.spi.VersionConflictException;
import io.clusterlifecycle.codec.RecordCodec;
import io.clusterlifecycle.spi.jdbc.ConnectionPool.SqlWork;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ClusterStore} in a relational database, over plain JDBC: SQLite, the embedded default
 * (one file), or PostgreSQL, with the same SQL.
 *
 * <p><b>Records.</b> Each cluster, operation and backup is one row holding its {@link RecordCodec}
 * JSON next to the columns the store queries (id, cluster, version, creation time); each journal
 * entry is one row. A record read back equals the record written, except that times in clusters,
 * operations and backups keep milliseconds (as {@link RecordCodec} writes them); journal entries
 * keep their time exactly. {@link #put} returns the record as it will be read back. Backups are
 * kept apart from their cluster: {@link #delete} leaves them.
 *
 * <p><b>Event log.</b> Each event of {@link #appendEvents} is one row of table {@code events},
 * numbered from the one-row counter {@code event_sequence}, which an append raises inside its
 * transaction: on PostgreSQL the counter's row lock makes appenders of every process take their
 * numbers in the order they commit, so once {@link #events} returned an event no event with a
 * smaller number appears later. Events keep their time exactly; {@link #delete} drops the cluster's
 * events, and numbers are never reused.
 *
 * <p><b>Compare-and-set.</b> {@link #put} stores a cluster only when the stored version equals
 * {@link Cluster#version()} ({@code 0}: no stored record) and stores it with the version plus one,
 * atomically across threads, store instances and processes sharing the database. Otherwise the
 * stage fails with {@link VersionConflictException} and nothing changes.
 *
 * <p><b>Durability.</b> A stage completes once its transaction has committed: on SQLite with a
 * write-ahead log and {@code synchronous=FULL}, so a committed change survives a power loss. A
 * whole {@link #appendJournal} or {@link #appendEvents} batch is stored or none of it; {@link
 * #delete} removes the cluster, its operations, their journals and its events together.
 *
 * <p><b>Group commit.</b> Writes ({@link #put}, {@link #delete}, {@link #putOperation}, {@link
 * #appendJournal}, {@link #putBackup}, {@link #appendEvents}) asked for while a transaction is
 * being written go into the next transaction together, each in a savepoint of its own: one that
 * fails (a lost compare-and-set) is rolled back alone, and the group shares one commit. A thousand
 * operations resuming at once so cost a few hundred commits instead of thousands. On PostgreSQL
 * event appends are grouped in transactions of their own, which touch only the event tables.
 *
 * <p><b>Sharing a database.</b> Several processes may open the same SQLite file or PostgreSQL
 * database. On SQLite a writer waits up to the busy timeout for another process's write to end
 * ({@link Builder#busyTimeout}); only longer waits fail, transiently.
 *
 * <p><b>Schema.</b> The store creates its tables when it opens a database and migrates an older
 * schema of its own, one transaction per migration; table {@code lifecycle_schema} records the
 * applied versions (5 adds the event log, tables {@code events} and {@code event_sequence}). A
 * database with a newer schema than {@link #SCHEMA_VERSION} is refused at open. On SQLite, opening
 * also checks the file ({@code PRAGMA quick_check} and its length), so a damaged file is reported
 * at once rather than losing records later.
 *
 * <p><b>Failures.</b> Methods never throw: their stages complete exceptionally, with {@link
 * VersionConflictException} for a lost compare-and-set, {@link TransientSpiException} for failures
 * worth retrying (SQLite busy or locked beyond the busy timeout; on PostgreSQL a serialization
 * failure, a deadlock, a lost or refused connection), {@link NullPointerException} for a null
 * argument, {@link JdbcAccessException} when the database refused the store (a wrong password, no
 * rights) or the store refused the database (its TLS certificate), and otherwise a {@link
 * LifecycleException} saying what to do. A connection that broke is dropped, and the pool opens
 * another for a later call.
 *
 * <p><b>TLS and credentials.</b> {@link Builder#tls(Path)} connects to PostgreSQL with {@code
 * sslmode=verify-full} against the given CA (docs/design.md §9.8). Passwords are never logged nor
 * shown in messages or {@link #toString()}; URLs are shown without their query.
 *
 * <p><b>Threads.</b> Thread-safe. The blocking JDBC work runs on a fixed number of threads the
 * store owns, each using one of as many connections ({@link Builder#poolSize}) of a HikariCP pool.
 * Stages complete on those threads: dependent actions should not block (or should use the {@code
 * ...Async} forms). {@link #close()} lets accepted calls finish, then closes the pool and the
 * threads.
 *
 * <p>PostgreSQL needs its driver ({@code org.postgresql:postgresql}) on the class path; SQLite's
 * comes with this module.
 */
public final class JdbcClusterStore implements ClusterStore {
  private static final Logger LOG = LoggerFactory.getLogger(JdbcClusterStore.class);

  /** Connections (and threads) of a store unless {@link Builder#poolSize} says otherwise: 4. */
  public static final int DEFAULT_POOL_SIZE = 4;

  /** The most connections a store may hold: 64. */
  public static final int MAX_POOL_SIZE = 64;

  /**
   * How long a SQLite writer waits for another connection's write transaction to end before its
   * call fails with {@link TransientSpiException}, unless {@link Builder#busyTimeout} says
   * otherwise: 10 seconds.
   */
  public static final Duration DEFAULT_BUSY_TIMEOUT = Duration.ofSeconds(10);

  /** The schema version this release creates and the highest it can open. */
  public static final int SCHEMA_VERSION = Schema.VERSION;

  private static final long CLOSE_WAIT_SECONDS = 30;

  private final Dialect dialect;
  private final StoreErrors errors;
  private final ConnectionPool pool;
  private final ThreadPoolExecutor executor;
  private final Set<Thread> ownThreads = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final GroupCommit writes;
  private final GroupCommit eventWrites;
  private final EventLogTable eventLog;
  private final RecordReads reads;

  private JdbcClusterStore(Dialect dialect, StoreErrors errors, ConnectionPool pool, int threads) {
    this.dialect = dialect;
    this.errors = errors;
    this.pool = pool;
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t =
                  new Thread(
                      () -> {
                        ownThreads.add(Thread.currentThread());
                        try {
                          r.run();
                        } finally {
                          ownThreads.remove(Thread.currentThread());
                        }
                      },
                      "lifecycle-jdbc-store-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.executor.allowCoreThreadTimeOut(true);
    this.writes = new GroupCommit(pool, dialect, errors, executor, this::closedError);
    this.eventWrites =
        EventLogTable.separateWriter(dialect)
            ? new GroupCommit(pool, dialect, errors, executor, this::closedError)
            : writes;
    this.eventLog = new EventLogTable(errors);
    this.reads = new RecordReads(errors);
  }

  /**
   * Opens (creating it and its directories if needed) a SQLite store file with the default
   * settings.
   *
   * <p>An existing file that is empty, not a SQLite database, damaged or cut short is refused; the
   * file is never replaced. A new file is created complete, with its schema, and then moved into
   * place, so an empty file is never a store this class created.
   *
   * @param file the database file
   * @return the open store
   * @throws NullPointerException if {@code file} is null
   * @throws LifecycleException if the file cannot be created or opened, is damaged, or has a newer
   *     schema; {@link TransientSpiException} if another process held it locked beyond the busy
   *     timeout
   */
  public static JdbcClusterStore sqlite(Path file) {
    return builder().sqlite(file).build();
  }

  /**
   * Opens a store in the database a JDBC URL names, with the default settings: PostgreSQL ({@code
   * jdbc:postgresql://host:port/database}) or SQLite ({@code jdbc:sqlite:path}, the same as {@link
   * #sqlite(Path)}).
   *
   * @param jdbcUrl the database
   * @param user the user name, or null for the driver's default
   * @param password the password, or null for none
   * @return the open store
   * @throws NullPointerException if {@code jdbcUrl} is null
   * @throws JdbcAccessException if access is refused or the server's certificate is not trusted,
   *     saying what to change
   * @throws LifecycleException if the URL is of no supported database, its driver is missing or the
   *     schema is newer than {@link #SCHEMA_VERSION}; {@link TransientSpiException} if the database
   *     could not be reached
   */
  public static JdbcClusterStore open(String jdbcUrl, String user, String password) {
    return builder().url(jdbcUrl).credentials(user, password).build();
  }

  /**
   * Starts a builder, for settings other than the defaults.
   *
   * @return a builder with no database chosen yet
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * {@inheritDoc}
   *
   * @throws NullPointerException never: a null id fails the stage
   */
  @Override
  public CompletionStage<Optional<Cluster>> get(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    return run(
        "read cluster " + clusterId,
        c ->
            reads.one(
                c,
                "SELECT doc FROM clusters WHERE id = ?",
                clusterId,
                Cluster.class,
                "cluster " + clusterId));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Cluster>> list() {
    return run(
        "list clusters",
        c ->
            reads.all(
                c,
                "SELECT id, doc FROM clusters ORDER BY created_at, id",
                null,
                Cluster.class,
                "cluster"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Answered from index {@code clusters_by_name}; ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Cluster>> named(String name) {
    if (name == null) {
      return nullArgument("name");
    }
    return run(
        "look up clusters named " + name,
        c ->
            reads.all(
                c,
                "SELECT id, doc FROM clusters WHERE name = ? ORDER BY created_at, id",
                name,
                Cluster.class,
                "cluster"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Answered from the partial index {@code clusters_busy}, which holds only the rows whose
   * {@code operation} column is set.
   */
  @Override
  public CompletionStage<List<Cluster>> busy() {
    return run(
        "look up clusters that name an operation",
        c ->
            reads.all(
                c,
                "SELECT id, doc FROM clusters WHERE operation <> '' ORDER BY created_at, id",
                null,
                Cluster.class,
                "cluster"));
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
    return write(
        "store cluster " + cluster.id(), () -> RecordWrites.encode(cluster), RecordWrites::cluster);
  }

  /**
   * {@inheritDoc}
   *
   * <p>The batch is one write of the store's group commit: its statements run in one savepoint of
   * the group's transaction, so a lost compare-and-set rolls all of them back, and the group's
   * {@code COMMIT} makes all of them durable at once.
   */
  @Override
  public CompletionStage<Optional<Cluster>> write(StoreBatch batch) {
    if (batch == null) {
      return nullArgument("batch");
    }
    String what =
        "write "
            + batch.cluster().map(c -> "cluster " + c.id() + ", ").orElse("")
            + batch.operations().size()
            + " operations and "
            + batch.journal().size()
            + " journal entries";
    record Encoded(
        Optional<RecordWrites.EncodedCluster> cluster,
        List<RecordWrites.EncodedOperation> operations) {}
    return write(
        what,
        () ->
            new Encoded(
                batch.cluster().map(RecordWrites::encode), RecordWrites.encode(batch.operations())),
        (c, encoded) -> {
          Optional<Cluster> stored = Optional.empty();
          if (encoded.cluster().isPresent()) {
            stored = Optional.of(RecordWrites.cluster(c, encoded.cluster().get()));
          }
          for (RecordWrites.EncodedOperation operation : encoded.operations()) {
            RecordWrites.operation(c, operation);
          }
          RecordWrites.journal(c, batch.journal());
          return stored;
        });
  }

  /**
   * {@inheritDoc}
   *
   * <p>Journals are found through the operation records of the cluster: entries of an operation
   * that was never stored with {@link #putOperation} stay. The cluster's backups stay too. Its
   * events go; the numbers of the event log keep increasing.
   */
  @Override
  public CompletionStage<Void> delete(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    return write(
        "delete cluster " + clusterId,
        c -> {
          update(
              c,
              "DELETE FROM journal WHERE operation_id IN"
                  + " (SELECT id FROM operations WHERE cluster_id = ?)",
              clusterId);
          update(c, "DELETE FROM operations WHERE cluster_id = ?", clusterId);
          update(c, "DELETE FROM clusters WHERE id = ?", clusterId);
          EventLogTable.purge(c, clusterId);
          return null;
        });
  }

  private static void update(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement p = c.prepareStatement(sql)) {
      p.setString(1, arg);
      p.executeUpdate();
    }
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Void> putOperation(Operation operation) {
    if (operation == null) {
      return nullArgument("operation");
    }
    return write(
        "store operation " + operation.id(),
        () -> RecordWrites.encode(operation),
        (c, encoded) -> {
          RecordWrites.operation(c, encoded);
          return null;
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Operation>> getOperation(String operationId) {
    if (operationId == null) {
      return nullArgument("operationId");
    }
    return run(
        "read operation " + operationId,
        c ->
            reads.one(
                c,
                "SELECT doc FROM operations WHERE id = ?",
                operationId,
                Operation.class,
                "operation " + operationId));
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
    return run(
        "list operations of cluster " + clusterId,
        c ->
            reads.all(
                c,
                "SELECT id, doc FROM operations WHERE cluster_id = ? ORDER BY created_at, id",
                clusterId,
                Operation.class,
                "operation"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The batch is one transaction: either every entry is stored or none is. An empty batch
   * completes at once.
   */
  @Override
  public CompletionStage<Void> appendJournal(List<JournalEntry> entries) {
    List<JournalEntry> batch;
    try {
      batch = List.copyOf(entries);
    } catch (NullPointerException e) {
      return CompletableFuture.failedFuture(
          new NullPointerException("entries, or one of its entries, is null"));
    }
    if (batch.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return write(
        "append " + batch.size() + " journal entries",
        c -> {
          RecordWrites.journal(c, batch);
          return null;
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<List<JournalEntry>> journal(String operationId) {
    if (operationId == null) {
      return nullArgument("operationId");
    }
    return run("read the journal of operation " + operationId, c -> reads.journal(c, operationId));
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Void> putBackup(Backup backup) {
    if (backup == null) {
      return nullArgument("backup");
    }
    return write(
        "store backup " + backup.id(),
        c -> {
          try (PreparedStatement p =
              c.prepareStatement(
                  "INSERT INTO backups (id, cluster_id, created_at, doc) VALUES (?, ?, ?, ?)"
                      + " ON CONFLICT (id) DO UPDATE SET cluster_id = excluded.cluster_id,"
                      + " created_at = excluded.created_at, doc = excluded.doc")) {
            p.setString(1, backup.id());
            p.setString(2, backup.clusterId());
            p.setLong(3, backup.createdAt().toEpochMilli());
            p.setString(4, RecordCodec.write(backup));
            p.executeUpdate();
          }
          return null;
        });
  }

  /** {@inheritDoc} */
  @Override
  public CompletionStage<Optional<Backup>> getBackup(String backupId) {
    if (backupId == null) {
      return nullArgument("backupId");
    }
    return run(
        "read backup " + backupId,
        c ->
            reads.one(
                c,
                "SELECT doc FROM backups WHERE id = ?",
                backupId,
                Backup.class,
                "backup " + backupId));
  }

  /**
   * {@inheritDoc}
   *
   * <p>Ties in creation time are broken by id.
   */
  @Override
  public CompletionStage<List<Backup>> backups(String clusterId) {
    if (clusterId == null) {
      return nullArgument("clusterId");
    }
    return run(
        "list backups of cluster " + clusterId,
        c ->
            reads.all(
                c,
                "SELECT id, doc FROM backups WHERE cluster_id = ? ORDER BY created_at, id",
                clusterId,
                Backup.class,
                "backup"));
  }

  /**
   * {@inheritDoc}
   *
   * <p>The events are numbered and stored in one transaction of the store's group commit (see
   * {@link JdbcClusterStore}); they keep their time exactly, and a text that is empty ({@code
   * Optional.of("")}) is read back as absent. An empty list completes at once with no events.
   *
   * @throws NullPointerException never: null events fail the stage
   */
  @Override
  public CompletionStage<List<LifecycleEvent>> appendEvents(List<LifecycleEvent> events) {
    EventLogTable.Append append;
    try {
      append = EventLogTable.append(events);
    } catch (NullPointerException | IllegalArgumentException e) {
      return CompletableFuture.failedFuture(e);
    }
    if (append.isEmpty()) {
      return CompletableFuture.completedFuture(List.of());
    }
    return write(eventWrites, append.what(), append::apply);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Answered from the index {@code events_by_cluster} or {@code events_by_operation} when the
   * query names a cluster or an operation, and otherwise from the numbers' primary key.
   *
   * @throws NullPointerException never: a null query fails the stage
   */
  @Override
  public CompletionStage<List<LifecycleEvent>> events(EventQuery query) {
    if (query == null) {
      return nullArgument("query");
    }
    return run(EventLogTable.describe(query), c -> eventLog.read(c, query));
  }

  /**
   * Closes the store: calls already accepted finish (waiting up to 30 seconds), later calls fail
   * with a {@link LifecycleException}, then the connections and threads are released. Idempotent.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    executor.shutdown();
    if (!ownThreads.contains(Thread.currentThread())) {
      try {
        if (!executor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
          LOG.warn(
              "cluster store {}: calls still running after {} s; interrupting them",
              errors.where(),
              CLOSE_WAIT_SECONDS);
          executor.shutdownNow();
        }
      } catch (InterruptedException e) {
        executor.shutdownNow();
        Thread.currentThread().interrupt();
      }
    }
    pool.close();
    LOG.debug("closed cluster store {}", errors.where());
  }

  /**
   * Describes the store.
   *
   * @return the database kind and where it is, without credentials
   */
  @Override
  public String toString() {
    return "JdbcClusterStore[" + dialect.displayName() + " " + errors.where() + "]";
  }

  /**
   * Counts the transactions this store committed since it was opened: each holds one group of
   * writes (docs/design.md §9.5), so this is the number of durable commits (fsyncs on SQLite) its
   * writes cost, for benchmarks and metrics.
   *
   * @return the transactions committed by this store object
   */
  public long groupsCommitted() {
    return writes.committed() + (eventWrites == writes ? 0 : eventWrites.committed());
  }

  /** Runs work on one of the store's connections; for tests that look at the connection. */
  <T> CompletionStage<T> withConnection(String what, SqlWork<T> work) {
    return run(what, work);
  }

  // ------------------------------------------------------------------------------- internals

  private <T> CompletionStage<T> run(String what, SqlWork<T> work) {
    CompletableFuture<T> result = new CompletableFuture<>();
    if (closed.get()) {
      result.completeExceptionally(closedError(what));
      return result;
    }
    try {
      executor.execute(
          () -> {
            try {
              result.complete(pool.withConnection(work));
            } catch (SQLException e) {
              result.completeExceptionally(errors.translate(what, e));
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              result.completeExceptionally(closedError(what));
            } catch (RuntimeException | Error e) {
              result.completeExceptionally(e);
            }
          });
    } catch (RejectedExecutionException e) {
      result.completeExceptionally(closedError(what));
    }
    return result;
  }

  /** Queues a write for the next group commit, or fails at once when the store is closed. */
  private <T> CompletionStage<T> write(String what, SqlWork<T> work) {
    return write(writes, what, work);
  }

  /**
   * A write whose records are encoded first, on the caller's thread, so that the group commit's one
   * writer spends its time on statements; a record the codec cannot write fails the stage.
   */
  private <E, T> CompletionStage<T> write(String what, Supplier<E> encode, EncodedWork<E, T> work) {
    E encoded;
    try {
      encoded = encode.get();
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
    return write(what, c -> work.apply(c, encoded));
  }

  /** Statements that store records encoded before their transaction. */
  @FunctionalInterface
  private interface EncodedWork<E, T> {
    T apply(Connection c, E encoded) throws SQLException;
  }

  private <T> CompletionStage<T> write(GroupCommit to, String what, SqlWork<T> work) {
    if (closed.get()) {
      return CompletableFuture.failedFuture(closedError(what));
    }
    return to.submit(what, work);
  }

  private LifecycleException closedError(String what) {
    return new LifecycleException(
        "cannot " + what + ": the cluster store " + errors.where() + " is closed; open it again");
  }

  private static <T> CompletionStage<T> nullArgument(String name) {
    return CompletableFuture.failedFuture(new NullPointerException(name));
  }

  /**
   * Settings of a {@link JdbcClusterStore}; {@link #build()} opens the store. Choose the database
   * with {@link #sqlite(Path)} or {@link #url(String)}. Not thread-safe.
   */
  public static final class Builder {
    Path file;
    String url;
    String user;
    String password;
    int poolSize = DEFAULT_POOL_SIZE;
    Duration busyTimeout = DEFAULT_BUSY_TIMEOUT;
    Path trustedCa;

    private Builder() {}

    /**
     * Connects to PostgreSQL over TLS only, with {@code sslmode=verify-full}: the server's
     * certificate must be signed by this CA and name the host of the URL, else opening fails with a
     * {@link JdbcAccessException} ({@link JdbcAccessException.Reason#SERVER_NOT_TRUSTED}). The same
     * as {@code ?sslmode=verify-full&sslrootcert=CA.pem} in the URL, which must then not set
     * another {@code sslmode}. See docs/design.md §9.8.
     *
     * @param caFile a PEM file of the CA certificates that signed the server's certificate
     * @return this builder
     * @throws NullPointerException if {@code caFile} is null
     * @throws IllegalArgumentException if the file is missing or unreadable
     */
    public Builder tls(Path caFile) {
      Objects.requireNonNull(caFile, "caFile");
      if (!Files.isReadable(caFile)) {
        throw new IllegalArgumentException(
            "the CA certificate file "
                + caFile
                + (Files.exists(caFile) ? " is not readable by this process" : " does not exist")
                + "; give a readable PEM file of the CA that signed the server's certificate");
      }
      this.trustedCa = caFile;
      return this;
    }

    /**
     * Chooses a SQLite file, created with its directories if missing.
     *
     * @param value the file
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder sqlite(Path value) {
      this.file = Objects.requireNonNull(value, "file");
      return this;
    }

    /**
     * Chooses the database a JDBC URL names: {@code jdbc:postgresql://host:port/database}, or
     * {@code jdbc:sqlite:path} (the same as {@link #sqlite(Path)}).
     *
     * @param value the URL
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is blank
     */
    public Builder url(String value) {
      Objects.requireNonNull(value, "jdbcUrl");
      if (value.isBlank()) {
        throw new IllegalArgumentException(
            "the JDBC URL is blank; give for example "
                + "jdbc:postgresql://localhost:5432/lifecycle");
      }
      this.url = value;
      return this;
    }

    /**
     * Sets the credentials for a database that asks for them (PostgreSQL). Neither is logged.
     *
     * @param userName the user, or null for the driver's default
     * @param pass the password, or null for none
     * @return this builder
     */
    public Builder credentials(String userName, String pass) {
      this.user = userName;
      this.password = pass;
      return this;
    }

    /**
     * Sets how many connections the store holds, and so how many of its calls run at once; {@link
     * #DEFAULT_POOL_SIZE} unless set.
     *
     * @param value from 1 to {@link #MAX_POOL_SIZE}
     * @return this builder
     * @throws IllegalArgumentException if {@code value} is out of range
     */
    public Builder poolSize(int value) {
      if (value < 1 || value > MAX_POOL_SIZE) {
        throw new IllegalArgumentException(
            "poolSize must be from 1 to " + MAX_POOL_SIZE + ", got " + value);
      }
      this.poolSize = value;
      return this;
    }

    /**
     * Sets how long a SQLite call waits for another connection's or process's write to end before
     * it fails with {@link TransientSpiException}; {@link #DEFAULT_BUSY_TIMEOUT} unless set.
     * Ignored by PostgreSQL, where writers queue on row locks.
     *
     * @param value zero or more, at most {@link Integer#MAX_VALUE} milliseconds
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     * @throws IllegalArgumentException if {@code value} is negative or too long
     */
    public Builder busyTimeout(Duration value) {
      Objects.requireNonNull(value, "busyTimeout");
      if (value.isNegative() || value.toMillis() > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "busyTimeout must be from 0 to " + Integer.MAX_VALUE + " ms, got " + value);
      }
      this.busyTimeout = value;
      return this;
    }

    /**
     * Opens the store: connects, checks a SQLite file, creates or migrates the schema.
     *
     * @return the open store; close it when done
     * @throws IllegalStateException if no database or both kinds were chosen, or {@link #tls(Path)}
     *     was set for SQLite
     * @throws IllegalArgumentException if {@link #tls(Path)} was set and the URL sets another
     *     {@code sslmode}
     * @throws JdbcAccessException if the database refused the store or its certificate was not
     *     trusted, saying what to change
     * @throws LifecycleException if the store cannot be opened otherwise, saying why and what to
     *     do; {@link TransientSpiException} if the database was busy or unreachable
     */
    public JdbcClusterStore build() {
      if ((file == null) == (url == null)) {
        throw new IllegalStateException(
            file == null
                ? "choose the database: call sqlite(file) or url(jdbcUrl)"
                : "choose one database: sqlite(file) or url(jdbcUrl), not both");
      }
      if (trustedCa != null && url != null) {
        int q = url.indexOf('?');
        String query = q < 0 ? "" : url.substring(q + 1);
        for (String param : query.split("&", -1)) {
          if (param.startsWith("sslmode=") && !param.equals("sslmode=verify-full")) {
            throw new IllegalArgumentException(
                "the JDBC URL sets "
                    + param
                    + " but tls(caFile) asks for sslmode=verify-full; drop sslmode from the URL");
          }
        }
      }
      StoreOpening.Opened o = StoreOpening.open(this);
      return new JdbcClusterStore(o.dialect(), o.errors(), o.pool(), poolSize);
    }
  }
}

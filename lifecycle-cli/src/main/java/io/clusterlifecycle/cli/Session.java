package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.core.JsonLinesTrace;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.spi.etcd.EtcdClusterStore;
import io.clusterlifecycle.spi.etcd.EtcdEndpoints;
import io.clusterlifecycle.spi.etcd.EtcdMetadataStore;
import io.clusterlifecycle.spi.jdbc.JdbcClusterStore;
import io.clusterlifecycle.spi.local.LocalInfrastructure;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * One CLI invocation's engine on the local infrastructure of a home directory, with its records and
 * metadata tree where the global options put them.
 */
final class Session implements AutoCloseable {
  final LocalInfrastructure infra;
  final LifecycleEngine engine;
  private final JsonLinesTrace trace;
  private final List<AutoCloseable> closing = new ArrayList<>();

  /** The records' file in a home when no other store is given: SQLite. */
  static final String STORE_FILE = "lifecycle.db";

  /** Names this process in its operation leases, instead of the host name. */
  static final String ENGINE_HOST_ENV = "LIFECYCLE_ENGINE_HOST";

  /** Where the records and the metadata tree live; null fields mean the embedded default. */
  record Stores(String store, String metadata) {
    static final Stores EMBEDDED = new Stores(null, null);

    static boolean isEtcd(String url) {
      return url != null && url.startsWith("etcd://");
    }
  }

  Session(Path home, Path traceFile) {
    this(home, traceFile, Stores.EMBEDDED, b -> {});
  }

  private Session(LifecycleEngine engine) {
    this.infra = null;
    this.engine = engine;
    this.trace = null;
    closing.add(engine);
  }

  /**
   * A session on a home that does not exist yet ({@link EmptyHome}): queries find nothing, requests
   * are checked and planned, nothing is written and no file is created. It has no {@link #infra}.
   */
  static Session empty() {
    return new Session(
        LifecycleEngine.builder()
            .resourceProvider(new EmptyHome.Resources())
            .commandExecutor(new EmptyHome.Commands())
            .metadataStore(new EmptyHome.Metadata())
            .clusterStore(new EmptyHome.Store())
            .build());
  }

  /**
   * @param stores where the records go (a JDBC URL, user and password from LIFECYCLE_STORE_USER and
   *     LIFECYCLE_STORE_PASSWORD, or etcd://HOST:PORT, which also takes the metadata tree) and the
   *     metadata tree (etcd://HOST:PORT); null for the home's SQLite file and tree file
   * @param tweak last changes to the engine's settings
   */
  Session(Path home, Path traceFile, Stores stores, Consumer<LifecycleEngineBuilder> tweak) {
    String metadataUrl =
        stores.metadata() != null
            ? stores.metadata()
            : Stores.isEtcd(stores.store()) ? stores.store() : null;
    if (metadataUrl != null && !Stores.isEtcd(metadataUrl)) {
      throw new ValidationException(
          "command line",
          List.of(
              ValidationProblem.of(
                  "--metadata",
                  "must be etcd://HOST:PORT[,HOST:PORT...], was '" + metadataUrl + "'")));
    }
    EtcdEndpoints recordsEtcd =
        Stores.isEtcd(stores.store()) ? EtcdEndpoints.parse(stores.store()) : null;
    EtcdEndpoints metadataEtcd = metadataUrl == null ? null : EtcdEndpoints.parse(metadataUrl);
    this.infra = LocalInfrastructure.open(home);
    closing.add(infra);
    try {
      ClusterStore store;
      Client recordsClient = null;
      if (recordsEtcd != null) {
        recordsClient = recordsEtcd.connect();
        closing.add(0, recordsClient);
        store =
            EtcdClusterStore.builder()
                .client(recordsClient)
                .maxTxnOps(recordsEtcd.maxTxnOps())
                .build();
      } else if (stores.store() != null) {
        store =
            JdbcClusterStore.open(
                stores.store(),
                System.getenv("LIFECYCLE_STORE_USER"),
                System.getenv("LIFECYCLE_STORE_PASSWORD"));
      } else {
        store = JdbcClusterStore.sqlite(home.resolve(STORE_FILE));
        ownerOnly(home.resolve(STORE_FILE));
      }
      closing.add(0, store);
      MetadataStore metadata = infra.metadata();
      if (metadataEtcd != null) {
        Client client =
            recordsEtcd != null && metadataEtcd.uris().equals(recordsEtcd.uris())
                ? recordsClient
                : null;
        if (client == null) {
          client = metadataEtcd.connect();
          closing.add(0, client);
        }
        EtcdMetadataStore etcd =
            EtcdMetadataStore.builder().client(client).maxTxnOps(metadataEtcd.maxTxnOps()).build();
        closing.add(0, etcd);
        metadata = new Mirrored(etcd, infra.metadata());
      }
      try {
        this.trace = traceFile == null ? null : JsonLinesTrace.append(traceFile);
      } catch (UncheckedIOException e) {
        throw new LifecycleException(
            "cannot append the trace to " + traceFile + ": " + e.getCause().getMessage(), e);
      }
      if (trace != null) {
        closing.add(0, trace);
      }
      LifecycleEngineBuilder b =
          LifecycleEngine.builder()
              .resourceProvider(infra.resources())
              .commandExecutor(infra.commands())
              .metadataStore(metadata)
              .clusterStore(store);
      String host = System.getenv(ENGINE_HOST_ENV);
      if (host != null && !host.isBlank()) {
        b.host(host);
      }
      if (trace != null) {
        b.eventListener(trace);
      }
      tweak.accept(b);
      this.engine = b.build();
      closing.add(0, engine);
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  /**
   * Makes the SQLite file and its write-ahead log readable by the owner only (docs/design.md §11):
   * the store creates them with the process's umask; SQLite gives the log files it creates later
   * the database file's mode. The home directory is 0700 already, so nobody else could open them in
   * between.
   */
  private static void ownerOnly(Path db) {
    if (!db.getFileSystem().supportedFileAttributeViews().contains("posix")) {
      return;
    }
    for (String suffix : List.of("", "-wal", "-shm", "-journal")) {
      Path f = Path.of(db + suffix);
      try {
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-------"));
      } catch (NoSuchFileException e) {
        // not there (yet): created with the database file's mode
      } catch (IOException e) {
        throw new LifecycleException("cannot make " + f + " private: " + e.getMessage(), e);
      }
    }
  }

  @Override
  public void close() {
    RuntimeException first = null;
    for (AutoCloseable c : closing) {
      try {
        c.close();
      } catch (Exception e) {
        if (first == null) {
          first = e instanceof RuntimeException r ? r : new IllegalStateException(e);
        }
      }
    }
    closing.clear();
    if (first != null) {
      throw first;
    }
  }

  /**
   * The metadata tree in etcd, where node agents read it, mirrored into the home so that the local
   * nodes' {@code metadata.json} (their {@code LC_METADATA}) follows it, as confd would render it
   * on a real node. etcd is written first and answers reads and watches.
   */
  private record Mirrored(MetadataStore primary, MetadataStore local) implements MetadataStore {
    @Override
    public CompletionStage<Void> commit(MetadataChange change) {
      return primary.commit(change).thenCompose(x -> local.commit(change));
    }

    @Override
    public CompletionStage<Map<String, String>> get(String prefix) {
      return primary.get(prefix);
    }

    @Override
    public AutoCloseable watch(String prefix, Consumer<MetadataChange> listener) {
      return primary.watch(prefix, listener);
    }
  }
}

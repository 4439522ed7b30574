package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.spi.etcd.EtcdClusterStore;
import io.clusterlifecycle.spi.etcd.EtcdEndpoints;
import io.clusterlifecycle.spi.etcd.EtcdMetadataStore;
import io.clusterlifecycle.spi.jdbc.JdbcClusterStore;
import io.clusterlifecycle.spi.k8s.K8sClusterStore;
import io.clusterlifecycle.spi.k8s.K8sMetadataStore;
import io.clusterlifecycle.spi.local.LocalHome;
import io.etcd.jetcd.Client;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The records' store and the shared metadata tree of one session, opened as {@link StoreSettings}
 * say: SQLite in the home, PostgreSQL, etcd (one client when records and tree share the members) or
 * Kubernetes ConfigMaps (on the session's {@link KubeClient}).
 */
final class OpenStores implements AutoCloseable {
  /** The records' file in a home when no other store is given: SQLite. */
  static final String STORE_FILE = "lifecycle.db";

  final ClusterStore store;

  /** The tree of a shared store, when one holds it; else the nodes' own tree is the engine's. */
  final Optional<MetadataStore> sharedTree;

  private final List<AutoCloseable> closing = new ArrayList<>();

  /**
   * Opens the stores.
   *
   * @param home the home, created for a SQLite store
   * @param kube the session's Kubernetes client
   * @param nodesReadKube whether the infrastructure's nodes read the tree from Kubernetes already
   *     ({@code --infra k8s}): a Kubernetes tree is then theirs, not a second copy
   * @param env the process environment, for the PostgreSQL user and password
   */
  OpenStores(
      StoreSettings s, Path home, KubeClient kube, boolean nodesReadKube, Map<String, String> env) {
    try {
      Client etcdRecords = null;
      if (s.store() instanceof StoreSettings.Etcd e) {
        etcdRecords = connect(e.endpoints(), s);
        store =
            closing(
                EtcdClusterStore.builder()
                    .client(etcdRecords)
                    .security(s.etcd())
                    .maxTxnOps(e.endpoints().maxTxnOps())
                    .build());
      } else if (s.store() instanceof StoreSettings.Jdbc j) {
        store = closing(jdbc(j.url(), s.storeCacert(), env));
      } else if (s.store() instanceof StoreSettings.Kube) {
        store =
            closing(
                K8sClusterStore.builder()
                    .client(kube.client())
                    .namespace(kube.settings().namespace())
                    .build());
      } else {
        LocalHome.open(home);
        Path db = home.resolve(STORE_FILE);
        store = closing(JdbcClusterStore.sqlite(db));
        ownerOnly(db);
      }
      Optional<MetadataStore> tree = Optional.empty();
      if (s.tree().orElse(null) instanceof StoreSettings.Etcd e) {
        Client client =
            etcdRecords != null
                    && s.store() instanceof StoreSettings.Etcd r
                    && r.endpoints().uris().equals(e.endpoints().uris())
                ? etcdRecords
                : connect(e.endpoints(), s);
        tree =
            Optional.of(
                closing(
                    EtcdMetadataStore.builder()
                        .client(client)
                        .security(s.etcd())
                        .maxTxnOps(e.endpoints().maxTxnOps())
                        .build()));
      } else if (s.tree().orElse(null) instanceof StoreSettings.Kube && !nodesReadKube) {
        tree =
            Optional.of(
                closing(
                    K8sMetadataStore.builder()
                        .client(kube.client())
                        .namespace(kube.settings().namespace())
                        .build()));
      }
      this.sharedTree = tree;
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private Client connect(EtcdEndpoints endpoints, StoreSettings s) {
    return closing(endpoints.connect(s.etcd()));
  }

  private <T extends AutoCloseable> T closing(T c) {
    closing.add(0, c);
    return c;
  }

  private static JdbcClusterStore jdbc(String url, Optional<Path> ca, Map<String, String> env) {
    JdbcClusterStore.Builder b =
        JdbcClusterStore.builder()
            .url(url)
            .credentials(
                env.get(StoreOptions.STORE_USER_ENV), env.get(StoreOptions.STORE_PASSWORD_ENV));
    if (ca.isPresent()) {
      try {
        b.tls(ca.get());
      } catch (IllegalArgumentException e) {
        throw new ValidationException(
            "command line", List.of(ValidationProblem.of("--store-cacert", e.getMessage())));
      }
    }
    try {
      return b.build();
    } catch (IllegalArgumentException e) {
      // the URL's sslmode contradicts --store-cacert
      throw new ValidationException(
          "command line", List.of(ValidationProblem.of("--store-cacert", e.getMessage())));
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
    List<AutoCloseable> all = List.copyOf(closing);
    closing.clear();
    Closer.closeAll(all);
  }
}

package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.testkit.compat.ClusterStoreCompatibilityKit;
import io.clusterlifecycle.testsupport.PostgresServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * {@link JdbcClusterStore} on a real PostgreSQL server ({@link PostgresServer}, started for this
 * class) keeps the {@link ClusterStore} contract: each test on a new database; another client is
 * another store on the same database. Fails, never skips, when the server binaries are missing.
 */
class JdbcClusterStorePostgresCompatibilityIT extends ClusterStoreCompatibilityKit {
  private static PostgresServer server;
  private String url;

  @BeforeAll
  static void startServer() throws Exception {
    server = PostgresServer.start();
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Override
  protected ClusterStore newStore() throws Exception {
    url = server.createDatabase();
    return reopen();
  }

  @Override
  protected ClusterStore reopen() {
    return JdbcClusterStore.open(url, PostgresServer.USER, PostgresServer.PASSWORD);
  }
}

package io.clusterlifecycle.spi.jdbc;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.testkit.compat.ClusterStoreCompatibilityKit;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JdbcClusterStore} on SQLite keeps the {@link ClusterStore} contract: each test on a new
 * file; another client is another store on the same file.
 */
class JdbcClusterStoreSqliteCompatibilityTest extends ClusterStoreCompatibilityKit {
  @TempDir Path dir;

  @Override
  protected ClusterStore newStore() {
    return JdbcClusterStore.sqlite(file());
  }

  @Override
  protected ClusterStore reopen() {
    return JdbcClusterStore.sqlite(file());
  }

  private Path file() {
    return dir.resolve("records").resolve("lifecycle.db");
  }
}

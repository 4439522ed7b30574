package io.clusterlifecycle.spi.jdbc;

import static io.clusterlifecycle.spi.jdbc.Records.T0;
import static io.clusterlifecycle.spi.jdbc.Records.await;
import static io.clusterlifecycle.spi.jdbc.Records.cluster;
import static io.clusterlifecycle.spi.jdbc.Records.failure;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.testsupport.PostgresServer;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The store on a real PostgreSQL server (Debian's {@code postgresql} package, started for this
 * class on 127.0.0.1): the shared contract, each test on a new database, plus connection failures.
 * Fails, never skips, when the server binaries are missing.
 */
class JdbcClusterStorePostgresIT extends ClusterStoreContract {
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
  void newDatabase() throws SQLException {
    url = server.createDatabase();
  }

  @Override
  JdbcClusterStore.Builder builder() {
    return JdbcClusterStore.builder()
        .url(url)
        .credentials(PostgresServer.USER, PostgresServer.PASSWORD);
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(url, PostgresServer.USER, PostgresServer.PASSWORD);
  }

  @Override
  List<String> childTarget() {
    return List.of("url", url, PostgresServer.USER, PostgresServer.PASSWORD);
  }

  @Test
  void connectionKilledByTheServer_failsTransiently_thenTheNextCallReconnects()
      throws SQLException {
    JdbcClusterStore single = track(builder().poolSize(1).build());
    Cluster c = await(single.put(cluster("c1", "demo", T0)));
    try (Connection admin = connect();
        Statement s = admin.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT count(pg_terminate_backend(pid))"
                    + " FROM pg_stat_activity WHERE datname = current_database()"
                    + " AND pid <> pg_backend_pid()")) {
      rs.next();
      assertThat(rs.getInt(1)).as("connections terminated").isGreaterThanOrEqualTo(1);
    }

    assertThat(failure(single.get("c1")))
        .isInstanceOf(TransientSpiException.class)
        .hasMessageContaining("the connection to the cluster store");
    assertThat(await(single.get("c1"))).contains(c);
  }

  @Test
  void wrongPassword_failsAtOpen_sayingWhatToCheck() {
    assertThatThrownBy(() -> JdbcClusterStore.open(url, PostgresServer.USER, "wrong"))
        .isInstanceOf(LifecycleException.class)
        .isNotInstanceOf(TransientSpiException.class)
        .hasMessageContaining("check the user name, the password and the database name")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void serverNotListening_failsAtOpen_transiently() {
    assertThatThrownBy(
            () ->
                JdbcClusterStore.open(
                    "jdbc:postgresql://127.0.0.1:1/none",
                    PostgresServer.USER,
                    PostgresServer.PASSWORD))
        .isInstanceOf(TransientSpiException.class)
        .hasMessageContaining("retry once the database is reachable");
  }

  @Test
  void idsAreOrderedByteWise_whateverTheDatabaseLocale() throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT collation_name FROM information_schema.columns"
                    + " WHERE table_name = 'clusters' AND column_name = 'id'")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("C");
    }
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT column_name, collation_name"
                    + " FROM information_schema.columns WHERE table_name = 'backups'"
                    + " AND column_name IN ('id', 'cluster_id') ORDER BY column_name")) {
      List<String> collations = new java.util.ArrayList<>();
      while (rs.next()) {
        collations.add(rs.getString(1) + " " + rs.getString(2));
      }
      assertThat(collations).containsExactly("cluster_id C", "id C");
    }
  }
}

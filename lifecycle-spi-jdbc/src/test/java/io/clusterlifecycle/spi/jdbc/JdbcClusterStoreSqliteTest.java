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
import io.clusterlifecycle.api.state.ClusterState;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** The store on SQLite, the embedded default: the shared contract plus file handling. */
class JdbcClusterStoreSqliteTest extends ClusterStoreContract {
  private Path file;

  @Override
  void newDatabase() {
    file = work.resolve("home").resolve("records").resolve("lifecycle.db");
  }

  @Override
  JdbcClusterStore.Builder builder() {
    return JdbcClusterStore.builder().sqlite(file);
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection("jdbc:sqlite:" + file);
  }

  @Override
  List<String> childTarget() {
    return List.of("sqlite", file.toString());
  }

  // -------------------------------------------------------------------------- the file

  @Test
  void sqlite_createsTheFileAndItsDirectories_leavingNoTemporaryFile() throws IOException {
    store.close();

    assertThat(file).isRegularFile();
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertThat(files.map(p -> p.getFileName().toString())).containsExactly("lifecycle.db");
    }
  }

  @Test
  void connections_useWal_synchronousFull_foreignKeys_andTheBusyTimeout() {
    Map<String, String> pragmas =
        await(
            store.withConnection(
                "read pragmas",
                c -> {
                  try (Statement s = c.createStatement()) {
                    return Map.of(
                        "journal_mode", pragma(s, "journal_mode"),
                        "synchronous", pragma(s, "synchronous"),
                        "foreign_keys", pragma(s, "foreign_keys"),
                        "busy_timeout", pragma(s, "busy_timeout"));
                  }
                }));

    assertThat(pragmas)
        .containsEntry("journal_mode", "wal")
        .containsEntry("synchronous", "2") // FULL
        .containsEntry("foreign_keys", "1")
        .containsEntry(
            "busy_timeout", String.valueOf(JdbcClusterStore.DEFAULT_BUSY_TIMEOUT.toMillis()));
  }

  @Test
  void nameLookup_usesTheNameIndex_notAScanOfEveryRecord() {
    assertThat(plan("SELECT id, doc FROM clusters WHERE name = 'x' ORDER BY created_at, id"))
        .contains("USING INDEX clusters_by_name")
        .doesNotContain("TEMP B-TREE");
  }

  @Test
  void busyLookup_usesThePartialIndex_notAScanOfEveryRecord() {
    assertThat(plan("SELECT id, doc FROM clusters WHERE operation <> '' ORDER BY created_at, id"))
        .contains("USING INDEX clusters_busy")
        .doesNotContain("TEMP B-TREE");
  }

  @Test
  void eventQueries_useTheirIndexes_inTheOrderOfTheNumbers() {
    assertThat(
            plan(
                "SELECT seq, at, doc FROM events WHERE seq > 5 AND cluster_id = 'c1'"
                    + " ORDER BY seq LIMIT 10"))
        .contains("USING INDEX events_by_cluster")
        .doesNotContain("TEMP B-TREE");
    assertThat(
            plan(
                "SELECT seq, at, doc FROM events WHERE seq > 5 AND operation_id = 'op-1'"
                    + " ORDER BY seq LIMIT 10"))
        .contains("USING INDEX events_by_operation")
        .doesNotContain("TEMP B-TREE");
    assertThat(plan("SELECT seq, at, doc FROM events WHERE seq > 5 ORDER BY seq LIMIT 10"))
        .contains("USING INTEGER PRIMARY KEY")
        .doesNotContain("TEMP B-TREE");
  }

  private String plan(String query) {
    return await(
        store.withConnection(
            "explain",
            c -> {
              StringBuilder out = new StringBuilder();
              try (Statement s = c.createStatement();
                  ResultSet rs = s.executeQuery("EXPLAIN QUERY PLAN " + query)) {
                while (rs.next()) {
                  out.append(rs.getString("detail")).append('\n');
                }
              }
              return out.toString();
            }));
  }

  private static String pragma(Statement s, String name) throws SQLException {
    try (ResultSet rs = s.executeQuery("PRAGMA " + name)) {
      rs.next();
      return rs.getString(1);
    }
  }

  @Test
  void openByUrl_isTheSameStore() {
    Cluster c = await(store.put(cluster("c1", "demo", T0)));

    try (JdbcClusterStore byUrl = JdbcClusterStore.open("jdbc:sqlite:" + file, null, null)) {
      assertThat(await(byUrl.get("c1"))).contains(c);
      assertThat(byUrl.toString()).contains("SQLite").contains(file.toString());
    }
  }

  // ------------------------------------------------------------------- damaged files

  @Test
  void headerOverwrittenWithGarbage_failsAtOpen_andTheFileIsLeftAsItWas() throws IOException {
    fillAndClose();
    byte[] garbage = new byte[100];
    new Random(42).nextBytes(garbage);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.write(java.nio.ByteBuffer.wrap(garbage), 0);
    }
    byte[] damaged = Files.readAllBytes(file);

    assertDamagedAtOpen();
    assertThat(Files.readAllBytes(file)).isEqualTo(damaged);
  }

  @Test
  void fileCutInHalf_failsAtOpen() throws IOException {
    fillAndClose();
    truncate(Files.size(file) / 2);

    assertDamagedAtOpen().hasMessageContaining("malformed");
  }

  @Test
  void fileWithItsLastBytesCutOff_failsAtOpen() throws IOException {
    fillAndClose();
    truncate(Files.size(file) - 10);

    assertDamagedAtOpen().hasMessageContaining("not a whole number of");
  }

  @Test
  void emptyFile_failsAtOpen_ratherThanStartingEmpty() throws IOException {
    fillAndClose();
    truncate(0);

    assertDamagedAtOpen().hasMessageContaining("it is empty");
  }

  @Test
  void fileThatIsNotADatabase_failsAtOpen() throws IOException {
    store.close();
    Files.delete(file);
    Files.writeString(file, "clusters:\n  - c1\n".repeat(400));

    assertDamagedAtOpen().hasMessageContaining("not a database");
  }

  /** Stores enough records to fill many pages, then closes the store. */
  private void fillAndClose() {
    for (int i = 0; i < 200; i++) {
      await(store.put(cluster(String.format("c%03d", i), "demo" + i, T0.plusSeconds(i))));
    }
    store.close();
    assertThat(Path.of(file + "-wal")).doesNotExist();
  }

  private void truncate(long size) throws IOException {
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
      ch.truncate(size);
    }
  }

  private org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
      assertDamagedAtOpen() {
    return assertThatThrownBy(this::open)
        .isInstanceOf(LifecycleException.class)
        .isNotInstanceOf(TransientSpiException.class)
        .hasMessageStartingWith("the store file " + file + " is damaged (")
        .hasMessageContaining("); restore it from a backup or move it away to start empty");
  }

  // ----------------------------------------------------------------- busy and transient

  @Test
  void writeLockHeldBeyondTheBusyTimeout_failsTransiently_thenWorksAgain() throws Exception {
    JdbcClusterStore impatient = track(builder().busyTimeout(Duration.ofMillis(200)).build());
    try (Connection other = connect();
        Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");

      Throwable t = failure(impatient.put(cluster("c1", "demo", T0)));

      assertThat(t).isInstanceOf(TransientSpiException.class).hasMessageContaining("is busy");
      s.execute("ROLLBACK");
    }
    assertThat(await(impatient.put(cluster("c1", "demo", T0))).version()).isEqualTo(1);
  }

  @Test
  void writeLockHeldShorterThanTheBusyTimeout_makesAWriterWait_notFail() throws Exception {
    Cluster v1 = await(store.put(cluster("c1", "demo", T0)));
    CompletableFuture<Cluster> put;
    try (Connection other = connect();
        Statement s = other.createStatement()) {
      s.execute("BEGIN IMMEDIATE");
      put = store.put(v1.toBuilder().state(ClusterState.STOPPED).build()).toCompletableFuture();

      assertThatThrownBy(() -> put.get(300, TimeUnit.MILLISECONDS))
          .isInstanceOf(java.util.concurrent.TimeoutException.class);
      s.execute("COMMIT");
    }
    assertThat(put.get(10, TimeUnit.SECONDS).version()).isEqualTo(2);
  }

  // ------------------------------------------------------------------------ settings

  @Test
  void unsupportedUrls_areRefusedWithTheSupportedForms() {
    assertThatThrownBy(() -> JdbcClusterStore.open("jdbc:mysql://localhost/x", "u", "p"))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("jdbc:sqlite:<file>")
        .hasMessageContaining("jdbc:postgresql://");
    assertThatThrownBy(() -> JdbcClusterStore.open("jdbc:sqlite::memory:", null, null))
        .isInstanceOf(LifecycleException.class)
        .hasMessageContaining("not durable");
  }

  @Test
  void builder_checksItsArguments() {
    assertThatThrownBy(() -> JdbcClusterStore.builder().poolSize(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from 1 to 64");
    assertThatThrownBy(() -> JdbcClusterStore.builder().busyTimeout(Duration.ofSeconds(-1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JdbcClusterStore.builder().url(" "))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> JdbcClusterStore.builder().build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("choose the database");
    assertThatThrownBy(() -> JdbcClusterStore.builder().sqlite(file).url("jdbc:sqlite:x").build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("not both");
  }
}

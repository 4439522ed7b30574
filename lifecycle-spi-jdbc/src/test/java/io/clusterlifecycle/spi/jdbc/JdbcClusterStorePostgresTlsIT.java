package io.clusterlifecycle.spi.jdbc;

import static io.clusterlifecycle.spi.jdbc.Records.T0;
import static io.clusterlifecycle.spi.jdbc.Records.await;
import static io.clusterlifecycle.spi.jdbc.Records.cluster;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.spi.jdbc.JdbcAccessException.Reason;
import io.clusterlifecycle.testsupport.PostgresServer;
import io.clusterlifecycle.testsupport.TestCertificates;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a real PostgreSQL server that takes TCP clients only over TLS (certificates made by
 * the test) with password authentication, connecting with {@code sslmode=verify-full}
 * (docs/design.md §9.8): the whole shared contract over TLS, plus the refusals — an untrusted or
 * misnamed server certificate, a wrong password, a plain-text connection — each a typed, permanent
 * {@link JdbcAccessException} that says what to change and shows no password.
 */
class JdbcClusterStorePostgresTlsIT extends ClusterStoreContract {
  private static final String WRONG_PASSWORD = "not-the-pw-31c7";

  @TempDir static Path certDir;
  private static TestCertificates certs;
  private static PostgresServer server;
  private String url;

  @BeforeAll
  static void startServer() throws Exception {
    certs = TestCertificates.create(certDir);
    server = PostgresServer.startTls(certs);
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
        .credentials(PostgresServer.USER, PostgresServer.PASSWORD)
        .tls(certs.caCertificate());
  }

  /** The test's database with verify-full written in the URL, as the command line takes it. */
  private String verifyFullUrl() {
    return url + "?sslmode=verify-full&sslrootcert=" + certs.caCertificate();
  }

  @Override
  Connection connect() throws SQLException {
    return DriverManager.getConnection(
        verifyFullUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
  }

  @Override
  List<String> childTarget() {
    return List.of("url", verifyFullUrl(), PostgresServer.USER, PostgresServer.PASSWORD);
  }

  /** The refusal opening failed with, checked to be typed, permanent and free of passwords. */
  private static JdbcAccessException refusal(ThrowingCallable open, Reason reason) {
    Throwable t = catchThrowable(open);
    assertThat(t)
        .as("opening should be refused")
        .isInstanceOf(JdbcAccessException.class)
        .isNotInstanceOf(TransientSpiException.class);
    JdbcAccessException e = (JdbcAccessException) t;
    assertThat(e.reason()).as(e.getMessage()).isEqualTo(reason);
    assertThat(e.getMessage())
        .doesNotContain(PostgresServer.PASSWORD)
        .doesNotContain(WRONG_PASSWORD);
    return e;
  }

  @Test
  void theStoresConnectionsAreEncrypted() {
    try (JdbcClusterStore store = builder().build()) {
      Cluster c = await(store.put(cluster("c1", "one", T0)));
      assertThat(await(store.get("c1"))).contains(c);
      boolean ssl =
          await(
              store.withConnection(
                  "check ssl",
                  conn -> {
                    try (Statement s = conn.createStatement();
                        ResultSet rs =
                            s.executeQuery(
                                "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")) {
                      return rs.next() && rs.getBoolean(1);
                    }
                  }));
      assertThat(ssl).isTrue();
    }
  }

  @Test
  void verifyFullWrittenInTheUrl_works_asTheCommandLineGivesIt() {
    try (JdbcClusterStore store =
        JdbcClusterStore.open(verifyFullUrl(), PostgresServer.USER, PostgresServer.PASSWORD)) {
      assertThat(await(store.list())).isEmpty();
      assertThat(store.toString()).doesNotContain("sslrootcert").doesNotContain("PASSWORD");
    }
  }

  @Test
  void aServerCertificateFromAnotherCa_isRefused_sayingWhichCaToGive() {
    JdbcAccessException e =
        refusal(
            () ->
                JdbcClusterStore.builder()
                    .url(url)
                    .credentials(PostgresServer.USER, PostgresServer.PASSWORD)
                    .tls(certs.otherCaCertificate())
                    .build(),
            Reason.SERVER_NOT_TRUSTED);
    assertThat(e.getMessage()).contains("give the CA certificate that signed the server's");
  }

  @Test
  void aHostTheServerCertificateDoesNotName_isRefused_byVerifyFull() {
    // the server also listens on 127.0.0.2, which its certificate does not name
    String otherHost = url.replace("//127.0.0.1:", "//127.0.0.2:");
    JdbcAccessException e =
        refusal(
            () ->
                JdbcClusterStore.builder()
                    .url(otherHost)
                    .credentials(PostgresServer.USER, PostgresServer.PASSWORD)
                    .tls(certs.caCertificate())
                    .build(),
            Reason.SERVER_NOT_TRUSTED);
    assertThat(e.getMessage()).contains("a URL whose host the certificate names");
  }

  @Test
  void aWrongPassword_overTls_isRefused_withoutShowingIt() {
    JdbcAccessException e =
        refusal(
            () ->
                JdbcClusterStore.builder()
                    .url(url)
                    .credentials(PostgresServer.USER, WRONG_PASSWORD)
                    .tls(certs.caCertificate())
                    .build(),
            Reason.AUTHENTICATION_FAILED);
    assertThat(e.getMessage()).contains("check the user name, the password");
  }

  @Test
  void aPlainTextConnection_isRefused_sayingToUseVerifyFull() {
    JdbcAccessException e =
        refusal(
            () ->
                JdbcClusterStore.open(
                    url + "?sslmode=disable", PostgresServer.USER, PostgresServer.PASSWORD),
            Reason.TLS_REQUIRED);
    assertThat(e.getMessage()).contains("sslmode=verify-full");
  }

  @Test
  void aDatabaseThatDoesNotExist_isRefused_sayingToCreateIt() {
    String missing = url.substring(0, url.lastIndexOf('/') + 1) + "no_such_db";
    JdbcAccessException e =
        refusal(
            () ->
                JdbcClusterStore.builder()
                    .url(missing)
                    .credentials(PostgresServer.USER, PostgresServer.PASSWORD)
                    .tls(certs.caCertificate())
                    .build(),
            Reason.DATABASE_MISSING);
    assertThat(e.getMessage()).contains("create the database");
  }

  @Test
  void aUserWithoutRightsOnTheSchema_isRefused_sayingWhatItNeeds() throws SQLException {
    // PostgreSQL 15 lets only the owner create in schema public: a plain login user may not
    String user = "reader_" + Long.toHexString(System.nanoTime());
    String password = "reader-pw-5b2e";
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute("CREATE ROLE " + user + " LOGIN PASSWORD '" + password + "'");
      s.execute("REVOKE CREATE ON SCHEMA public FROM PUBLIC");
    }
    JdbcAccessException e =
        refusal(
            () ->
                JdbcClusterStore.builder()
                    .url(url)
                    .credentials(user, password)
                    .tls(certs.caCertificate())
                    .build(),
            Reason.PERMISSION_DENIED);
    assertThat(e.getMessage()).contains("may create and write tables").doesNotContain(password);
  }

  @Test
  void tlsWithAnotherSslmodeInTheUrl_isRefusedBeforeConnecting() {
    Throwable t =
        catchThrowable(
            () ->
                JdbcClusterStore.builder()
                    .url(url + "?sslmode=require")
                    .credentials(PostgresServer.USER, PostgresServer.PASSWORD)
                    .tls(certs.caCertificate())
                    .build());
    assertThat(t)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("drop sslmode from the URL");
  }
}

package io.clusterlifecycle.spi.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.StandardService;
import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.spi.etcd.EtcdAccessException.Reason;
import io.clusterlifecycle.testkit.InMemoryResourceProvider;
import io.clusterlifecycle.testkit.ScriptedCommandExecutor;
import io.clusterlifecycle.testsupport.EtcdServer;
import io.clusterlifecycle.testsupport.TestCertificates;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The etcd stores against a real etcd that speaks only TLS, asks clients for a certificate its CA
 * signed, and has user/password authentication on, with the engine's user granted read and write on
 * one key prefix only (docs/design.md §9.8). Every certificate is made by the test.
 */
class EtcdTlsAuthIT {
  private static final String PREFIX = "/lifecycle-it";
  private static final String USER = "engine";
  private static final String PASSWORD = "engine-pw-4e1c";
  private static final String WRONG_PASSWORD = "not-the-pw-77aa";
  private static final String ROOT_PASSWORD = "root-pw-9d0b";

  @TempDir static Path certDir;
  private static TestCertificates certs;
  private static EtcdServer etcd;

  private final List<AutoCloseable> opened = new ArrayList<>();

  /** This test's keys: under the granted prefix, apart from the other tests'. */
  private final String prefix = PREFIX + "/t-" + UUID.randomUUID();

  @BeforeAll
  static void start() throws Exception {
    certs = TestCertificates.create(certDir);
    etcd = EtcdServer.startTls(certs);
    etcd.addPrefixUser(USER, PASSWORD, "lifecycle-engine-rw", PREFIX);
    etcd.enableAuth(ROOT_PASSWORD);
  }

  @AfterAll
  static void stop() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened) {
      c.close();
    }
  }

  private static EtcdSecurity.Builder tls() {
    return EtcdSecurity.builder()
        .trustedCertificates(certs.caCertificate())
        .clientCertificate(certs.clientCertificate(), certs.clientKey());
  }

  private static EtcdSecurity good() {
    return tls().credentials(USER, PASSWORD.toCharArray()).build();
  }

  private EtcdClusterStore clusterStore(String address, EtcdSecurity security, String prefix) {
    EtcdClusterStore s =
        EtcdClusterStore.builder()
            .endpoints(EtcdEndpoints.parse(address))
            .security(security)
            .prefix(prefix)
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    opened.add(s);
    return s;
  }

  private EtcdClusterStore clusterStore(EtcdSecurity security) {
    return clusterStore(etcd.url(), security, prefix);
  }

  private static Cluster cluster(String id) {
    AppSpec spec =
        AppSpec.builder("kv", "1")
            .role("db", r -> r.count(1).service(StandardService.START, s -> s.cmd("true")))
            .build();
    Instant now = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    return Cluster.builder(id, id, spec, now)
        .state(ClusterState.UPDATING)
        .operation("op-1")
        .lease(Optional.of(new Lease("engine-a", "host-a", 1, now.plusSeconds(30))))
        .updatedAt(now)
        .build();
  }

  private static <T> T join(CompletionStage<T> stage) {
    return stage.toCompletableFuture().join();
  }

  /** The refusal a call failed with, checked to be typed, permanent and free of secrets. */
  private static EtcdAccessException refusal(ThrowingCallable call, Reason... reasons) {
    Throwable[] caught = new Throwable[1];
    assertThatThrownBy(call).satisfies(e -> caught[0] = EtcdCalls.unwrap(e));
    assertThat(caught[0])
        .isInstanceOf(EtcdAccessException.class)
        .isNotInstanceOf(TransientSpiException.class);
    EtcdAccessException e = (EtcdAccessException) caught[0];
    assertThat(e.reason()).as(e.getMessage()).isIn((Object[]) reasons);
    assertThat(e.getMessage())
        .doesNotContain(PASSWORD)
        .doesNotContain(WRONG_PASSWORD)
        .doesNotContain(ROOT_PASSWORD);
    return e;
  }

  @Test
  void overTlsWithPassword_bothStoresReadAndWriteUnderTheGrantedPrefix() {
    EtcdClusterStore store = clusterStore(good());
    Cluster stored = join(store.put(cluster("c1")));
    assertThat(join(store.get("c1"))).contains(stored);
    assertThat(join(store.list())).extracting(Cluster::id).containsExactly("c1");
    // the event log's keys (event-seq, events/, event-clusters/) lie under the granted prefix too
    List<LifecycleEvent> events =
        join(
            store.appendEvents(
                List.of(
                    LifecycleEvent.builder(EventType.WARNING)
                        .cluster("c1")
                        .message("under the prefix")
                        .build(0, Instant.now()))));
    assertThat(join(store.events(EventQuery.cluster("c1")))).isEqualTo(events);
    join(store.delete("c1"));
    assertThat(join(store.events(EventQuery.all()))).isEmpty();

    EtcdMetadataStore tree =
        EtcdMetadataStore.builder()
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .security(good())
            .prefix(prefix + "/tree")
            .build();
    opened.add(tree);
    join(tree.commit(new MetadataChange(Map.of("/clusters/c1/env/a", "1"), List.of())));
    assertThat(join(tree.get("/clusters/c1"))).isEqualTo(Map.of("/clusters/c1/env/a", "1"));
  }

  @Test
  void theEngine_createsAndDeletesACluster_withARoleOnItsPrefixOnly() throws Exception {
    ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    EtcdClusterStore store = clusterStore(good());
    List<MetadataChange> seen = new CopyOnWriteArrayList<>();
    try (EtcdMetadataStore tree =
            EtcdMetadataStore.builder()
                .endpoints(EtcdEndpoints.parse(etcd.url()))
                .security(good())
                .prefix(prefix + "/tree")
                .build();
        AutoCloseable watch = tree.watch("/clusters", seen::add);
        LifecycleEngine engine =
            LifecycleEngine.builder()
                .resourceProvider(InMemoryResourceProvider.builder().scheduler(scheduler).build())
                .commandExecutor(ScriptedCommandExecutor.builder().scheduler(scheduler).build())
                .metadataStore(tree)
                .clusterStore(store)
                .scheduler(scheduler)
                .build()) {
      AppSpec spec =
          AppSpec.builder("kv", "1")
              .role("db", r -> r.count(2).service(StandardService.START, s -> s.cmd("db start")))
              .build();
      Cluster c = engine.create(CreateCluster.builder(spec, "kv1").build());
      assertThat(c.state()).isEqualTo(ClusterState.RUNNING);
      assertThat(join(tree.get("/clusters/" + c.id())))
          .containsEntry("/clusters/" + c.id() + "/cluster/name", "kv1");
      assertThat(seen).as("the watch under the granted prefix saw the publishes").isNotEmpty();
      engine.delete(DeleteCluster.of("kv1"));
      assertThat(join(tree.get("/clusters/" + c.id()))).isEmpty();
    } finally {
      scheduler.shutdownNow();
    }
  }

  @Test
  void aPrefixTheUserWasNotGranted_isRefused_namingThePrefixAndTheGrant() {
    EtcdClusterStore store = clusterStore(etcd.url(), good(), "/someone-else");
    EtcdAccessException e = refusal(() -> join(store.get("c1")), Reason.PERMISSION_DENIED);
    assertThat(e.getMessage())
        .contains("/someone-else")
        .contains("user " + USER)
        .contains("grant-permission ROLE --prefix=true readwrite /someone-else");
  }

  @Test
  void aWatchOnAPrefixTheUserWasNotGranted_isRefusedAtOnce() {
    try (EtcdMetadataStore tree =
        EtcdMetadataStore.builder()
            .endpoints(EtcdEndpoints.parse(etcd.url()))
            .security(good())
            .prefix("/someone-else")
            .build()) {
      EtcdAccessException e =
          refusal(() -> tree.watch("/clusters", change -> {}), Reason.PERMISSION_DENIED);
      assertThat(e.getMessage())
          .contains("cannot watch /clusters")
          .contains("grant-permission ROLE --prefix=true readwrite /someone-else");
    }
  }

  @Test
  void aWrongPassword_isRefused_withoutShowingAnyPassword() {
    EtcdClusterStore store =
        clusterStore(tls().credentials(USER, WRONG_PASSWORD.toCharArray()).build());
    EtcdAccessException e = refusal(() -> join(store.get("c1")), Reason.AUTHENTICATION_FAILED);
    assertThat(e.getMessage())
        .contains("etcd refused user " + USER + ": wrong user name or password");
  }

  @Test
  void noUser_whenEtcdHasAuthenticationOn_isDeniedAsTheCertificatesCommonName() {
    // without a user etcd takes the client certificate's common name, which is no user here
    EtcdClusterStore store = clusterStore(tls().build());
    EtcdAccessException e = refusal(() -> join(store.get("c1")), Reason.PERMISSION_DENIED);
    assertThat(e.getMessage()).contains("the client certificate's common name").contains(prefix);
  }

  @Test
  void noUser_toAPlainEtcdWithAuthOn_isRefused_sayingToGiveOne() throws Exception {
    try (EtcdServer plain = EtcdServer.start()) {
      plain.enableAuth(ROOT_PASSWORD);
      EtcdClusterStore store = clusterStore(plain.url(), EtcdSecurity.NONE, prefix);
      EtcdAccessException e = refusal(() -> join(store.get("c1")), Reason.AUTHENTICATION_REQUIRED);
      assertThat(e.getMessage()).contains("give the user and password of a role");
    }
  }

  @Test
  void aUser_toAnEtcdWithAuthOff_isRefused_sayingToDropItOrEnableAuth() throws Exception {
    try (EtcdServer plain = EtcdServer.start()) {
      EtcdSecurity user = EtcdSecurity.builder().credentials(USER, PASSWORD.toCharArray()).build();
      EtcdClusterStore store = clusterStore(plain.url(), user, prefix);
      EtcdAccessException e =
          refusal(() -> join(store.get("c1")), Reason.AUTHENTICATION_NOT_ENABLED);
      assertThat(e.getMessage()).contains("etcdctl auth enable");
    }
  }

  @Test
  void aServerCertificateFromAnotherCa_isRefused_namingTheCaFileToChange() {
    EtcdSecurity trustsOther =
        EtcdSecurity.builder()
            .trustedCertificates(certs.otherCaCertificate())
            .clientCertificate(certs.clientCertificate(), certs.clientKey())
            .credentials(USER, PASSWORD.toCharArray())
            .build();
    EtcdClusterStore store = clusterStore(trustsOther);
    EtcdAccessException e = refusal(() -> join(store.get("c1")), Reason.SERVER_NOT_TRUSTED);
    assertThat(e.getMessage())
        .contains("server's certificate is not trusted")
        .contains(certs.otherCaCertificate().toString());
  }

  @Test
  void aClientCertificateFromAnotherCa_isRefused_namingTheCertificateToChange() {
    EtcdSecurity otherClient =
        EtcdSecurity.builder()
            .trustedCertificates(certs.caCertificate())
            .clientCertificate(certs.otherClientCertificate(), certs.otherClientKey())
            .credentials(USER, PASSWORD.toCharArray())
            .build();
    EtcdClusterStore store = clusterStore(otherClient);
    EtcdAccessException e = refusal(() -> join(store.get("c1")), Reason.CLIENT_CERTIFICATE_REFUSED);
    assertThat(e.getMessage())
        .contains("refused the client certificate")
        .contains(certs.otherClientCertificate().toString());
  }

  @Test
  void aPlainTextAddress_forATlsServer_failsTransiently_hintingAtEtcds() {
    // etcd just closes a plain-text connection, as a network fault would: retried, with a hint
    String plain = etcd.url().replace("etcds://", "etcd://");
    EtcdClusterStore store = clusterStore(plain, EtcdSecurity.NONE, prefix);
    assertThatThrownBy(() -> join(store.get("c1")))
        .cause()
        .isInstanceOf(TransientSpiException.class)
        .hasMessageContaining("if etcd speaks TLS, write etcds://");
  }

  @Test
  void tls_toAPlainTextServer_isRefusedOrRetried_sayingToWriteEtcd() throws Exception {
    // a plain-text etcd either answers the handshake with plain bytes (refused at once) or closes
    // the connection as a network fault would (retried, with a hint)
    try (EtcdServer plain = EtcdServer.start()) {
      String tlsAddress = plain.url().replace("etcd://", "etcds://");
      EtcdClusterStore store = clusterStore(tlsAddress, tls().build(), prefix);
      Throwable t = EtcdCalls.unwrap(catchThrowable(() -> join(store.get("c1"))));
      if (t instanceof EtcdAccessException refused) {
        assertThat(refused.reason()).isEqualTo(Reason.TLS_MISMATCH);
        assertThat(refused.getMessage()).contains("speaks plain text").contains("etcd://");
      } else {
        assertThat(t)
            .isInstanceOf(TransientSpiException.class)
            .hasMessageContaining("if etcd speaks plain text, write etcd://");
      }
    }
  }

  @Test
  void neitherLogsNorMessagesNorToString_showThePassword() {
    PrintStream original = System.err;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
    String described;
    try {
      EtcdSecurity wrong = tls().credentials(USER, WRONG_PASSWORD.toCharArray()).build();
      described = wrong.toString() + " " + good();
      EtcdClusterStore bad = clusterStore(wrong);
      refusal(() -> join(bad.get("c1")), Reason.AUTHENTICATION_FAILED);
      EtcdClusterStore ok = clusterStore(good());
      join(ok.put(cluster("c2")));
      described += " " + ok;
    } finally {
      System.setErr(original);
    }
    assertThat(described).contains("password ***").contains("user " + USER);
    assertThat(described + captured.toString(StandardCharsets.UTF_8))
        .doesNotContain(PASSWORD)
        .doesNotContain(WRONG_PASSWORD);
  }
}

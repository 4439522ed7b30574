package io.clusterlifecycle.spi.openstack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.TransientSpiException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What the real test stack cannot show, against WireMock stubs written from the OpenStack API
 * reference: Neutron ports, security groups and floating IPs; a quota refusal (403), a conflict
 * (409), a rate limit (429), a server error (5xx), a lost connection; a server in ERROR with Nova's
 * fault message; a server stuck in BUILD.
 */
class OpenStackFaultsStubTest {
  private static final NodeRef N1 = StubCloud.N1;
  private static final String COMPUTE = StubCloud.COMPUTE;

  private StubCloud cloud;
  private WireMockServer wm;

  @BeforeEach
  void start() {
    cloud = new StubCloud();
    wm = cloud.server;
  }

  @AfterEach
  void stop() {
    cloud.close();
  }

  private static Throwable failure(CompletionStage<?> stage) throws Exception {
    try {
      stage.toCompletableFuture().get(30, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      return e.getCause();
    }
    throw new AssertionError("the stage completed normally");
  }

  @Test
  void create_refusedByAQuota_failsWithTheApiMessage() throws Exception {
    cloud.noServerYet();
    wm.stubFor(
        post(urlPathEqualTo(COMPUTE + "/servers"))
            .willReturn(
                aResponse()
                    .withStatus(403)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"forbidden\": {\"code\": 403, \"message\": \"Quota exceeded for "
                            + "instances: Requested 1, but already used 10 of 10 instances\"}}")));

    Throwable e;
    try (OpenStackResourceProvider p = cloud.provider().build()) {
      e = failure(p.create(StubCloud.nodeSpec()));
    }

    assertThat(e)
        .isInstanceOf(OpenStackApiException.class)
        .hasMessageContaining("Quota exceeded for instances: Requested 1, but already used 10");
    assertThat(((OpenStackApiException) e).status()).isEqualTo(403);
    assertThat(e).isNotInstanceOf(TransientSpiException.class);
  }

  @Test
  void stop_refusedWithAConflict_failsWithTheApiMessage() throws Exception {
    wm.stubFor(
        get(urlPathEqualTo(COMPUTE + "/servers/detail"))
            .willReturn(
                okJson(
                    "{\"servers\": ["
                        + StubCloud.server("s1", "c1-db-1", "ACTIVE", null, "")
                        + "]}")));
    cloud.serverIs("ACTIVE", null, "");
    wm.stubFor(
        post(urlPathEqualTo(COMPUTE + "/servers/s1/action"))
            .willReturn(
                aResponse()
                    .withStatus(409)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"conflictingRequest\": {\"code\": 409, \"message\": \"Cannot 'stop' "
                            + "instance s1 while it is in vm_state error\"}}")));

    Throwable e;
    try (OpenStackResourceProvider p = cloud.provider().build()) {
      e = failure(p.stop(N1));
    }

    assertThat(e)
        .isInstanceOf(OpenStackApiException.class)
        .hasMessageContaining("Cannot 'stop' instance s1 while it is in vm_state error");
    assertThat(((OpenStackApiException) e).status()).isEqualTo(409);
  }

  @Test
  void aRateLimit_isTransient() throws Exception {
    wm.stubFor(
        get(urlPathEqualTo(COMPUTE + "/servers/detail"))
            .willReturn(
                aResponse()
                    .withStatus(429)
                    .withHeader("Retry-After", "7")
                    .withBody("{\"overLimit\": {\"message\": \"Rate limit exceeded\"}}")));

    Throwable e;
    try (OpenStackResourceProvider p = cloud.provider().build()) {
      e = failure(p.find(N1));
    }

    assertThat(e)
        .isInstanceOf(TransientSpiException.class)
        .hasMessageContaining("429")
        .hasMessageContaining("Rate limit exceeded")
        .hasMessageContaining("Retry-After 7");
  }

  @Test
  void aServerError_isTransient() throws Exception {
    wm.stubFor(
        get(urlPathEqualTo(COMPUTE + "/servers/detail"))
            .willReturn(
                aResponse()
                    .withStatus(503)
                    .withBody("{\"computeFault\": {\"message\": \"Service Unavailable\"}}")));

    Throwable e;
    try (OpenStackResourceProvider p = cloud.provider().build()) {
      e = failure(p.list("c1"));
    }

    assertThat(e).isInstanceOf(TransientSpiException.class).hasMessageContaining("503");
  }

  @Test
  void aLostConnection_isTransient() throws Exception {
    int closed;
    try (ServerSocket s = new ServerSocket(0)) {
      closed = s.getLocalPort();
    }
    OpenStackCredentials nowhere =
        OpenStackCredentials.builder()
            .authUrl("http://127.0.0.1:" + closed + "/v3")
            .username("demo")
            .password(StubCloud.PASSWORD)
            .projectName("demo")
            .build();

    Throwable e;
    try (OpenStackResourceProvider p = OpenStackResourceProvider.builder(nowhere).build()) {
      e = failure(p.find(N1));
    }

    assertThat(e).isInstanceOf(TransientSpiException.class).hasMessageContaining("connection");
    assertThat(e.toString()).doesNotContain(StubCloud.PASSWORD);
  }

  @Test
  void aServerInError_failsTheCreateWithNovasFaultMessage() throws Exception {
    cloud.noServerYet();
    cloud.serverCreated();
    cloud.serverIs(
        "ERROR",
        null,
        ", \"fault\": {\"code\": 500, \"message\": \"No valid host was found. There are not "
            + "enough hosts available.\", \"created\": \"2026-01-01T00:00:00Z\"}");

    Throwable e;
    try (OpenStackResourceProvider p = cloud.provider().build()) {
      e = failure(p.create(StubCloud.nodeSpec()));
    }

    assertThat(e)
        .isInstanceOf(ServerFaultException.class)
        .hasMessageContaining("c1-db-1")
        .hasMessageContaining("No valid host was found. There are not enough hosts available.");
    assertThat(((ServerFaultException) e).serverId()).isEqualTo("s1");
  }

  @Test
  void aServerStuckInBuild_timesOutNamingTheServerAndItsState() throws Exception {
    cloud.noServerYet();
    cloud.serverCreated();
    cloud.serverIs("BUILD", "spawning", "");

    Throwable e;
    try (OpenStackResourceProvider p =
        cloud.provider().buildTimeout(Duration.ofMillis(600)).build()) {
      e = failure(p.create(StubCloud.nodeSpec()));
    }

    assertThat(e)
        .isInstanceOf(LifecycleTimeoutException.class)
        .hasMessageContaining("server c1-db-1")
        .hasMessageContaining("ACTIVE")
        .hasMessageContaining("last seen: BUILD (spawning)");
  }

  @Test
  void aRefusedPassword_failsWithKeystonesMessage_andNeverShowsThePassword() throws Exception {
    wm.stubFor(
        post(urlPathEqualTo("/identity/v3/auth/tokens"))
            .willReturn(
                aResponse()
                    .withStatus(401)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"error\": {\"code\": 401, \"title\": \"Unauthorized\", \"message\": "
                            + "\"The request you have made requires authentication.\"}}")));

    Throwable e;
    OpenStackCredentials credentials = cloud.credentials();
    try (OpenStackResourceProvider p = cloud.provider().build()) {
      e = failure(p.find(N1));
    }

    assertThat(e)
        .isInstanceOf(OpenStackApiException.class)
        .hasMessageContaining("The request you have made requires authentication.");
    assertThat(e.toString()).doesNotContain(StubCloud.PASSWORD);
    assertThat(credentials.toString()).doesNotContain(StubCloud.PASSWORD).contains("demo");
  }
}

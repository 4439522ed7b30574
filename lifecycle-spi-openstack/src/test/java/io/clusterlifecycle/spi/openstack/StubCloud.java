package io.clusterlifecycle.spi.openstack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.core.WireMockConfiguration;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.time.Duration;
import java.util.Map;

/**
 * A WireMock server answering as an OpenStack cloud would, written from the public API reference:
 * Keystone issues a token whose catalog points every service at this server ({@code /compute/v2.1},
 * {@code /volume/v3/p1}, {@code /image}, {@code /network}), with two flavors, one image and no
 * volume; tests stub the other service calls.
 */
final class StubCloud implements AutoCloseable {
  static final String PASSWORD = "s3cret-pa55word";
  static final String TOKEN = "gAAAAA-stub-token";
  static final String COMPUTE = "/compute/v2.1";
  static final String VOLUME = "/volume/v3/p1";

  /** The node the stub tests create. */
  static final NodeRef N1 = new NodeRef("c1", "c1-db-1");

  final WireMockServer server = new WireMockServer(WireMockConfiguration.options().dynamicPort());

  StubCloud() {
    server.start();
    String base = "http://127.0.0.1:" + server.port();
    server.stubFor(
        post(urlPathEqualTo("/identity/v3/auth/tokens"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("X-Subject-Token", TOKEN)
                    .withBody(
                        """
                        {"token": {"expires_at": "2999-01-01T00:00:00.000000Z",
                          "project": {"id": "p1", "name": "demo"},
                          "catalog": [
                            %s, %s, %s, %s
                          ]}}
                        """
                            .formatted(
                                service("compute", base + "/compute/v2.1"),
                                service("volumev3", base + "/volume/v3/p1"),
                                service("image", base + "/image"),
                                service("network", base + "/network")))));
    server.stubFor(
        get(urlPathEqualTo(COMPUTE + "/flavors/detail"))
            .willReturn(
                okJson(
                    """
                    {"flavors": [
                      {"id": "f2", "name": "large", "vcpus": 4, "ram": 8192, "disk": 10},
                      {"id": "f1", "name": "small", "vcpus": 1, "ram": 512, "disk": 1}]}
                    """)));
    server.stubFor(
        get(urlPathEqualTo("/image/v2/images"))
            .willReturn(okJson("{\"images\": [{\"id\": \"img-1\", \"status\": \"active\"}]}")));
    server.stubFor(
        get(urlPathEqualTo(VOLUME + "/volumes/detail")).willReturn(okJson("{\"volumes\": []}")));
  }

  /** {@link #N1}'s spec: role db, 1 core, 512 MiB. */
  static NodeSpec nodeSpec() {
    return NodeSpec.builder()
        .ref(N1)
        .clusterName("c")
        .namespace("default")
        .role("db")
        .cpu(1)
        .memory(512)
        .tags(
            Map.of(
                NodeSpec.TAG_CLUSTER, "c1", NodeSpec.TAG_ROLE, "db", NodeSpec.TAG_NODE, "c1-db-1"))
        .build();
  }

  /** Nova lists no server named like {@link #N1}. */
  void noServerYet() {
    server.stubFor(
        get(urlPathEqualTo(COMPUTE + "/servers/detail"))
            .withQueryParam("name", equalTo("^c1-db-1$"))
            .willReturn(okJson("{\"servers\": []}")));
  }

  /** Server {@code s1} ({@link #N1}) shows this status, task state and extra fields. */
  void serverIs(String status, String task, String extra) {
    server.stubFor(
        get(urlPathEqualTo(COMPUTE + "/servers/s1"))
            .willReturn(
                okJson("{\"server\": " + server("s1", "c1-db-1", status, task, extra) + "}")));
  }

  /** A server create is accepted as {@code s1}. */
  void serverCreated() {
    server.stubFor(
        post(urlPathEqualTo(COMPUTE + "/servers"))
            .willReturn(
                aResponse()
                    .withStatus(202)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"server\": {\"id\": \"s1\"}}")));
  }

  private static String service(String type, String url) {
    return """
        {"type": "%s", "endpoints": [
          {"interface": "public", "region_id": "RegionOne", "region": "RegionOne", "url": "%s"}]}
        """
        .formatted(type, url);
  }

  OpenStackCredentials credentials() {
    return OpenStackCredentials.builder()
        .authUrl("http://127.0.0.1:" + server.port() + "/identity/v3")
        .username("demo")
        .password(PASSWORD)
        .projectName("demo")
        .region("RegionOne")
        .build();
  }

  OpenStackResourceProvider.Builder provider() {
    return OpenStackResourceProvider.builder(credentials())
        .defaultImage("cirros")
        .pollInterval(Duration.ofMillis(20), Duration.ofMillis(100))
        .buildTimeout(Duration.ofSeconds(5))
        .actionTimeout(Duration.ofSeconds(5));
  }

  /** A server object of compute API 2.79. */
  static String server(String id, String name, String status, String task, String extra) {
    return """
        {"id": "%s", "name": "%s", "status": "%s", "OS-EXT-STS:task_state": %s,
         "metadata": {"lifecycle.cluster-id": "c1", "lifecycle.role": "db",
                      "lifecycle.node-id": "%s"},
         "flavor": {"vcpus": 1, "ram": 512, "disk": 1, "original_name": "small"},
         "image": {"id": "img-1"}, "addresses": {}, "accessIPv4": "",
         "os-extended-volumes:volumes_attached": [] %s}
        """
        .formatted(id, name, status, task == null ? "null" : "\"" + task + "\"", name, extra);
  }

  static com.github.tomakehurst.wiremock.client.ResponseDefinitionBuilder json(String body) {
    return okJson(body);
  }

  @Override
  public void close() {
    server.stop();
  }
}

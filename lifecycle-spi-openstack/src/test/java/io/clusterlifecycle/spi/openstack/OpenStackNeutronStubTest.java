package io.clusterlifecycle.spi.openstack;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.delete;
import static com.github.tomakehurst.wiremock.client.WireMock.deleteRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.equalToJson;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlPathEqualTo;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.tomakehurst.wiremock.WireMockServer;
import com.github.tomakehurst.wiremock.stubbing.Scenario;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import java.util.Optional;
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
class OpenStackNeutronStubTest {
  private static final NodeRef N1 = StubCloud.N1;
  private static final String VOLUME = StubCloud.VOLUME;
  private static final String COMPUTE = StubCloud.COMPUTE;
  private static final String NET = "/network/v2.0";

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

  @Test
  void create_onANetwork_makesTheGroupWithItsRules_thePortAndAFloatingIp_andBootsOnThePort()
      throws Exception {
    cloud.noServerYet();
    cloud.serverCreated();
    cloud.serverIs("ACTIVE", null, "");
    wm.stubFor(
        get(urlPathEqualTo(NET + "/networks"))
            .withQueryParam("name", equalTo("private"))
            .willReturn(okJson("{\"networks\": [{\"id\": \"net-1\"}]}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/networks"))
            .withQueryParam("name", equalTo("public"))
            .willReturn(okJson("{\"networks\": [{\"id\": \"ext-1\"}]}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/security-groups"))
            .willReturn(okJson("{\"security_groups\": []}")));
    wm.stubFor(
        post(urlPathEqualTo(NET + "/security-groups"))
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody(
                        "{\"security_group\": {\"id\": \"sg-1\", \"name\": \"lifecycle-c1\"}}")));
    wm.stubFor(
        post(urlPathEqualTo(NET + "/security-group-rules"))
            .willReturn(aResponse().withStatus(201).withBody("{\"security_group_rule\": {}}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/ports"))
            .inScenario("port")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson("{\"ports\": []}")));
    String port =
        "{\"id\": \"port-1\", \"name\": \"c1-db-1\", \"fixed_ips\": [{\"ip_address\": \"10.0.0.5\"}]}";
    wm.stubFor(
        post(urlPathEqualTo(NET + "/ports"))
            .inScenario("port")
            .willSetStateTo("made")
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"port\": " + port + "}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/ports"))
            .inScenario("port")
            .whenScenarioStateIs("made")
            .willReturn(okJson("{\"ports\": [" + port + "]}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/floatingips"))
            .inScenario("fip")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson("{\"floatingips\": []}")));
    wm.stubFor(
        post(urlPathEqualTo(NET + "/floatingips"))
            .inScenario("fip")
            .willSetStateTo("made")
            .willReturn(
                aResponse()
                    .withStatus(201)
                    .withHeader("Content-Type", "application/json")
                    .withBody("{\"floatingip\": {\"id\": \"fip-1\"}}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/floatingips"))
            .inScenario("fip")
            .whenScenarioStateIs("made")
            .willReturn(
                okJson(
                    "{\"floatingips\": [{\"id\": \"fip-1\", \"floating_ip_address\": \"203.0.113.7\"}]}")));

    NodeResource r;
    try (OpenStackResourceProvider p =
        cloud
            .provider()
            .network("private")
            .floatingIpNetwork("public")
            .addSecurityRule(SecurityRule.tcp(5432, "10.0.0.0/8"))
            .build()) {
      r = p.create(StubCloud.nodeSpec()).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    assertThat(r.address()).isEqualTo("203.0.113.7");
    assertThat(r.instanceId()).isEqualTo("s1");
    wm.verify(
        postRequestedFor(urlPathEqualTo(NET + "/security-groups"))
            .withRequestBody(matchingJsonPath("$.security_group.name", equalTo("lifecycle-c1"))));
    wm.verify(
        postRequestedFor(urlPathEqualTo(NET + "/security-group-rules"))
            .withRequestBody(
                matchingJsonPath("$.security_group_rule.remote_group_id", equalTo("sg-1"))));
    wm.verify(
        postRequestedFor(urlPathEqualTo(NET + "/security-group-rules"))
            .withRequestBody(
                equalToJson(
                    """
                    {"security_group_rule": {"protocol": "tcp", "port_range_min": 5432,
                     "port_range_max": 5432, "remote_ip_prefix": "10.0.0.0/8",
                     "security_group_id": "sg-1", "direction": "ingress", "ethertype": "IPv4"}}
                    """)));
    wm.verify(
        postRequestedFor(urlPathEqualTo(NET + "/ports"))
            .withRequestBody(
                equalToJson(
                    """
                    {"port": {"name": "c1-db-1", "network_id": "net-1",
                     "security_groups": ["sg-1"]}}
                    """,
                    true,
                    true)));
    wm.verify(
        postRequestedFor(urlPathEqualTo(NET + "/floatingips"))
            .withRequestBody(
                equalToJson(
                    "{\"floatingip\": {\"floating_network_id\": \"ext-1\", \"port_id\": \"port-1\"}}",
                    true,
                    true)));
    wm.verify(
        postRequestedFor(urlPathEqualTo(COMPUTE + "/servers"))
            .withHeader("OpenStack-API-Version", equalTo("compute 2.79"))
            .withHeader("X-Auth-Token", equalTo(StubCloud.TOKEN))
            .withRequestBody(
                equalToJson(
                    """
                    {"server": {"name": "c1-db-1", "flavorRef": "f1", "imageRef": "img-1",
                     "networks": [{"port": "port-1"}],
                     "metadata": {"lifecycle.cluster-id": "c1", "lifecycle.role": "db",
                                  "lifecycle.node-id": "c1-db-1"}}}
                    """,
                    true,
                    true)));
  }

  @Test
  void delete_onANetwork_removesServerFloatingIpPortVolume_andTheGroupWithTheLastNode()
      throws Exception {
    wm.stubFor(
        get(urlPathEqualTo(COMPUTE + "/servers/detail"))
            .withQueryParam("name", equalTo("^c1-db-1$"))
            .willReturn(
                okJson(
                    "{\"servers\": ["
                        + StubCloud.server("s1", "c1-db-1", "ACTIVE", null, "")
                        + "]}")));
    wm.stubFor(
        delete(urlPathEqualTo(COMPUTE + "/servers/s1")).willReturn(aResponse().withStatus(204)));
    wm.stubFor(
        get(urlPathEqualTo(COMPUTE + "/servers/s1")).willReturn(aResponse().withStatus(404)));
    wm.stubFor(
        get(urlPathEqualTo(COMPUTE + "/servers/detail"))
            .withQueryParam("limit", equalTo("500"))
            .willReturn(okJson("{\"servers\": []}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/networks"))
            .willReturn(okJson("{\"networks\": [{\"id\": \"net-1\"}]}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/ports"))
            .willReturn(okJson("{\"ports\": [{\"id\": \"port-1\", \"fixed_ips\": []}]}")));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/floatingips"))
            .willReturn(okJson("{\"floatingips\": [{\"id\": \"fip-1\"}]}")));
    wm.stubFor(
        delete(urlPathEqualTo(NET + "/floatingips/fip-1")).willReturn(aResponse().withStatus(204)));
    wm.stubFor(
        delete(urlPathEqualTo(NET + "/ports/port-1")).willReturn(aResponse().withStatus(204)));
    String volume =
        "{\"id\": \"v1\", \"name\": \"c1-db-1-data\", \"size\": 10, \"status\": \"available\","
            + " \"metadata\": {\"lifecycle.cluster-id\": \"c1\"}}";
    wm.stubFor(
        get(urlPathEqualTo(VOLUME + "/volumes/detail"))
            .willReturn(okJson("{\"volumes\": [" + volume + "]}")));
    wm.stubFor(
        get(urlPathEqualTo(VOLUME + "/volumes/v1"))
            .inScenario("vol")
            .whenScenarioStateIs(Scenario.STARTED)
            .willReturn(okJson("{\"volume\": " + volume + "}")));
    wm.stubFor(
        delete(urlPathEqualTo(VOLUME + "/volumes/v1"))
            .inScenario("vol")
            .willSetStateTo("gone")
            .willReturn(aResponse().withStatus(202)));
    wm.stubFor(
        get(urlPathEqualTo(VOLUME + "/volumes/v1"))
            .inScenario("vol")
            .whenScenarioStateIs("gone")
            .willReturn(aResponse().withStatus(404)));
    wm.stubFor(
        get(urlPathEqualTo(NET + "/security-groups"))
            .willReturn(okJson("{\"security_groups\": [{\"id\": \"sg-1\"}]}")));
    wm.stubFor(
        delete(urlPathEqualTo(NET + "/security-groups/sg-1"))
            .willReturn(aResponse().withStatus(204)));

    Optional<String> kept;
    try (OpenStackResourceProvider p =
        cloud.provider().network("private").floatingIpNetwork("public").build()) {
      kept = p.delete(N1, false).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    assertThat(kept).isEmpty();
    wm.verify(deleteRequestedFor(urlPathEqualTo(COMPUTE + "/servers/s1")));
    wm.verify(deleteRequestedFor(urlPathEqualTo(NET + "/floatingips/fip-1")));
    wm.verify(deleteRequestedFor(urlPathEqualTo(NET + "/ports/port-1")));
    wm.verify(deleteRequestedFor(urlPathEqualTo(VOLUME + "/volumes/v1")));
    wm.verify(deleteRequestedFor(urlPathEqualTo(NET + "/security-groups/sg-1")));
  }
}

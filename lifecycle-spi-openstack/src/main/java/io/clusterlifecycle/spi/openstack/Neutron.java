package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/** The Neutron calls the adapter makes: networks, ports, security groups and floating IPs. */
final class Neutron {
  private final Api api;

  Neutron(Api api) {
    this.api = api;
  }

  /** A network's id, given its name or id. */
  CompletableFuture<String> networkId(String nameOrId) {
    return first("/networks?name=" + Api.q(nameOrId), "networks")
        .thenCompose(
            byName ->
                byName.isPresent()
                    ? CompletableFuture.completedFuture(byName)
                    : first("/networks?id=" + Api.q(nameOrId), "networks"))
        .thenApply(
            n ->
                n.map(x -> x.path("id").asText())
                    .orElseThrow(
                        () ->
                            new OpenStackApiException(
                                "network", 404, "no network is named or has the id " + nameOrId)));
  }

  CompletableFuture<Optional<JsonNode>> securityGroup(String name) {
    return first("/security-groups?name=" + Api.q(name), "security_groups");
  }

  CompletableFuture<JsonNode> createSecurityGroup(String name, String description) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.putObject("security_group").put("name", name).put("description", description);
    return api.call(Service.NETWORK, "POST", "/security-groups", body)
        .thenApply(b -> b.path("security_group"));
  }

  /** Adds an ingress rule; a rule that already exists (409) counts as added. */
  CompletableFuture<Void> addRule(String groupId, ObjectNode rule) {
    rule.put("security_group_id", groupId).put("direction", "ingress");
    if (!rule.has("ethertype")) {
      rule.put("ethertype", "IPv4");
    }
    ObjectNode body = Http.JSON.createObjectNode();
    body.set("security_group_rule", rule);
    return api.send(Service.NETWORK, "POST", "/security-group-rules", body)
        .thenApply(
            r -> {
              if (!r.ok() && r.status() != 409) {
                throw ApiErrors.of("network", "POST /security-group-rules", r);
              }
              return null;
            });
  }

  CompletableFuture<Void> deleteSecurityGroup(String id) {
    return api.callOrMissing(Service.NETWORK, "DELETE", "/security-groups/" + id, null)
        .thenApply(b -> null);
  }

  CompletableFuture<Optional<JsonNode>> port(String name, String networkId) {
    return first("/ports?name=" + Api.q(name) + "&network_id=" + Api.q(networkId), "ports");
  }

  CompletableFuture<JsonNode> createPort(String name, String networkId, String securityGroupId) {
    ObjectNode body = Http.JSON.createObjectNode();
    ObjectNode port = body.putObject("port");
    port.put("name", name).put("network_id", networkId);
    port.put("description", "port of lifecycle node " + name);
    port.putArray("security_groups").add(securityGroupId);
    return api.call(Service.NETWORK, "POST", "/ports", body).thenApply(b -> b.path("port"));
  }

  CompletableFuture<Void> deletePort(String id) {
    return api.callOrMissing(Service.NETWORK, "DELETE", "/ports/" + id, null).thenApply(b -> null);
  }

  CompletableFuture<Optional<JsonNode>> floatingIp(String portId) {
    return first("/floatingips?port_id=" + Api.q(portId), "floatingips");
  }

  CompletableFuture<JsonNode> createFloatingIp(String externalNetworkId, String portId) {
    ObjectNode body = Http.JSON.createObjectNode();
    body.putObject("floatingip")
        .put("floating_network_id", externalNetworkId)
        .put("port_id", portId)
        .put("description", "lifecycle");
    return api.call(Service.NETWORK, "POST", "/floatingips", body)
        .thenApply(b -> b.path("floatingip"));
  }

  CompletableFuture<Void> deleteFloatingIp(String id) {
    return api.callOrMissing(Service.NETWORK, "DELETE", "/floatingips/" + id, null)
        .thenApply(b -> null);
  }

  private CompletableFuture<Optional<JsonNode>> first(String path, String collection) {
    return api.call(Service.NETWORK, "GET", path, null)
        .thenApply(
            b -> {
              JsonNode first = b.path(collection).path(0);
              return first.isMissingNode() ? Optional.empty() : Optional.of(first);
            });
  }
}

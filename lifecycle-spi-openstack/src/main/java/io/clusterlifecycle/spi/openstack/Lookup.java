package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * Finds a node's server, volume and address and reports them as a {@link NodeResource}. A server
 * belongs to a node when its name is the node id and its metadata carries the node's cluster id.
 */
final class Lookup {
  /** Metadata key holding the image the spec asked for (the engine's name, not Glance's id). */
  static final String IMAGE_KEY = "lifecycle.image";

  /** Metadata key set on a volume that a delete kept: no later call of the node touches it. */
  static final String KEPT_KEY = "lifecycle.kept";

  private final Clients c;

  Lookup(Clients c) {
    this.c = c;
  }

  CompletableFuture<Optional<Server>> server(NodeRef ref) {
    return c.nova()
        .byName(ref.nodeId())
        .thenApply(
            servers ->
                servers.stream()
                    .filter(s -> ref.clusterId().equals(s.metadata().get(NodeSpec.TAG_CLUSTER)))
                    .findFirst());
  }

  /** The node's volume, unless a delete kept it. */
  CompletableFuture<Optional<Volume>> volume(NodeRef ref) {
    return c.cinder()
        .byName(Settings.volumeName(ref.nodeId()))
        .thenApply(
            volumes ->
                volumes.stream()
                    .filter(v -> ref.clusterId().equals(v.metadata().get(NodeSpec.TAG_CLUSTER)))
                    .filter(v -> !v.metadata().containsKey(KEPT_KEY))
                    .findFirst());
  }

  /** The node's Neutron port, when the provider has a network. */
  CompletableFuture<Optional<JsonNode>> port(NodeRef ref) {
    if (c.settings().network().isEmpty()) {
      return Waits.none();
    }
    return c.neutron()
        .networkId(c.settings().network().get())
        .thenCompose(net -> c.neutron().port(ref.nodeId(), net));
  }

  CompletableFuture<Optional<NodeResource>> find(NodeRef ref) {
    return server(ref)
        .thenCompose(
            s ->
                s.isEmpty()
                    ? Waits.<NodeResource>none()
                    : resource(s.get()).thenApply(Optional::of));
  }

  CompletableFuture<List<NodeResource>> list(String clusterId) {
    return c.nova()
        .all()
        .thenCompose(
            servers -> {
              List<CompletableFuture<NodeResource>> each = new ArrayList<>();
              for (Server s : servers) {
                if (clusterId.equals(s.metadata().get(NodeSpec.TAG_CLUSTER))) {
                  each.add(resource(s));
                }
              }
              return CompletableFuture.allOf(each.toArray(CompletableFuture[]::new))
                  .thenApply(
                      x ->
                          each.stream()
                              .map(CompletableFuture::join)
                              .sorted(Comparator.comparing(r -> r.ref().nodeId()))
                              .toList());
            });
  }

  /** Reports a server with its volume and address. */
  CompletableFuture<NodeResource> resource(Server s) {
    NodeRef ref = new NodeRef(s.metadata().getOrDefault(NodeSpec.TAG_CLUSTER, ""), s.name());
    CompletableFuture<Optional<Volume>> volume = volume(ref);
    CompletableFuture<String> address = address(ref, s);
    return volume.thenCombine(address, (v, a) -> toResource(s, ref, v, a));
  }

  private CompletableFuture<String> address(NodeRef ref, Server s) {
    if (c.settings().network().isEmpty()) {
      String a =
          !s.addresses().isEmpty()
              ? s.addresses().get(0)
              : !s.accessIpv4().isEmpty() ? s.accessIpv4() : s.name();
      return CompletableFuture.completedFuture(a);
    }
    return port(ref)
        .thenCompose(
            port -> {
              if (port.isEmpty()) {
                return CompletableFuture.completedFuture(
                    s.addresses().isEmpty() ? s.name() : s.addresses().get(0));
              }
              String fixed =
                  port.get().path("fixed_ips").path(0).path("ip_address").asText(s.name());
              if (c.settings().floatingNetwork().isEmpty()) {
                return CompletableFuture.completedFuture(fixed);
              }
              return c.neutron()
                  .floatingIp(port.get().path("id").asText())
                  .thenApply(f -> f.map(x -> x.path("floating_ip_address").asText()).orElse(fixed));
            });
  }

  private static NodeResource toResource(
      Server s, NodeRef ref, Optional<Volume> volume, String address) {
    Map<String, String> tags = new LinkedHashMap<>(s.metadata());
    String image = tags.remove(IMAGE_KEY);
    return NodeResource.builder()
        .ref(ref)
        .role(s.metadata().getOrDefault(NodeSpec.TAG_ROLE, ""))
        .instanceId(s.id())
        .address(address)
        .cpu(s.vcpus())
        .memory(s.ram())
        .volumeSize(volume.map(Volume::size).orElse(0))
        .volumeId(volume.map(Volume::id))
        .image(Optional.ofNullable(image))
        .running(s.status().equals("ACTIVE"))
        .tags(tags)
        .build();
  }
}

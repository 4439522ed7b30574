package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates a node: finds its server first (by name and cluster metadata) and otherwise makes, in
 * order, the cluster's security group and the node's port and floating IP (with a network), its
 * volume, and the server; waits for {@code ACTIVE}, then attaches the volume. Every piece is found
 * before it is made, so a create run again after a crash finishes the job without duplicates.
 */
final class Creation {
  private static final Logger LOG = LoggerFactory.getLogger(Creation.class);
  private static final Set<String> UP = Set.of("ACTIVE", "SHUTOFF");

  private final Clients c;
  private final Lookup lookup;
  private final Waits waits;
  private final Map<String, CompletableFuture<String>> groups = new ConcurrentHashMap<>();

  Creation(Clients c, Lookup lookup, Waits waits) {
    this.c = c;
    this.lookup = lookup;
    this.waits = waits;
  }

  CompletableFuture<NodeResource> create(NodeSpec spec) {
    return lookup
        .server(spec.ref())
        .thenCompose(found -> found.isPresent() ? existing(spec, found.get()) : fresh(spec));
  }

  private CompletableFuture<NodeResource> existing(NodeSpec spec, Server server) {
    if (server.status().equals("ERROR")) {
      return CompletableFuture.failedFuture(Waits.fault(server));
    }
    LOG.debug(
        "node {}: server {} exists ({})", spec.ref().nodeId(), server.id(), server.describe());
    return waits
        .server(server.id(), spec.ref().nodeId(), UP, true)
        .thenCompose(s -> volume(spec).thenCompose(v -> attach(spec, s, v)))
        .thenCompose(lookup::resource);
  }

  private CompletableFuture<NodeResource> fresh(NodeSpec spec) {
    String nodeId = spec.ref().nodeId();
    Optional<String> image = spec.image().or(() -> c.settings().defaultImage());
    if (image.isEmpty()) {
      return CompletableFuture.failedFuture(
          new OpenStackApiException(
              "image", 0, "node " + nodeId + " has no image and the provider no default image"));
    }
    CompletableFuture<Flavor> flavor =
        c.nova()
            .flavors()
            .thenApply(
                fs ->
                    Flavor.choose(
                        fs,
                        Optional.ofNullable(c.settings().flavors().get(spec.role())),
                        spec.cpu(),
                        spec.memory()));
    CompletableFuture<String> imageId = c.glance().resolve(image.get());
    CompletableFuture<Optional<String>> port = port(spec);
    CompletableFuture<Optional<Volume>> volume = volume(spec);
    return CompletableFuture.allOf(flavor, imageId, port, volume)
        .thenCompose(
            x -> {
              ObjectNode body = Http.JSON.createObjectNode();
              body.put("name", nodeId);
              body.put("flavorRef", flavor.join().id());
              body.put("imageRef", imageId.join());
              ObjectNode metadata = body.putObject("metadata");
              spec.tags().forEach(metadata::put);
              spec.image().ifPresent(i -> metadata.put(Lookup.IMAGE_KEY, i));
              if (port.join().isPresent()) {
                body.putArray("networks").addObject().put("port", port.join().get());
              } else {
                body.put("networks", "none");
              }
              c.settings().keyName().ifPresent(k -> body.put("key_name", k));
              LOG.info(
                  "node {}: creating server (flavor {}, image {})",
                  nodeId,
                  flavor.join().name(),
                  image.get());
              return c.nova().create(body);
            })
        .thenCompose(id -> waits.server(id, nodeId, UP, true))
        .thenCompose(s -> attach(spec, s, volume.join()))
        .thenCompose(lookup::resource);
  }

  /** Finds or creates the node's volume and waits until it can be attached. */
  private CompletableFuture<Optional<Volume>> volume(NodeSpec spec) {
    if (spec.volumeSize() <= 0) {
      return Waits.none();
    }
    String name = Settings.volumeName(spec.ref().nodeId());
    return lookup
        .volume(spec.ref())
        .thenCompose(
            found ->
                found.isPresent()
                    ? CompletableFuture.completedFuture(found.get())
                    : c.cinder().create(name, spec.volumeSize(), spec.tags()))
        .thenCompose(v -> waits.volume(v.id(), name, Set.of("available", "in-use"), 0))
        .thenApply(Optional::of);
  }

  /** Attaches the volume unless the server has it already; waits until it is in use. */
  private CompletableFuture<Server> attach(NodeSpec spec, Server server, Optional<Volume> volume) {
    if (volume.isEmpty() || server.volumeIds().contains(volume.get().id())) {
      return CompletableFuture.completedFuture(server);
    }
    Volume v = volume.get();
    LOG.info("node {}: attaching volume {}", spec.ref().nodeId(), v.id());
    return c.nova()
        .attach(server.id(), v.id())
        .thenCompose(x -> waits.volume(v.id(), v.name(), Set.of("in-use"), 0))
        .thenCompose(x -> c.nova().get(server.id()))
        .thenApply(s -> s.orElse(server));
  }

  /** With a network: the cluster's security group, the node's port and its floating IP. */
  private CompletableFuture<Optional<String>> port(NodeSpec spec) {
    if (c.settings().network().isEmpty()) {
      return Waits.none();
    }
    String nodeId = spec.ref().nodeId();
    CompletableFuture<String> network = c.neutron().networkId(c.settings().network().get());
    return group(spec.ref().clusterId())
        .thenCombine(network, (g, n) -> List.of(g, n))
        .thenCompose(
            gn ->
                c.neutron()
                    .port(nodeId, gn.get(1))
                    .thenCompose(
                        p ->
                            p.isPresent()
                                ? CompletableFuture.completedFuture(p.get())
                                : c.neutron().createPort(nodeId, gn.get(1), gn.get(0))))
        .thenCompose(p -> floating(p).thenApply(f -> Optional.of(p.path("id").asText())));
  }

  private CompletableFuture<Void> floating(JsonNode port) {
    if (c.settings().floatingNetwork().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    String portId = port.path("id").asText();
    return c.neutron()
        .floatingIp(portId)
        .thenCompose(
            f ->
                f.isPresent()
                    ? CompletableFuture.completedFuture(null)
                    : c.neutron()
                        .networkId(c.settings().floatingNetwork().get())
                        .thenCompose(ext -> c.neutron().createFloatingIp(ext, portId))
                        .thenApply(x -> null));
  }

  /** The cluster's security group, made once per provider even when nodes are made at once. */
  private CompletableFuture<String> group(String clusterId) {
    CompletableFuture<String> made =
        groups.computeIfAbsent(clusterId, id -> ensureGroup(id).toCompletableFuture());
    made.whenComplete(
        (id, error) -> {
          if (error != null) {
            groups.remove(clusterId, made);
          }
        });
    return made;
  }

  /** Forgets a cluster's group after a delete removed it. */
  void forgetGroup(String clusterId) {
    groups.remove(clusterId);
  }

  private CompletableFuture<String> ensureGroup(String clusterId) {
    String name = Settings.groupName(clusterId);
    return c.neutron()
        .securityGroup(name)
        .thenCompose(
            g ->
                g.isPresent()
                    ? CompletableFuture.completedFuture(g.get())
                    : c.neutron().createSecurityGroup(name, "lifecycle cluster " + clusterId))
        .thenCompose(
            g -> {
              String id = g.path("id").asText();
              ObjectNode members = Http.JSON.createObjectNode().put("remote_group_id", id);
              CompletableFuture<Void> all = c.neutron().addRule(id, members);
              for (SecurityRule r : c.settings().rules()) {
                ObjectNode rule = Http.JSON.createObjectNode().put("protocol", r.protocol());
                if (!r.protocol().equals("icmp")) {
                  rule.put("port_range_min", r.portMin()).put("port_range_max", r.portMax());
                }
                rule.put("remote_ip_prefix", r.cidr());
                all = all.thenCompose(x -> c.neutron().addRule(id, rule));
              }
              return all.thenApply(x -> id);
            });
  }
}

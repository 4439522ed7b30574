package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.JsonNode;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes a node: its server (waiting until it is gone, which detaches the volume), its floating IP
 * and port, its volume unless kept (a kept volume is marked so that no later call of the node
 * touches it), and the cluster's security group once no server of the cluster is left. Each piece
 * is looked up first, so a delete run again, or of a node never created, completes normally.
 */
final class Deletion {
  private static final Logger LOG = LoggerFactory.getLogger(Deletion.class);

  private final Clients c;
  private final Lookup lookup;
  private final Waits waits;
  private final Creation creation;

  Deletion(Clients c, Lookup lookup, Waits waits, Creation creation) {
    this.c = c;
    this.lookup = lookup;
    this.waits = waits;
    this.creation = creation;
  }

  CompletableFuture<Optional<String>> delete(NodeRef ref, boolean keepVolume) {
    return lookup
        .server(ref)
        .thenCompose(
            s -> {
              if (s.isEmpty()) {
                return CompletableFuture.completedFuture(null);
              }
              LOG.info("node {}: deleting server {}", ref.nodeId(), s.get().id());
              return c.nova()
                  .delete(s.get().id())
                  .thenCompose(x -> waits.serverGone(s.get().id(), ref.nodeId()));
            })
        .thenCompose(x -> lookup.port(ref))
        .thenCompose(this::deletePort)
        .thenCompose(x -> lookup.volume(ref))
        .thenCompose(v -> v.isEmpty() ? Waits.<String>none() : volume(ref, v.get(), keepVolume))
        .thenCompose(kept -> lastNode(ref.clusterId()).thenApply(x -> kept));
  }

  private CompletableFuture<Void> deletePort(Optional<JsonNode> port) {
    if (port.isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    String portId = port.get().path("id").asText();
    CompletableFuture<Void> floating =
        c.settings().floatingNetwork().isEmpty()
            ? CompletableFuture.completedFuture(null)
            : c.neutron()
                .floatingIp(portId)
                .thenCompose(
                    f ->
                        f.isEmpty()
                            ? CompletableFuture.completedFuture(null)
                            : c.neutron().deleteFloatingIp(f.get().path("id").asText()));
    return floating.thenCompose(x -> c.neutron().deletePort(portId));
  }

  private CompletableFuture<Optional<String>> volume(NodeRef ref, Volume v, boolean keep) {
    CompletableFuture<Volume> detached =
        waits.volume(v.id(), v.name(), Set.of("available", "error"), 0);
    if (keep) {
      LOG.info("node {}: keeping volume {}", ref.nodeId(), v.id());
      return detached
          .thenCompose(x -> c.cinder().addMetadata(v.id(), Map.of(Lookup.KEPT_KEY, "true")))
          .thenApply(x -> Optional.of(v.id()));
    }
    LOG.info("node {}: deleting volume {}", ref.nodeId(), v.id());
    return detached
        .thenCompose(x -> c.cinder().delete(v.id()))
        .thenCompose(x -> waits.volumeGone(v.id(), v.name()))
        .thenApply(x -> Optional.empty());
  }

  /** Deletes the cluster's security group when none of its servers is left. */
  private CompletableFuture<Void> lastNode(String clusterId) {
    if (c.settings().network().isEmpty()) {
      return CompletableFuture.completedFuture(null);
    }
    return c.nova()
        .all()
        .thenCompose(
            servers -> {
              boolean left =
                  servers.stream()
                      .anyMatch(s -> clusterId.equals(s.metadata().get(NodeSpec.TAG_CLUSTER)));
              if (left) {
                return CompletableFuture.completedFuture(null);
              }
              return c.neutron()
                  .securityGroup(Settings.groupName(clusterId))
                  .thenCompose(
                      g -> {
                        if (g.isEmpty()) {
                          return CompletableFuture.<Void>completedFuture(null);
                        }
                        LOG.info("cluster {}: deleting security group", clusterId);
                        creation.forgetGroup(clusterId);
                        return c.neutron().deleteSecurityGroup(g.get().path("id").asText());
                      });
            });
  }
}

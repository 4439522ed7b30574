package io.clusterlifecycle.spi.openstack;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.spi.NodeRef;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.api.spi.NodeSpec;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Changes an existing node's server: stop ({@code os-stop}), start ({@code os-start}), resize to
 * another flavor and confirm it, grow the volume ({@code os-extend}, online at volume API 3.42),
 * and rebuild with another image (the volume stays attached). Each is a no-op when the server is
 * already as asked, so that the engine may run it again.
 */
final class Actions {
  private static final Logger LOG = LoggerFactory.getLogger(Actions.class);
  private static final Set<String> UP = Set.of("ACTIVE", "SHUTOFF");

  private final Clients c;
  private final Lookup lookup;
  private final Waits waits;

  Actions(Clients c, Lookup lookup, Waits waits) {
    this.c = c;
    this.lookup = lookup;
    this.waits = waits;
  }

  CompletableFuture<NodeResource> start(NodeRef ref) {
    return power(ref, "os-start", "ACTIVE");
  }

  CompletableFuture<NodeResource> stop(NodeRef ref) {
    return power(ref, "os-stop", "SHUTOFF");
  }

  private CompletableFuture<NodeResource> power(NodeRef ref, String action, String target) {
    return existing(ref)
        .thenCompose(s -> waits.server(s.id(), ref.nodeId(), UP, false))
        .thenCompose(
            s -> {
              if (s.status().equals(target)) {
                return CompletableFuture.completedFuture(s);
              }
              LOG.info("node {}: {}", ref.nodeId(), action);
              return c.nova()
                  .action(s.id(), Http.JSON.createObjectNode().putNull(action))
                  .thenCompose(x -> waits.server(s.id(), ref.nodeId(), Set.of(target), false));
            })
        .thenCompose(lookup::resource);
  }

  CompletableFuture<NodeResource> resize(NodeRef ref, int cpu, int memory, int volumeSize) {
    return existing(ref)
        .thenCompose(s -> confirmPending(ref, s))
        .thenCompose(
            s ->
                c.nova()
                    .flavors()
                    .thenCompose(
                        flavors -> {
                          String role = s.metadata().getOrDefault(NodeSpec.TAG_ROLE, "");
                          Flavor f =
                              Flavor.choose(
                                  flavors,
                                  Optional.ofNullable(c.settings().flavors().get(role)),
                                  cpu,
                                  memory);
                          if (f.vcpus() == s.vcpus()
                              && f.ram() == s.ram()
                              && f.name().equals(s.flavorName())) {
                            return CompletableFuture.completedFuture(s);
                          }
                          LOG.info("node {}: resize to flavor {}", ref.nodeId(), f.name());
                          ObjectNode body = Http.JSON.createObjectNode();
                          body.putObject("resize").put("flavorRef", f.id());
                          return c.nova()
                              .action(s.id(), body)
                              .thenCompose(
                                  x ->
                                      waits.server(
                                          s.id(), ref.nodeId(), Set.of("VERIFY_RESIZE"), false))
                              .thenCompose(v -> confirmPending(ref, v));
                        }))
        .thenCompose(s -> grow(ref, volumeSize).thenApply(x -> s))
        .thenCompose(lookup::resource);
  }

  /** Confirms a resize waiting for it (one a crashed run left), then waits for the server. */
  private CompletableFuture<Server> confirmPending(NodeRef ref, Server s) {
    if (!s.status().equals("VERIFY_RESIZE")) {
      return waits.server(s.id(), ref.nodeId(), UP, false);
    }
    LOG.info("node {}: confirm resize", ref.nodeId());
    return c.nova()
        .action(s.id(), Http.JSON.createObjectNode().putNull("confirmResize"))
        .thenCompose(x -> waits.server(s.id(), ref.nodeId(), UP, false));
  }

  private CompletableFuture<Void> grow(NodeRef ref, int volumeSize) {
    return lookup
        .volume(ref)
        .thenCompose(
            found -> {
              if (found.isEmpty() || found.get().size() >= volumeSize) {
                return CompletableFuture.completedFuture(null);
              }
              Volume v = found.get();
              LOG.info("node {}: extend volume {} to {} GiB", ref.nodeId(), v.id(), volumeSize);
              return waits
                  .volume(v.id(), v.name(), Set.of("available", "in-use"), 0)
                  .thenCompose(x -> c.cinder().extend(v.id(), volumeSize))
                  .thenCompose(
                      x ->
                          waits.volume(v.id(), v.name(), Set.of("available", "in-use"), volumeSize))
                  .thenApply(x -> null);
            });
  }

  CompletableFuture<NodeResource> replaceImage(NodeRef ref, String image) {
    Optional<String> wanted = Optional.of(image).filter(i -> !i.isEmpty());
    Optional<String> glanceName = wanted.or(() -> c.settings().defaultImage());
    if (glanceName.isEmpty()) {
      return CompletableFuture.failedFuture(
          new OpenStackApiException("image", 0, "no image given and no default image set"));
    }
    return existing(ref)
        .thenCompose(s -> waits.server(s.id(), ref.nodeId(), UP, false))
        .thenCombine(c.glance().resolve(glanceName.get()), (s, id) -> Map.entry(s, id))
        .thenCompose(
            e -> {
              Server s = e.getKey();
              String imageId = e.getValue();
              boolean same =
                  imageId.equals(s.imageId())
                      && wanted.equals(Optional.ofNullable(s.metadata().get(Lookup.IMAGE_KEY)));
              if (same) {
                return CompletableFuture.completedFuture(s);
              }
              LOG.info("node {}: rebuild with image {}", ref.nodeId(), glanceName.get());
              ObjectNode body = Http.JSON.createObjectNode();
              ObjectNode rebuild = body.putObject("rebuild").put("imageRef", imageId);
              ObjectNode metadata = rebuild.putObject("metadata");
              s.metadata().forEach(metadata::put);
              metadata.remove(Lookup.IMAGE_KEY);
              wanted.ifPresent(i -> metadata.put(Lookup.IMAGE_KEY, i));
              return c.nova()
                  .action(s.id(), body)
                  .thenCompose(x -> waits.server(s.id(), ref.nodeId(), UP, false));
            })
        .thenCompose(lookup::resource);
  }

  private CompletableFuture<Server> existing(NodeRef ref) {
    return lookup
        .server(ref)
        .thenApply(
            s ->
                s.orElseThrow(
                    () ->
                        new NotFoundException(
                            "node "
                                + ref.nodeId()
                                + " of cluster "
                                + ref.clusterId()
                                + " has no server")));
  }
}

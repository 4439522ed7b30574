package io.clusterlifecycle.spi.openstack;

import io.clusterlifecycle.api.error.NotFoundException;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/** Waits, by polling, for servers and volumes to reach a state. */
final class Waits {
  private final Clients c;

  Waits(Clients c) {
    this.c = c;
  }

  /**
   * Waits until the server has no task and one of the given statuses; {@code ERROR} fails with
   * Nova's fault message.
   */
  CompletableFuture<Server> server(String id, String what, Set<String> statuses, boolean build) {
    return c.poller()
        .until(
            "server " + what + " to be " + String.join(" or ", statuses),
            build ? c.settings().buildTimeout() : c.settings().actionTimeout(),
            () ->
                c.nova()
                    .get(id)
                    .thenApply(
                        found -> {
                          Server s =
                              found.orElseThrow(
                                  () ->
                                      new NotFoundException(
                                          "server " + what + " (" + id + ") disappeared"));
                          if (s.status().equals("ERROR")) {
                            throw fault(s);
                          }
                          return s.settled() && statuses.contains(s.status())
                              ? Poller.Poll.done(s)
                              : Poller.Poll.waiting(s.describe());
                        }));
  }

  /** Waits until the server is gone (404 or {@code DELETED}). */
  CompletableFuture<Void> serverGone(String id, String what) {
    return c.poller()
        .until(
            "server " + what + " to be deleted",
            c.settings().actionTimeout(),
            () ->
                c.nova()
                    .get(id)
                    .thenApply(
                        s ->
                            s.isEmpty() || s.get().status().equals("DELETED")
                                ? Poller.Poll.done(Boolean.TRUE)
                                : Poller.Poll.<Boolean>waiting(s.get().describe())))
        .thenApply(x -> null);
  }

  /** Waits until the volume has one of the statuses; an {@code error*} status fails. */
  CompletableFuture<Volume> volume(String id, String what, Set<String> statuses, int minSize) {
    return c.poller()
        .until(
            "volume " + what + " to be " + String.join(" or ", statuses),
            c.settings().actionTimeout(),
            () ->
                c.cinder()
                    .get(id)
                    .thenApply(
                        found -> {
                          Volume v =
                              found.orElseThrow(
                                  () ->
                                      new NotFoundException(
                                          "volume " + what + " (" + id + ") disappeared"));
                          if (v.failed()) {
                            throw new OpenStackApiException(
                                "volumev3", 0, "volume " + what + " went to " + v.status());
                          }
                          return statuses.contains(v.status()) && v.size() >= minSize
                              ? Poller.Poll.done(v)
                              : Poller.Poll.waiting(v.status() + ", " + v.size() + " GiB");
                        }));
  }

  /** Waits until the volume is gone. */
  CompletableFuture<Void> volumeGone(String id, String what) {
    return c.poller()
        .until(
            "volume " + what + " to be deleted",
            c.settings().actionTimeout(),
            () ->
                c.cinder()
                    .get(id)
                    .thenApply(
                        v ->
                            v.isEmpty()
                                ? Poller.Poll.done(Boolean.TRUE)
                                : Poller.Poll.<Boolean>waiting(v.get().status())))
        .thenApply(x -> null);
  }

  static ServerFaultException fault(Server s) {
    return new ServerFaultException(
        s.id(),
        "server "
            + s.name()
            + " ("
            + s.id()
            + ") went to ERROR: "
            + s.fault().orElse("Nova gave no fault message"));
  }

  static <T> CompletableFuture<Optional<T>> none() {
    return CompletableFuture.completedFuture(Optional.empty());
  }
}

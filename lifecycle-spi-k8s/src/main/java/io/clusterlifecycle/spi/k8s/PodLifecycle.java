package io.clusterlifecycle.spi.k8s;

import io.clusterlifecycle.api.spi.NodeResource;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Brings a node's pod to the state its record asks for: creates it, replaces one that failed to
 * start or runs another spec, and waits, through the {@link PodTracker}, until it is Ready or gone
 * (docs/design.md §9.2), and says at which address ({@link K8sAddresses}). Blocking calls run on
 * {@link K8sCalls}' threads; waiting holds none.
 */
final class PodLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(PodLifecycle.class);

  private final NodeObjects objects;
  private final K8sCalls calls;
  private final PodTracker tracker;
  private final K8sManifests manifests;
  private final String namespace;
  private final K8sAddresses addresses;

  PodLifecycle(
      NodeObjects objects,
      K8sCalls calls,
      PodTracker tracker,
      K8sManifests manifests,
      String namespace,
      K8sAddresses addresses) {
    this.objects = objects;
    this.calls = calls;
    this.tracker = tracker;
    this.manifests = manifests;
    this.namespace = namespace;
    this.addresses = addresses;
  }

  /**
   * Makes sure the pod runs with the state's spec: creates it when missing, replaces it when it
   * failed to start, then waits for Ready.
   */
  CompletableFuture<NodeResource> ensureRunning(NodeState state, String what) {
    return calls
        .async(
            what,
            () -> {
              Optional<Pod> pod = objects.pod(state.ref());
              if (pod.isPresent() && PodTracker.failure(pod.get()).isPresent()) {
                LOG.info(
                    "pod {}/{} failed to start before; creating it again",
                    namespace,
                    state.nodeId());
                objects.deletePod(state.nodeId());
                return true;
              }
              if (pod.isEmpty()) {
                objects.createPod(state);
              }
              return false;
            })
        .thenCompose(
            replace ->
                replace
                    ? tracker
                        .awaitGone(Names.pod(state.nodeId()))
                        .thenCompose(v -> calls.async(what, () -> createPodReturning(state)))
                    : CompletableFuture.completedFuture(state))
        .thenCompose(s -> tracker.awaitReady(Names.pod(s.nodeId())))
        .thenApply(p -> resource(state, Optional.of(p), Optional.empty(), true));
  }

  /**
   * Replaces the pod unless it already runs exactly this state (a resumed step): delete, wait until
   * it is gone, create, wait for Ready.
   */
  CompletableFuture<NodeResource> recreate(NodeState next, String what) {
    return calls
        .async(
            what,
            () -> {
              Optional<Pod> pod = objects.pod(next.ref());
              boolean current =
                  pod.flatMap(NodeObjects::stateOf)
                      .map(s -> s.equals(next.withStopped(false)))
                      .orElse(false);
              if (pod.isPresent() && !current) {
                objects.deletePod(next.nodeId());
              }
              return pod.isPresent() && !current;
            })
        .thenCompose(
            deleted ->
                deleted
                    ? tracker.awaitGone(Names.pod(next.nodeId()))
                    : CompletableFuture.completedFuture(null))
        .thenCompose(v -> ensureRunning(next, what));
  }

  private NodeState createPodReturning(NodeState state) {
    objects.createPod(state);
    return state;
  }

  /** The resource of a node that has no pod: with pod IPs, at the IP its record holds. */
  CompletableFuture<NodeResource> stopped(NodeState state, String what) {
    if (addresses == K8sAddresses.DNS_NAME) {
      return CompletableFuture.completedFuture(
          resource(state, Optional.empty(), Optional.empty(), false));
    }
    return calls.async(
        what, () -> resource(state, Optional.empty(), objects.lastPodIp(state.ref()), false));
  }

  /**
   * The resource the provider reports for a node: at its DNS name, or at its pod's IP, else at the
   * IP its last pod had ({@link K8sAddresses}).
   *
   * @param pod the node's pod, if it has one
   * @param lastPodIp the IP its record holds, if any
   */
  NodeResource resource(
      NodeState s, Optional<Pod> pod, Optional<String> lastPodIp, boolean running) {
    String address =
        addresses == K8sAddresses.DNS_NAME
            ? manifests.address(s.clusterId(), s.nodeId())
            : pod.flatMap(NodeObjects::podIp).or(() -> lastPodIp).orElse("");
    return s.resource(namespace, address, running);
  }
}

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
 * (docs/design.md §9.2). Blocking calls run on {@link K8sCalls}' threads; waiting holds none.
 */
final class PodLifecycle {
  private static final Logger LOG = LoggerFactory.getLogger(PodLifecycle.class);

  private final NodeObjects objects;
  private final K8sCalls calls;
  private final PodTracker tracker;
  private final K8sManifests manifests;
  private final String namespace;

  PodLifecycle(
      NodeObjects objects,
      K8sCalls calls,
      PodTracker tracker,
      K8sManifests manifests,
      String namespace) {
    this.objects = objects;
    this.calls = calls;
    this.tracker = tracker;
    this.manifests = manifests;
    this.namespace = namespace;
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
        .thenApply(p -> resource(state, true));
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

  CompletableFuture<NodeResource> stopped(NodeState state) {
    return CompletableFuture.completedFuture(resource(state, false));
  }

  NodeResource resource(NodeState s, boolean running) {
    return s.resource(namespace, manifests.address(s.clusterId(), s.nodeId()), running);
  }
}

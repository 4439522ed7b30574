package io.clusterlifecycle.spi.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the adapter's pods with one informer per namespace and completes futures when a pod
 * becomes Ready, fails to start, or is gone: no thread waits and nothing polls (docs/design.md
 * §9.1). A waiter registers before it looks at the informer's cache, so no event is missed between
 * the two.
 */
final class PodTracker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodTracker.class);

  /** Container waiting reasons that fail a start at once. */
  static final Set<String> FATAL_WAITING =
      Set.of("ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "InvalidImageName");

  private final String namespace;
  private final KubernetesClient client;
  private volatile SharedIndexInformer<Pod> informer;
  private volatile CompletableFuture<Void> started;
  private final ScheduledExecutorService scheduler;
  private final Duration readyTimeout;
  private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();

  /** Completes the waiters' futures, so that callers' continuations never hold the informer. */
  private final Executor completions;

  PodTracker(
      KubernetesClient client,
      String namespace,
      ScheduledExecutorService scheduler,
      Duration readyTimeout,
      Executor completions) {
    this.namespace = namespace;
    this.completions = completions;
    this.scheduler = scheduler;
    this.readyTimeout = readyTimeout;
    this.client = client;
    start();
  }

  /** Starts the informer; its first listing completes {@link #started}. */
  private void start() {
    informer =
        client
            .pods()
            .inNamespace(namespace)
            .withLabel(K8sLabels.MANAGED_BY, K8sLabels.MANAGER)
            .runnableInformer(0);
    informer.addEventHandler(
        new ResourceEventHandler<Pod>() {
          @Override
          public void onAdd(Pod pod) {
            changed(pod);
          }

          @Override
          public void onUpdate(Pod before, Pod pod) {
            changed(pod);
          }

          @Override
          public void onDelete(Pod pod, boolean finalStateUnknown) {
            deleted(pod.getMetadata().getName());
          }
        });
    started = informer.start().toCompletableFuture();
  }

  /**
   * The informer's start, started again when the last one failed (its first listing timed out,
   * say): a failed start fails the waits that were on it, as a transient error the caller retries,
   * and the retry then gets a fresh watch rather than the same failure for the tracker's lifetime.
   */
  private synchronized CompletableFuture<Void> started() {
    if (started.isCompletedExceptionally()) {
      LOG.warn("the pod watch in namespace {} failed to start; starting it again", namespace);
      informer.stop();
      start();
    }
    return started;
  }

  /** Completes with the pod once it is Ready; fails with {@link PodStartFailedException}. */
  CompletableFuture<Pod> awaitReady(String name) {
    return await(name, false).thenApply(p -> p.orElseThrow());
  }

  /** Completes once no pod of this name exists. */
  CompletableFuture<Void> awaitGone(String name) {
    return await(name, true).thenApply(p -> null);
  }

  /** Whether the pod is Ready, as the informer last saw it; false when it does not exist. */
  boolean isReady(Pod pod) {
    return pod != null && pod.getMetadata().getDeletionTimestamp() == null && ready(pod);
  }

  private CompletableFuture<Optional<Pod>> await(String name, boolean gone) {
    Waiter w = new Waiter(name, gone);
    waiters.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(w);
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () ->
                w.future.completeExceptionally(
                    new PodStartFailedException(
                        name,
                        gone ? "DeleteTimeout" : "ReadyTimeout",
                        (gone ? "still there " : "not Ready ")
                            + readyTimeout.toSeconds()
                            + " s later")),
            readyTimeout.toMillis(),
            TimeUnit.MILLISECONDS);
    var unusedCleanup =
        w.future.whenComplete(
            (p, e) -> {
              timer.cancel(false);
              List<Waiter> list = waiters.get(name);
              if (list != null) {
                list.remove(w);
              }
            });
    CompletableFuture<Void> watching = started();
    SharedIndexInformer<Pod> current = informer;
    var unusedStart =
        watching.whenComplete(
            (v, e) -> {
              if (e != null) {
                w.future.completeExceptionally(K8sCalls.translate("watch pods in " + namespace, e));
              } else {
                w.offer(current.getStore().getByKey(namespace + "/" + name));
              }
            });
    return w.future;
  }

  private void changed(Pod pod) {
    List<Waiter> list = waiters.get(pod.getMetadata().getName());
    if (list != null) {
      list.forEach(w -> w.offer(pod));
    }
  }

  private void deleted(String name) {
    List<Waiter> list = waiters.get(name);
    if (list != null) {
      list.forEach(w -> w.offer(null));
    }
  }

  private static boolean ready(Pod pod) {
    return conditions(pod).stream()
        .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private static List<PodCondition> conditions(Pod pod) {
    return pod.getStatus() == null || pod.getStatus().getConditions() == null
        ? List.of()
        : pod.getStatus().getConditions();
  }

  /** Why a pod cannot start, if Kubernetes says it cannot. */
  static Optional<PodStartFailedException> failure(Pod pod) {
    String name = pod.getMetadata().getName();
    for (PodCondition c : conditions(pod)) {
      if ("PodScheduled".equals(c.getType())
          && "False".equals(c.getStatus())
          && "Unschedulable".equals(c.getReason())) {
        return Optional.of(new PodStartFailedException(name, "Unschedulable", c.getMessage()));
      }
    }
    List<ContainerStatus> statuses =
        pod.getStatus() == null || pod.getStatus().getContainerStatuses() == null
            ? List.of()
            : pod.getStatus().getContainerStatuses();
    for (ContainerStatus s : statuses) {
      if (s.getState() != null && s.getState().getWaiting() != null) {
        String reason = s.getState().getWaiting().getReason();
        if (reason != null && FATAL_WAITING.contains(reason)) {
          return Optional.of(
              new PodStartFailedException(name, reason, s.getState().getWaiting().getMessage()));
        }
      }
    }
    String phase = pod.getStatus() == null ? null : pod.getStatus().getPhase();
    if ("Failed".equals(phase) || "Succeeded".equals(phase)) {
      String reason = pod.getStatus().getReason();
      return Optional.of(
          new PodStartFailedException(
              name, reason == null ? phase : reason, pod.getStatus().getMessage()));
    }
    return Optional.empty();
  }

  @Override
  public synchronized void close() {
    informer.stop();
    waiters.values().stream()
        .flatMap(List::stream)
        .forEach(
            w ->
                w.future.completeExceptionally(
                    new IllegalStateException("the Kubernetes adapter was closed")));
  }

  /** One future waiting for a pod to be Ready, or gone. */
  private final class Waiter {
    final String name;
    final boolean gone;
    final CompletableFuture<Optional<Pod>> future = new CompletableFuture<>();

    Waiter(String name, boolean gone) {
      this.name = name;
      this.gone = gone;
    }

    /** Looks at the pod as now seen ({@code null}: it does not exist). */
    void offer(Pod pod) {
      if (future.isDone()) {
        return;
      }
      if (gone) {
        if (pod == null) {
          settle(() -> future.complete(Optional.empty()));
        }
        return;
      }
      if (pod == null || pod.getMetadata().getDeletionTimestamp() != null) {
        return;
      }
      if (ready(pod)) {
        settle(() -> future.complete(Optional.of(pod)));
        return;
      }
      failure(pod)
          .ifPresent(
              f -> {
                LOG.debug("pod {}/{} cannot start: {}", namespace, name, f.reason());
                settle(() -> future.completeExceptionally(f));
              });
    }

    /** Completes the future on the completion executor, or here once that is shut down. */
    private void settle(Runnable completion) {
      try {
        completions.execute(completion);
      } catch (RejectedExecutionException e) {
        completion.run();
      }
    }
  }
}

package io.clusterlifecycle.spi.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodList;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.FilterWatchListDeletable;
import io.fabric8.kubernetes.client.dsl.PodResource;
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
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the adapter's pods with one informer per namespace and completes futures when a pod
 * becomes Ready, fails to start, or is gone: no thread waits, and pods are not read one by one
 * (docs/k8s.md, "waiting for Ready"). A waiter registers before it looks at the informer's cache,
 * so no event is missed between the two.
 *
 * <p>A watch can still miss what happens: fabric8 stops an informer for good after some watch
 * failures, and a watch connection can stay open while delivering nothing. So while waits are
 * pending, every {@link Timing#recheck} the tracker starts a stopped informer again (as each new
 * wait does) and lists the namespace's managed pods once, offering each waiter registered before
 * that listing its pod as listed.
 */
final class PodTracker implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PodTracker.class);

  /** Container waiting reasons that fail a start at once. */
  static final Set<String> FATAL_WAITING =
      Set.of("ImagePullBackOff", "ErrImagePull", "CrashLoopBackOff", "InvalidImageName");

  /**
   * How long a wait may last, and how often pending waits are checked against a listing.
   *
   * @param readyTimeout how long a pod may take to become Ready or to go away
   * @param recheck how often pending waits are checked against a listing of the pods
   */
  record Timing(Duration readyTimeout, Duration recheck) {}

  private final String namespace;
  private final KubernetesClient client;
  private volatile SharedIndexInformer<Pod> informer;
  private volatile CompletableFuture<Void> started;
  private final ScheduledExecutorService scheduler;
  private final Timing timing;
  private final Map<String, List<Waiter>> waiters = new ConcurrentHashMap<>();
  private final AtomicLong registrations = new AtomicLong();
  private ScheduledFuture<?> recheckTask;
  private boolean closed;

  /**
   * Completes the waiters' futures, so that callers' continuations never hold the informer, and
   * runs the rechecks' listings.
   */
  private final Executor completions;

  PodTracker(
      KubernetesClient client,
      String namespace,
      ScheduledExecutorService scheduler,
      Timing timing,
      Executor completions) {
    this.namespace = namespace;
    this.completions = completions;
    this.scheduler = scheduler;
    this.timing = timing;
    this.client = client;
    start();
  }

  /** Starts the informer; its first listing completes {@link #started}. */
  private void start() {
    informer = managedPods().runnableInformer(0);
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
   * The informer's start, after starting a new informer if the last one stopped: its first listing
   * failed (timed out, say), or fabric8 stopped it for good after a watch failure. A failed start
   * fails the waits that were on it, as a transient error the caller retries, and the retry then
   * gets a fresh watch rather than the same failure for the tracker's lifetime.
   */
  private synchronized CompletableFuture<Void> started() {
    if (!closed && started.isDone() && !informer.isRunning()) {
      LOG.warn("the pod watch in namespace {} stopped; starting it again", namespace);
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
    Waiter w = new Waiter(name, gone, registrations.incrementAndGet());
    waiters.computeIfAbsent(name, n -> new CopyOnWriteArrayList<>()).add(w);
    ScheduledFuture<?> timer =
        scheduler.schedule(
            () ->
                w.future.completeExceptionally(
                    new PodStartFailedException(
                        name,
                        gone ? "DeleteTimeout" : "ReadyTimeout",
                        (gone ? "still there " : "not Ready ")
                            + timing.readyTimeout().toSeconds()
                            + " s later")),
            timing.readyTimeout().toMillis(),
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
    scheduleRecheck();
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

  /** Schedules the next recheck unless one is scheduled or the tracker is closed. */
  private synchronized void scheduleRecheck() {
    if (closed || recheckTask != null) {
      return;
    }
    try {
      recheckTask =
          scheduler.schedule(this::recheck, timing.recheck().toMillis(), TimeUnit.MILLISECONDS);
    } catch (RejectedExecutionException e) {
      LOG.debug("pod waits in namespace {} are not rechecked: the adapter is closing", namespace);
    }
  }

  /**
   * Starts a stopped informer again, lists the managed pods and offers each waiter registered
   * before the listing was asked for its pod as listed (none: it does not exist), then schedules
   * the next recheck while waits are pending. A failed listing is logged; the waits go on.
   */
  private void recheck() {
    synchronized (this) {
      recheckTask = null;
      if (closed || waiters.values().stream().allMatch(List::isEmpty)) {
        return;
      }
      var unusedStart = started();
    }
    long before = registrations.get();
    CompletableFuture<Map<String, Pod>> listed;
    try {
      listed = CompletableFuture.supplyAsync(this::listPods, completions);
    } catch (RejectedExecutionException e) {
      return;
    }
    var unused =
        listed.whenComplete(
            (pods, e) -> {
              if (e != null) {
                LOG.warn(
                    "could not list the pods in namespace {} to recheck the waits on them: {}",
                    namespace,
                    K8sCalls.unwrap(e).toString());
              } else {
                waiters.values().stream()
                    .flatMap(List::stream)
                    .filter(w -> w.registration <= before)
                    .forEach(w -> w.offer(pods.get(w.name)));
              }
              scheduleRecheck();
            });
  }

  /**
   * The adapter's pods in the namespace: what the informer watches and a recheck lists, so that
   * both see the same pods.
   */
  private FilterWatchListDeletable<Pod, PodList, PodResource> managedPods() {
    return client.pods().inNamespace(namespace).withLabel(K8sLabels.MANAGED_BY, K8sLabels.MANAGER);
  }

  private Map<String, Pod> listPods() {
    return managedPods().list().getItems().stream()
        .collect(Collectors.toMap(p -> p.getMetadata().getName(), p -> p, (a, b) -> b));
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
    closed = true;
    if (recheckTask != null) {
      recheckTask.cancel(false);
    }
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

    /** The order in which waiters registered, to tell those a listing may answer. */
    final long registration;

    final CompletableFuture<Optional<Pod>> future = new CompletableFuture<>();

    Waiter(String name, boolean gone, long registration) {
      this.name = name;
      this.gone = gone;
      this.registration = registration;
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

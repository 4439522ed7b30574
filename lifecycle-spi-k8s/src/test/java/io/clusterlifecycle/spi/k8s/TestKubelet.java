package io.clusterlifecycle.spi.k8s;

import io.fabric8.kubernetes.api.model.ContainerStatusBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PodStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the mock API server lacks: a kubelet. It watches the namespace's pods and gives each new pod
 * a status: Running and Ready with an IP of its own, or, when told to, stuck in {@code
 * ImagePullBackOff} or {@code Unschedulable}.
 */
final class TestKubelet implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TestKubelet.class);

  /** How a pod fails to start. */
  enum Failure {
    IMAGE_PULL_BACK_OFF,
    UNSCHEDULABLE,
    /** No status at all: the pod stays Pending until {@link TestKubelet#release}. */
    HELD
  }

  private final KubernetesClient client;
  private final String namespace;
  private final Map<String, Failure> failing = new ConcurrentHashMap<>();
  private final AtomicInteger ips = new AtomicInteger();
  private final AtomicInteger started = new AtomicInteger();
  private final ExecutorService worker =
      Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "test-kubelet");
            t.setDaemon(true);
            return t;
          });
  private final Watch watch;

  TestKubelet(KubernetesClient client, String namespace) {
    this.client = client;
    this.namespace = namespace;
    this.watch =
        client
            .pods()
            .inNamespace(namespace)
            .watch(
                new Watcher<Pod>() {
                  @Override
                  public void eventReceived(Action action, Pod pod) {
                    if (action == Action.ADDED) {
                      worker.execute(() -> admit(pod.getMetadata().getName()));
                    }
                  }

                  @Override
                  public void onClose(WatcherException cause) {
                    if (cause != null) {
                      LOG.warn("test kubelet watch closed", cause);
                    }
                  }
                });
  }

  /** Makes the next pods of this name fail to start in this way, until {@link #heal}. */
  void failPod(String name, Failure failure) {
    failing.put(name, failure);
  }

  /** Lets the pod start normally again. */
  void heal(String name) {
    failing.remove(name);
  }

  /** Lets a held pod start now. */
  void release(String name) {
    failing.remove(name);
    worker.execute(() -> admit(name));
  }

  /** How many pods the kubelet has made Ready. */
  int started() {
    return started.get();
  }

  private void admit(String name) {
    Failure failure = failing.get(name);
    if (failure == Failure.HELD) {
      return;
    }
    PodStatus status = failure == null ? running() : failed(failure);
    try {
      client
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .editStatus(
              p -> {
                p.setStatus(status);
                return p;
              });
      if (failure == null) {
        started.incrementAndGet();
      }
    } catch (RuntimeException e) {
      LOG.debug("pod {} went away before it started: {}", name, e.toString());
    }
  }

  private PodStatus running() {
    int n = ips.incrementAndGet();
    return new PodStatusBuilder()
        .withPhase("Running")
        .withPodIP("10.0." + (n / 250) + "." + (n % 250 + 1))
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .endCondition()
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName(K8sPodSettings.DEFAULT_CONTAINER)
                .withReady(true)
                .withNewState()
                .withNewRunning()
                .endRunning()
                .endState()
                .build())
        .build();
  }

  private static PodStatus failed(Failure failure) {
    if (failure == Failure.UNSCHEDULABLE) {
      return new PodStatusBuilder()
          .withPhase("Pending")
          .addNewCondition()
          .withType("PodScheduled")
          .withStatus("False")
          .withReason("Unschedulable")
          .withMessage("0/3 nodes are available: 3 Insufficient cpu.")
          .endCondition()
          .build();
    }
    return new PodStatusBuilder()
        .withPhase("Pending")
        .addNewCondition()
        .withType("PodScheduled")
        .withStatus("True")
        .endCondition()
        .addToContainerStatuses(
            new ContainerStatusBuilder()
                .withName(K8sPodSettings.DEFAULT_CONTAINER)
                .withReady(false)
                .withNewState()
                .withNewWaiting()
                .withReason("ImagePullBackOff")
                .withMessage("Back-off pulling image \"kit-image:404\"")
                .endWaiting()
                .endState()
                .build())
        .build();
  }

  @Override
  public void close() {
    watch.close();
    worker.shutdownNow();
  }
}

package io.clusterlifecycle.spi.k8s;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.http.Dispatcher;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The fabric8 mock API server in CRUD mode, with what it lacks for the adapter's tests: a {@link
 * TestKubelet} that makes pods Ready, {@link Faults} that answer chosen requests with errors,
 * {@link ExpiringWatches} that the test ends with 410 Gone, and an {@link ExecEndpoint} that runs
 * pod exec requests as local processes.
 */
final class MockKubernetes implements AutoCloseable {
  static final String NAMESPACE = "test";

  /**
   * The mock server logs every request it receives at INFO (thousands per run); held here because
   * java.util.logging keeps its loggers weakly, which would drop the level.
   */
  private static final Logger MOCK_SERVER_LOG = Logger.getLogger("io.fabric8.mockwebserver");

  static {
    MOCK_SERVER_LOG.setLevel(Level.WARNING);
  }

  private final Faults faults = new Faults();
  private final ExpiringWatches watches = new ExpiringWatches();
  private final List<RecordedRequest> requests = new CopyOnWriteArrayList<>();
  private final KubernetesMockServer server;
  private final KubernetesClient client;
  private final TestKubelet kubelet;
  private final ExecEndpoint exec;

  private MockKubernetes(Path podRoot) {
    KubernetesCrudDispatcher crud = new KubernetesCrudDispatcher();
    this.exec = new ExecEndpoint(podRoot);
    Dispatcher dispatcher =
        new Dispatcher() {
          @Override
          public MockResponse dispatch(RecordedRequest request) {
            requests.add(request);
            return faults
                .answer(request)
                .or(() -> watches.answer(request))
                .orElseGet(
                    () -> exec.handles(request) ? exec.upgrade(request) : crud.dispatch(request));
          }
        };
    this.server =
        new KubernetesMockServer(
            new Context(), new MockWebServer(), new HashMap<>(), dispatcher, false);
    server.init();
    this.client = newClient();
    this.kubelet = new TestKubelet(newClient(), NAMESPACE);
  }

  /**
   * Starts a server and its kubelet.
   *
   * @param podRoot where the exec endpoint keeps each pod's working directory
   */
  static MockKubernetes start(Path podRoot) {
    return new MockKubernetes(podRoot);
  }

  /**
   * A client of the server that does not retry failed requests itself, with a 30 s request timeout
   * (the machine the tests run on may be busy).
   */
  KubernetesClient newClient() {
    return newClient(Duration.ofSeconds(30));
  }

  /** A client of the server that does not retry failed requests itself, with this timeout. */
  KubernetesClient newClient(Duration requestTimeout) {
    return server.createClient(
        b ->
            b.editOrNewConfig()
                .withRequestRetryBackoffLimit(0)
                .withRequestTimeout((int) requestTimeout.toMillis())
                .endConfig());
  }

  /**
   * A command executor's builder on {@code client}: the test namespace, and a run directory under
   * {@code pods}, the exec endpoint's root.
   */
  static K8sCommandExecutor.Builder executor(KubernetesClient client, Path pods) {
    return K8sCommandExecutor.builder()
        .client(client)
        .namespace(NAMESPACE)
        .runDirectory(pods.resolve("run").toString());
  }

  /** The shared client the tests give the adapters. */
  KubernetesClient client() {
    return client;
  }

  TestKubelet kubelet() {
    return kubelet;
  }

  Faults faults() {
    return faults;
  }

  /** Watches of ConfigMaps that the test ends with 410 Gone. */
  ExpiringWatches watches() {
    return watches;
  }

  ExecEndpoint exec() {
    return exec;
  }

  /** Every request the server received, in order. */
  List<RecordedRequest> requests() {
    return requests;
  }

  @Override
  public void close() {
    kubelet.close();
    exec.close();
    client.close();
    server.destroy();
  }
}

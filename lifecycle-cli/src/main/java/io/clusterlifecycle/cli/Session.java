package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.spi.MetadataStore;
import io.clusterlifecycle.core.JsonLinesTrace;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.core.LifecycleEngineBuilder;
import io.clusterlifecycle.spi.local.LocalInfrastructure;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * One CLI invocation's engine: the nodes on the infrastructure {@code --infra} names, the records
 * and the metadata tree where the store options put them. Opening it is the first thing a command
 * writes; every option was checked before ({@link Settings#check}).
 */
final class Session implements AutoCloseable {
  final LifecycleEngine engine;
  private final Optional<LocalInfrastructure> local;
  private final List<AutoCloseable> closing = new ArrayList<>();

  /** The records' file in a home when no other store is given: SQLite. */
  static final String STORE_FILE = OpenStores.STORE_FILE;

  /** Names this process in its operation leases, instead of the host name. */
  static final String ENGINE_HOST_ENV = "LIFECYCLE_ENGINE_HOST";

  /**
   * Everything a session is opened from, checked: writing nothing, connecting nowhere.
   *
   * @param home the home directory
   * @param trace the trace file, or null
   * @param kind the infrastructure's kind
   * @param infra the infrastructure, ready to open
   * @param stores where records and tree live
   * @param kube where Kubernetes is
   * @param hostSecrets the values of host: secrets, when --host-secrets was given
   */
  record Settings(
      Path home,
      Path trace,
      Infra kind,
      InfraFactory.Checked infra,
      StoreSettings stores,
      KubeSettings kube,
      Optional<Map<String, String>> hostSecrets) {
    /**
     * Checks the options of the infrastructure and the stores.
     *
     * @throws io.clusterlifecycle.api.error.ValidationException naming the option to change
     */
    static Settings check(
        Path home,
        Path trace,
        InfraOptions infra,
        String store,
        String metadata,
        StoreOptions security,
        Path hostSecrets,
        Map<String, String> env) {
      StoreSettings stores = StoreSettings.check(store, metadata, security, env);
      KubeSettings kube =
          KubeSettings.check(infra, infra.infra == Infra.k8s || stores.usesKubernetes());
      InfraFactory.Checked opener = infra.infra.factory().check(infra, kube, env);
      return new Settings(
          home, trace, infra.infra, opener, stores, kube, HostSecrets.read(hostSecrets));
    }
  }

  /** A session on the local infrastructure of a home with its SQLite records: the demo's. */
  Session(Path home, Path traceFile) {
    this(home, traceFile, b -> {});
  }

  /** The demo's session with last changes to the engine's settings. */
  Session(Path home, Path traceFile, Consumer<LifecycleEngineBuilder> tweak) {
    this(
        new Settings(
            home,
            traceFile,
            Infra.local,
            Infra.local.factory().check(new InfraOptions(), null, Map.of()),
            StoreSettings.check(null, null, new StoreOptions(), Map.of()),
            KubeSettings.check(new InfraOptions(), false),
            Optional.empty()),
        tweak);
  }

  private Session(LifecycleEngine engine) {
    this.local = Optional.empty();
    this.engine = engine;
    closing.add(engine);
  }

  /**
   * A session on a home that does not exist yet ({@link EmptyHome}): queries find nothing, requests
   * are checked and planned, nothing is written, no file is created and nothing is connected to.
   */
  static Session empty() {
    LifecycleEngineBuilder b =
        LifecycleEngine.builder()
            .resourceProvider(new EmptyHome.Resources())
            .commandExecutor(new EmptyHome.Commands())
            .metadataStore(new EmptyHome.Metadata())
            .clusterStore(new EmptyHome.Store());
    plugins().forEach(b::plugin);
    return new Session(b.build());
  }

  /**
   * The plugins the CLI's engines hold (docs/design.md §15): {@code node-labels} and {@code
   * placement}.
   */
  static List<io.clusterlifecycle.api.spi.SpecPlugin> plugins() {
    return List.of(
        new io.clusterlifecycle.core.plugins.NodeLabelsPlugin(),
        new io.clusterlifecycle.core.plugins.PlacementPlugin());
  }

  /**
   * Opens the stores, then the infrastructure, then the engine on them.
   *
   * @param s the checked settings
   * @param tweak last changes to the engine's settings
   */
  Session(Settings s, Consumer<LifecycleEngineBuilder> tweak) {
    try {
      KubeClient kube = closing(new KubeClient(s.kube()));
      boolean nodesReadKube = s.kind() == Infra.k8s;
      OpenStores stores =
          closing(new OpenStores(s.stores(), s.home(), kube, nodesReadKube, System.getenv()));
      InfraFactory.Opened infra = closing(s.infra().open(s.home(), stores.sharedTree, kube));
      this.local = infra.local();
      MetadataStore tree =
          stores
              .sharedTree
              .filter(shared -> shared != infra.tree())
              .<MetadataStore>map(shared -> new MirroredTree(shared, infra.tree()))
              .orElse(infra.tree());
      JsonLinesTrace trace = s.trace() == null ? null : closing(trace(s.trace()));
      LifecycleEngineBuilder b =
          LifecycleEngine.builder()
              .resourceProvider(infra.resources())
              .commandExecutor(infra.commands())
              .metadataStore(tree)
              .clusterStore(stores.store);
      plugins().forEach(b::plugin);
      String host = System.getenv(ENGINE_HOST_ENV);
      if (host != null && !host.isBlank()) {
        b.host(host);
      }
      if (trace != null) {
        b.eventListener(trace);
      }
      s.hostSecrets()
          .ifPresent(values -> b.hostSecrets(key -> Optional.ofNullable(values.get(key))));
      tweak.accept(b);
      this.engine = closing(b.build());
    } catch (RuntimeException | Error e) {
      close();
      throw e;
    }
  }

  private static JsonLinesTrace trace(Path file) {
    try {
      return JsonLinesTrace.append(file);
    } catch (UncheckedIOException e) {
      throw new LifecycleException(
          "cannot append the trace to " + file + ": " + e.getCause().getMessage(), e);
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closing.add(0, c);
    return c;
  }

  /**
   * The local infrastructure the nodes run on, for the demo.
   *
   * @throws IllegalStateException for a session on another infrastructure
   */
  LocalInfrastructure local() {
    return local.orElseThrow(() -> new IllegalStateException("not a local session"));
  }

  @Override
  public void close() {
    List<AutoCloseable> all = List.copyOf(closing);
    closing.clear();
    Closer.closeAll(all);
  }
}

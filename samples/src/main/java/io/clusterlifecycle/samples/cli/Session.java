package io.clusterlifecycle.samples.cli;

import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.core.JsonLinesTrace;
import io.clusterlifecycle.store.jdbc.JdbcClusterStore;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.local.LocalInfrastructure;
import java.nio.file.Path;

/** One CLI invocation's engine on the local infrastructure of a home directory. */
final class Session implements AutoCloseable {
  final LocalInfrastructure infra;
  final LifecycleEngine engine;
  private final JsonLinesTrace trace;

  /** The records' file in a home when no other store is given: SQLite. */
  static final String STORE_FILE = "lifecycle.db";

  private final ClusterStore store;

  Session(Path home, Path traceFile) {
    this(home, traceFile, null);
  }

  /**
   * @param storeUrl a JDBC URL for the records (user and password from LIFECYCLE_STORE_USER and
   *     LIFECYCLE_STORE_PASSWORD), or null for the SQLite file in the home
   */
  Session(Path home, Path traceFile, String storeUrl) {
    this.infra = LocalInfrastructure.open(home);
    this.store = storeUrl == null ? JdbcClusterStore.sqlite(home.resolve(STORE_FILE))
        : JdbcClusterStore.open(storeUrl, System.getenv("LIFECYCLE_STORE_USER"),
            System.getenv("LIFECYCLE_STORE_PASSWORD"));
    this.trace = traceFile == null ? null : JsonLinesTrace.append(traceFile);
    LifecycleEngine.Builder b = LifecycleEngine.builder()
        .resourceProvider(infra.resources())
        .commandExecutor(infra.commands())
        .metadataStore(infra.metadata())
        .clusterStore(store);
    if (trace != null) {
      b.eventListener(trace);
    }
    this.engine = b.build();
  }

  @Override
  public void close() {
    engine.close();
    if (trace != null) {
      trace.close();
    }
    store.close();
    infra.close();
  }
}

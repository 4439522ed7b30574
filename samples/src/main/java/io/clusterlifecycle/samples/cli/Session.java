package io.clusterlifecycle.samples.cli;

import io.clusterlifecycle.core.JsonLinesTrace;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.local.LocalInfrastructure;
import java.nio.file.Path;

/** One CLI invocation's engine on the local infrastructure of a home directory. */
final class Session implements AutoCloseable {
  final LocalInfrastructure infra;
  final LifecycleEngine engine;
  private final JsonLinesTrace trace;

  Session(Path home, Path traceFile) {
    this.infra = LocalInfrastructure.open(home);
    this.trace = traceFile == null ? null : JsonLinesTrace.append(traceFile);
    LifecycleEngine.Builder b = LifecycleEngine.builder()
        .resourceProvider(infra.resources())
        .commandExecutor(infra.commands())
        .metadataStore(infra.metadata())
        .clusterStore(infra.store());
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
    infra.close();
  }
}

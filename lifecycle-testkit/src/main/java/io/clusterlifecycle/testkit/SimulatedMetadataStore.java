package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.MetadataChange;
import io.clusterlifecycle.api.spi.MetadataStore;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/** A {@link MetadataStore} decorated by a {@link Simulator}; see {@link Simulator#wrap}. */
final class SimulatedMetadataStore implements MetadataStore {
  private final Simulator sim;
  private final MetadataStore delegate;

  SimulatedMetadataStore(Simulator sim, MetadataStore delegate) {
    this.sim = sim;
    this.delegate = delegate;
  }

  @Override
  public CompletionStage<Void> commit(MetadataChange change) {
    Objects.requireNonNull(change, "change");
    return sim.call(SpiMethod.METADATA_COMMIT, "", () -> delegate.commit(change));
  }

  @Override
  public CompletionStage<Map<String, String>> get(String prefix) {
    Objects.requireNonNull(prefix, "prefix");
    return sim.call(SpiMethod.METADATA_GET, "", () -> delegate.get(prefix));
  }

  /** Passed through uncounted; the listener hears nothing once the simulator has crashed. */
  @Override
  public AutoCloseable watch(String prefix, Consumer<MetadataChange> listener) {
    Objects.requireNonNull(listener, "listener");
    return delegate.watch(
        prefix,
        change -> {
          if (sim.alive()) {
            listener.accept(change);
          }
        });
  }

  /** Does not close the wrapped store, which belongs to the caller. */
  @Override
  public void close() {}

  @Override
  public String toString() {
    return "Simulated[" + delegate + "]";
  }
}

package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.ReloadDependentStep;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.request.SettingsChange;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the {@link ReloadDependentStep}s of a plan (docs/design.md §15): submits an empty {@link
 * Reconfigure} of the dependent through the engine's own submission path, which republishes its
 * {@code /links} and reloads its nodes as a journaled operation of its own, and waits for it. A
 * dependent's failure becomes a warning event of the target, never the step's failure.
 */
public final class DependentReloads {
  private static final Logger LOG = LoggerFactory.getLogger(DependentReloads.class);

  /** How long a dependent that is busy is waited for. */
  static final Duration WAIT = Duration.ofHours(1);

  private volatile BiFunction<OperationRequest, Duration, CompletableFuture<Operation>> submit;

  /**
   * Binds the submission path once the engine has one.
   *
   * @param submitter submits a request and completes when its operation ended
   */
  public void bind(BiFunction<OperationRequest, Duration, CompletableFuture<Operation>> submitter) {
    this.submit = Objects.requireNonNull(submitter, "submitter");
  }

  /**
   * Reloads the step's dependent after a change of {@code target}; never completes exceptionally.
   */
  CompletableFuture<Void> reload(EngineContext ctx, Cluster target, ReloadDependentStep step) {
    BiFunction<OperationRequest, Duration, CompletableFuture<Operation>> s = submit;
    if (s == null) {
      return CompletableFuture.failedFuture(
          new IllegalStateException("the engine bound no submission path"));
    }
    LOG.info("cluster {} changed: reloading its dependent {}", target.name(), step.name());
    return Futures.call(() -> s.apply(Reconfigure.of(step.cluster(), SettingsChange.NONE), WAIT))
        .handle(
            (o, e) -> {
              if (e != null) {
                String why = Failures.cause(e).getMessage();
                LOG.warn(
                    "reload of dependent {} after a change of {} failed: {}",
                    step.name(),
                    target.name(),
                    why);
                ctx.events()
                    .emit(
                        LifecycleEvent.builder(EventType.WARNING)
                            .cluster(target.id())
                            .message("dependent " + step.name() + " did not reload: " + why));
              }
              return null;
            });
  }
}

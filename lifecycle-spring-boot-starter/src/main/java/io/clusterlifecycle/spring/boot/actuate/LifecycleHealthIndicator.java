package io.clusterlifecycle.spring.boot.actuate;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.model.LeaseRenewals;
import io.clusterlifecycle.api.spi.ClusterStore;
import io.clusterlifecycle.core.LifecycleEngine;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;

/**
 * The engine's health: up while its records' store answers a read within the timeout and every
 * lease it holds was renewed in time ({@link LeaseRenewals}); down otherwise, saying which. The
 * details never show a store's address or credentials.
 */
public class LifecycleHealthIndicator extends AbstractHealthIndicator {
  /**
   * The id read from the store: no record has it, so the read finds nothing and changes nothing.
   */
  static final String PROBE = "lifecycle-health-probe";

  private final Lifecycle lifecycle;
  private final ClusterStore store;
  private final Duration timeout;

  /**
   * Creates the indicator.
   *
   * @param lifecycle the engine; its leases are checked when it is a {@link LifecycleEngine}
   * @param store the records' store to probe, or null when the application's engine has none in the
   *     context
   * @param timeout how long the store may take to answer
   */
  public LifecycleHealthIndicator(Lifecycle lifecycle, ClusterStore store, Duration timeout) {
    super("Lifecycle health check failed");
    this.lifecycle = lifecycle;
    this.store = store;
    this.timeout = timeout;
  }

  @Override
  protected void doHealthCheck(Health.Builder builder) throws InterruptedException {
    if (store != null) {
      try {
        store.get(PROBE).toCompletableFuture().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        builder.withDetail("store", "reachable");
      } catch (TimeoutException e) {
        builder.down().withDetail("store", "no answer within " + timeout);
        return;
      } catch (ExecutionException e) {
        Throwable cause = e.getCause() == null ? e : e.getCause();
        builder.down().withDetail("store", "unreachable: " + cause.getClass().getSimpleName());
        return;
      }
    }
    if (lifecycle instanceof LifecycleEngine engine) {
      LeaseRenewals leases = engine.leaseRenewals();
      builder.withDetail("leasesRenewed", leases.renewing());
      if (!leases.healthy()) {
        builder.down().withDetail("leasesBehind", leases.behind());
        return;
      }
    }
    builder.up();
  }
}

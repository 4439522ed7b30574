package io.clusterlifecycle.samples.platform.operation;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.samples.platform.web.ActionException;
import io.clusterlifecycle.samples.platform.web.ApiError;
import io.clusterlifecycle.samples.platform.web.ErrorMapper;
import java.time.Clock;
import java.time.Instant;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * Keeps the asynchronous operations this process accepted, to be polled by id. In memory: a
 * restarted platform forgets them (the library's own records stay, and {@code GET
 * /api/v1/operations/{id}} reads those by the library's operation id). At most {@link #MAX_KEPT}
 * are kept; the oldest ended ones go first. Thread-safe.
 */
@Component
public class OperationTracker {
  private static final Logger LOG = LoggerFactory.getLogger(OperationTracker.class);

  /** How many operations are kept at most. */
  public static final int MAX_KEPT = 1000;

  private final Lifecycle lifecycle;
  private final Clock clock = Clock.systemUTC();
  private final Map<String, Tracked> tracked = new LinkedHashMap<>();

  /**
   * Creates the tracker.
   *
   * @param lifecycle the library, asked for the operations' records
   */
  public OperationTracker(Lifecycle lifecycle) {
    this.lifecycle = lifecycle;
  }

  /**
   * Keeps a started operation.
   *
   * @param action what it does
   * @param future the library call
   * @param view the body a synchronous request would have answered with
   * @param locator its cluster, when it exists
   * @param <T> what the call completes with
   * @return the operation's id
   */
  @SuppressWarnings("unchecked")
  public <T> String track(
      String action,
      CompletableFuture<T> future,
      Function<T, Object> view,
      Supplier<Optional<Cluster>> locator) {
    String id = "op-" + UUID.randomUUID();
    CompletableFuture<T> logged =
        future.whenComplete(
            (r, e) -> {
              if (e != null) {
                LOG.info("{} ({}) failed: {}", action, id, e.getMessage());
              } else {
                LOG.info("{} ({}) succeeded", action, id);
              }
            });
    Tracked t =
        new Tracked(
            id,
            action,
            clock.instant(),
            (CompletableFuture<Object>) logged,
            (Function<Object, Object>) view,
            locator);
    synchronized (tracked) {
      tracked.put(id, t);
      evict();
    }
    return id;
  }

  /**
   * Reads an operation this process accepted.
   *
   * @param id its id
   * @return its status, or empty for an id this process does not keep
   */
  public Optional<OperationStatus> status(String id) {
    Tracked t;
    synchronized (tracked) {
      t = tracked.get(id);
    }
    return Optional.ofNullable(t).map(this::status);
  }

  private OperationStatus status(Tracked t) {
    if (!t.future().isDone()) {
      Optional<Cluster> cluster = locate(t);
      Optional<Operation> op = cluster.flatMap(Cluster::operation).flatMap(lifecycle::operation);
      return new OperationStatus(
          t.id(),
          t.action(),
          OperationStatus.RUNNING,
          cluster.map(Cluster::id).orElse(null),
          op.map(Operation::id).orElse(null),
          op.map(o -> o.state().name()).orElse(null),
          t.createdAt(),
          0,
          null,
          null);
    }
    try {
      Object result = t.future().join();
      Optional<Operation> op =
          result instanceof Operation o ? Optional.of(o) : lastOperation(locate(t));
      return new OperationStatus(
          t.id(),
          t.action(),
          OperationStatus.SUCCEEDED,
          clusterId(result, t),
          op.map(Operation::id).orElse(null),
          op.map(o -> o.state().name()).orElse(null),
          t.createdAt(),
          0,
          null,
          t.view(result));
    } catch (CompletionException e) {
      Throwable cause = e.getCause();
      ApiError error =
          ErrorMapper.map(
              cause instanceof LifecycleException le ? new ActionException(t.action(), le) : cause);
      Optional<Cluster> cluster = locate(t);
      Optional<Operation> op =
          cause instanceof OperationFailedException f
              ? Optional.of(f.operation())
              : lastOperation(cluster);
      return new OperationStatus(
          t.id(),
          t.action(),
          OperationStatus.FAILED,
          op.map(Operation::clusterId).or(() -> cluster.map(Cluster::id)).orElse(null),
          op.map(Operation::id).orElse(null),
          op.map(o -> o.state().name()).orElse(null),
          t.createdAt(),
          error.status().value(),
          error.body(),
          null);
    }
  }

  private String clusterId(Object result, Tracked t) {
    if (result instanceof Operation o) {
      return o.clusterId();
    }
    if (result instanceof Cluster c) {
      return c.id();
    }
    return locate(t).map(Cluster::id).orElse(null);
  }

  private Optional<Operation> lastOperation(Optional<Cluster> cluster) {
    return cluster.flatMap(
        c -> {
          List<Operation> ops = lifecycle.operations(c.id());
          return ops.isEmpty() ? Optional.empty() : Optional.of(ops.get(ops.size() - 1));
        });
  }

  private static Optional<Cluster> locate(Tracked t) {
    try {
      return t.locator().get();
    } catch (LifecycleException e) {
      return Optional.empty();
    }
  }

  /** Drops the oldest ended operations beyond {@link #MAX_KEPT}. Holds the lock. */
  private void evict() {
    Iterator<Tracked> it = tracked.values().iterator();
    while (tracked.size() > MAX_KEPT && it.hasNext()) {
      if (it.next().future().isDone()) {
        it.remove();
      }
    }
  }

  /** An accepted operation; its view is computed once, when first polled after its end. */
  private static final class Tracked {
    private final String id;
    private final String action;
    private final Instant createdAt;
    private final CompletableFuture<Object> future;
    private final Function<Object, Object> view;
    private final Supplier<Optional<Cluster>> locator;
    private Object viewed;

    Tracked(
        String id,
        String action,
        Instant createdAt,
        CompletableFuture<Object> future,
        Function<Object, Object> view,
        Supplier<Optional<Cluster>> locator) {
      this.id = id;
      this.action = action;
      this.createdAt = createdAt;
      this.future = future;
      this.view = view;
      this.locator = locator;
    }

    String id() {
      return id;
    }

    String action() {
      return action;
    }

    Instant createdAt() {
      return createdAt;
    }

    CompletableFuture<Object> future() {
      return future;
    }

    Supplier<Optional<Cluster>> locator() {
      return locator;
    }

    /** The view of the result; null when it cannot be read any more (a release deleted since). */
    synchronized Object view(Object result) {
      if (viewed == null) {
        try {
          viewed = view.apply(result);
        } catch (LifecycleException e) {
          LOG.debug("operation {}: no view of its result: {}", id, e.getMessage());
          return null;
        }
      }
      return viewed;
    }
  }
}

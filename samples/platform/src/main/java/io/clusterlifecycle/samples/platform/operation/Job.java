package io.clusterlifecycle.samples.platform.operation;

import io.clusterlifecycle.api.model.Cluster;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;

/**
 * One action of the platform run on the library: how to check and start it for a timeout, how to
 * find its cluster while it runs, and what to answer when it succeeded.
 *
 * @param action what it does, as in "failed to <i>install release</i>"
 * @param call the checked, startable call for the timeout the request asked for
 * @param locator the cluster it works on, when it exists
 * @param view the body to answer with once it succeeded
 * @param status the status to answer a synchronous request with once it succeeded
 * @param <T> what the library call completes with
 */
public record Job<T>(
    String action,
    Function<Duration, Call<T>> call,
    Supplier<Optional<Cluster>> locator,
    Function<T, Object> view,
    HttpStatus status) {

  /** Checks every part is present. */
  public Job {
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(call, "call");
    Objects.requireNonNull(locator, "locator");
    Objects.requireNonNull(view, "view");
    Objects.requireNonNull(status, "status");
  }

  /**
   * A library call, checked before an asynchronous request is accepted.
   *
   * @param <T> what it completes with
   */
  public interface Call<T> {

    /**
     * Checks the call as starting it would, changing nothing.
     *
     * @throws io.clusterlifecycle.api.error.LifecycleException (a subclass) for bad input, an
     *     unknown cluster or a state that refuses it
     */
    void check();

    /**
     * Starts it.
     *
     * @return completes with the call's result, or exceptionally with the library's exception
     */
    CompletableFuture<T> start();
  }
}

package io.clusterlifecycle.samples.platform.operation;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.samples.platform.web.ActionException;
import io.clusterlifecycle.samples.platform.web.Requests;
import java.net.URI;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Runs a {@link Job} as a request asks: waiting for its end and answering with its result, or
 * answering 202 with an operation id to poll. A library failure is rethrown as an {@link
 * ActionException} naming the action.
 */
@Component
public class OperationRunner {

  /** Where asynchronous operations are polled. */
  public static final String OPERATIONS_PATH = "/api/v1/operations/";

  private final Lifecycle lifecycle;
  private final OperationTracker tracker;

  /**
   * Creates the runner.
   *
   * @param lifecycle the library
   * @param tracker where asynchronous operations are kept for polling
   */
  public OperationRunner(Lifecycle lifecycle, OperationTracker tracker) {
    this.lifecycle = lifecycle;
    this.tracker = tracker;
  }

  /**
   * A call that submits a library request; checking it is the library's dry-run.
   *
   * @param request the request
   * @return the call
   */
  public Job.Call<Operation> submitting(OperationRequest request) {
    return new Job.Call<>() {
      @Override
      public void check() {
        lifecycle.plan(request);
      }

      @Override
      public CompletableFuture<Operation> start() {
        return lifecycle.submit(request);
      }
    };
  }

  /**
   * A job that submits a request on a cluster that exists, and finds it by its id while it runs.
   *
   * @param action what it does, for "failed to ..."
   * @param clusterId the cluster's id
   * @param request the request for the timeout the caller asked for; a constructor's refusal is bad
   *     input
   * @param view the body to answer with once it succeeded
   * @param status the status of that answer
   * @return the job
   */
  public Job<Operation> onCluster(
      String action,
      String clusterId,
      Function<Duration, OperationRequest> request,
      Function<Operation, Object> view,
      HttpStatus status) {
    return new Job<>(
        action,
        d -> submitting(Requests.build("request", () -> request.apply(d))),
        () -> Optional.of(lifecycle.get(clusterId)),
        view,
        status);
  }

  /**
   * Runs a job.
   *
   * @param job what to run
   * @param options the request's {@code async} and {@code timeoutSec}
   * @param <T> what the library call completes with
   * @return the job's view with its status, or 202 with an {@link Accepted}
   * @throws ActionException when the call fails (synchronously), or when the check fails or the
   *     deadline has already passed (both)
   */
  public <T> ResponseEntity<Object> run(Job<T> job, OperationOptions options) {
    if (options.expired()) {
      throw new ActionException(
          job.action(),
          new LifecycleTimeoutException(
              "timeoutSec " + options.timeoutSec() + " is negative: the deadline has passed"));
    }
    Duration timeout = options.timeout();
    String id;
    try {
      Job.Call<T> call = job.call().apply(timeout);
      if (!options.async()) {
        T result = Lifecycle.await(call.start());
        return ResponseEntity.status(job.status()).body(job.view().apply(result));
      }
      call.check();
      id = tracker.track(job.action(), call.start(), job.view(), job.locator());
    } catch (LifecycleException e) {
      throw new ActionException(job.action(), e);
    }
    String href = OPERATIONS_PATH + id;
    return ResponseEntity.status(HttpStatus.ACCEPTED)
        .location(URI.create(href))
        .body(new Accepted(id, job.action(), OperationStatus.RUNNING, href));
  }
}

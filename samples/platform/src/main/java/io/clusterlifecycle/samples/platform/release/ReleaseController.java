package io.clusterlifecycle.samples.platform.release;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Reconfigure;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.samples.platform.operation.Job;
import io.clusterlifecycle.samples.platform.operation.OperationOptions;
import io.clusterlifecycle.samples.platform.operation.OperationRunner;
import io.clusterlifecycle.samples.platform.spec.ChartCatalog;
import io.clusterlifecycle.samples.platform.web.ActionException;
import io.clusterlifecycle.samples.platform.web.Requests;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;
import java.util.function.Supplier;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The release manager's API ({@code /api/v1/release}) on the library: a release is a cluster named
 * in a namespace, installed from a chart (an app spec) of a configured repository.
 *
 * <p>Operations take {@code async} (answer 202 with an operation id to poll at {@code GET
 * /api/v1/operations/{id}}) and {@code timeoutSec} (0: 60 s; negative: the deadline has passed and
 * nothing starts). A timed-out operation answers 504 with {@code failed to <action>: Timeout
 * reached} and stays resumable: {@code recover} resumes it.
 */
@RestController
@RequestMapping("/api/v1/release")
public class ReleaseController {

  private final Lifecycle lifecycle;
  private final Releases releases;
  private final ChartCatalog charts;
  private final OperationRunner runner;

  /**
   * Creates the controller.
   *
   * @param lifecycle the library
   * @param releases finds releases
   * @param charts finds charts
   * @param runner runs operations
   */
  public ReleaseController(
      Lifecycle lifecycle, Releases releases, ChartCatalog charts, OperationRunner runner) {
    this.lifecycle = lifecycle;
    this.releases = releases;
    this.charts = charts;
    this.runner = runner;
  }

  /**
   * Lists the releases of every namespace.
   *
   * @param labelselector {@code k1=v1,k2=v2}: only releases with these labels
   * @return the releases, oldest first
   */
  @GetMapping
  public List<ReleaseView> listAll(@RequestParam(required = false) String labelselector) {
    return releases.list(Optional.empty(), labelselector).stream().map(ReleaseView::of).toList();
  }

  /**
   * Lists the releases of a namespace.
   *
   * @param namespace the namespace
   * @param labelselector {@code k1=v1,k2=v2}: only releases with these labels
   * @return the releases, oldest first
   */
  @GetMapping("/{namespace}")
  public List<ReleaseView> list(
      @PathVariable String namespace, @RequestParam(required = false) String labelselector) {
    return releases.list(Optional.of(namespace), labelselector).stream()
        .map(ReleaseView::of)
        .toList();
  }

  /**
   * Reads a release.
   *
   * @param namespace its namespace
   * @param release its name
   * @return the release; 404 if there is none
   */
  @GetMapping("/{namespace}/name/{release}")
  public ReleaseView get(@PathVariable String namespace, @PathVariable String release) {
    return ReleaseView.of(releases.get(namespace, release));
  }

  /**
   * Installs a release from a chart: creates the cluster.
   *
   * @param namespace the namespace
   * @param body the release request; {@code name} and {@code chartName} required
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 201 with the release, or 202
   */
  @PostMapping("/{namespace}")
  public ResponseEntity<Object> install(
      @PathVariable String namespace,
      @Valid @RequestBody ReleaseRequest body,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    String action = "install release";
    AppSpec spec =
        inAction(
            action,
            () -> {
              if (!body.namesChart()) {
                throw new ValidationException(
                    "release request",
                    List.of(ValidationProblem.of("chartName", "is required to install")));
              }
              return charts.find(body.repoName(), body.chartName(), body.chartVersion());
            });
    Function<Duration, OperationRequest> request =
        d ->
            Requests.build(
                "release request",
                () ->
                    new CreateCluster(
                        spec,
                        body.name(),
                        namespace,
                        Map.of(),
                        body.releaseLabels(),
                        Map.of(),
                        Optional.of(d),
                        body.configValues(),
                        body.params(),
                        body.dependencies(),
                        body.plugins().stream().map(PluginSpec::toRef).toList()));
    return runner.run(
        new Job<>(
            action,
            d -> runner.submitting(request.apply(d)),
            () -> releases.find(namespace, body.name()),
            this::releaseOf,
            HttpStatus.CREATED),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Upgrades a release: to another chart version with its settings changed ({@code Upgrade}), or,
   * when no other version is named, changes its settings only ({@code Reconfigure}). Labels,
   * dependencies and plugins the request does not name are kept.
   *
   * @param namespace the namespace
   * @param body the release request; {@code name} required
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with the release, or 202
   */
  @PutMapping("/{namespace}")
  public ResponseEntity<Object> upgrade(
      @PathVariable String namespace,
      @Valid @RequestBody ReleaseRequest body,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    String action = "upgrade release";
    Cluster c = releases.get(namespace, body.name());
    Optional<AppSpec> target =
        inAction(
            action,
            () ->
                body.namesChart()
                    ? Optional.of(
                            charts.find(body.repoName(), body.chartName(), body.chartVersion()))
                        .filter(s -> !s.version().equals(c.spec().version()))
                    : Optional.empty());
    Function<Duration, OperationRequest> request =
        d ->
            Requests.build(
                "release request",
                () ->
                    target.isPresent()
                        ? Upgrade.of(c.id(), target.get()).withTimeout(d).withChanges(body.change())
                        : Reconfigure.of(c.id(), body.change()).withTimeout(d));
    return runner.run(
        runner.onCluster(action, c.id(), request, this::releaseOf, HttpStatus.OK),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Pauses a release: stops its instances, keeping their volumes and addresses.
   *
   * @param namespace its namespace
   * @param release its name
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with the release, or 202
   */
  @PostMapping("/{namespace}/name/{release}/pause")
  public ResponseEntity<Object> pause(
      @PathVariable String namespace,
      @PathVariable String release,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    Cluster c = releases.get(namespace, release);
    return runner.run(
        runner.onCluster(
            "pause release",
            c.id(),
            d -> StopCluster.of(c.id()).withTimeout(d),
            this::releaseOf,
            HttpStatus.OK),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Recovers a release: starts a paused one; resumes one whose operation failed or timed out (the
   * library's recover, from the operation's first unfinished step).
   *
   * @param namespace its namespace
   * @param release its name
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with the release, or 202; 409 for a release running normally
   */
  @PostMapping("/{namespace}/name/{release}/recover")
  public ResponseEntity<Object> recover(
      @PathVariable String namespace,
      @PathVariable String release,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    String action = "recover release";
    Cluster c = releases.get(namespace, release);
    OperationOptions options = new OperationOptions(async, timeoutSec);
    if (c.state().isFailed() || c.operation().isPresent()) {
      return runner.run(
          new Job<Cluster>(
              action,
              d -> resuming(c.id(), d),
              () -> releases.find(namespace, release),
              ReleaseView::of,
              HttpStatus.OK),
          options);
    }
    return runner.run(
        runner.onCluster(
            action,
            c.id(),
            d -> StartCluster.of(c.id()).withTimeout(d),
            this::releaseOf,
            HttpStatus.OK),
        options);
  }

  /**
   * Restarts a release's instances.
   *
   * @param namespace its namespace
   * @param release its name
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with the release, or 202; 409 while it is busy
   */
  @PostMapping("/{namespace}/name/{release}/restart")
  public ResponseEntity<Object> restart(
      @PathVariable String namespace,
      @PathVariable String release,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    Cluster c = releases.get(namespace, release);
    return runner.run(
        runner.onCluster(
            "restart release",
            c.id(),
            d -> RestartCluster.of(c.id()).withTimeout(d),
            this::releaseOf,
            HttpStatus.OK),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Deletes a release.
   *
   * @param namespace its namespace
   * @param release its name
   * @param deletePvcs delete the instances' volumes (default); false keeps them
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with what was deleted and the volumes kept, or 202
   */
  @DeleteMapping("/{namespace}/name/{release}")
  public ResponseEntity<Object> delete(
      @PathVariable String namespace,
      @PathVariable String release,
      @RequestParam(defaultValue = "true") boolean deletePvcs,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    Cluster c = releases.get(namespace, release);
    return runner.run(
        runner.onCluster(
            "delete release",
            c.id(),
            d -> new DeleteCluster(c.id(), false, !deletePvcs, Optional.of(d)),
            op -> new DeletedView(c.name(), c.namespace(), c.id(), op.id(), op.keptVolumes()),
            HttpStatus.OK),
        new OperationOptions(async, timeoutSec));
  }

  private Job.Call<Cluster> resuming(String clusterId, Duration timeout) {
    return new Job.Call<>() {
      @Override
      public void check() {
        lifecycle.get(clusterId);
      }

      @Override
      public CompletableFuture<Cluster> start() {
        return lifecycle.recoverAsync(clusterId, timeout);
      }
    };
  }

  private Object releaseOf(Operation op) {
    return ReleaseView.of(lifecycle.get(op.clusterId()));
  }

  private static <T> T inAction(String action, Supplier<T> work) {
    try {
      return work.get();
    } catch (LifecycleException e) {
      throw new ActionException(action, e);
    }
  }
}

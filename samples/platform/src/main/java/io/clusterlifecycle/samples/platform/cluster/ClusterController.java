package io.clusterlifecycle.samples.platform.cluster;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ClusterQuery;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Promote;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.samples.platform.operation.Job;
import io.clusterlifecycle.samples.platform.operation.OperationOptions;
import io.clusterlifecycle.samples.platform.operation.OperationRunner;
import io.clusterlifecycle.samples.platform.web.Requests;
import jakarta.validation.Valid;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * The DBaaS cluster API ({@code /api/v1/clusters}) on the library: list, drop and add instances,
 * promote, restart, back up and restore. A cluster is addressed by its id (or its name when that is
 * unique). Operations take {@code async} and {@code timeoutSec} as the release API does.
 */
@RestController
@RequestMapping("/api/v1")
public class ClusterController {

  private final Lifecycle lifecycle;
  private final OperationRunner runner;

  /**
   * Creates the controller.
   *
   * @param lifecycle the library
   * @param runner runs operations
   */
  public ClusterController(Lifecycle lifecycle, OperationRunner runner) {
    this.lifecycle = lifecycle;
    this.runner = runner;
  }

  /**
   * Lists the clusters not deleted.
   *
   * @param detailed false: their ids only; true: each cluster with its instances
   * @return the ids ({@code List<String>}) or the clusters ({@code List<ClusterView>}), oldest
   *     first
   */
  @GetMapping("/clusters")
  public List<?> list(@RequestParam(defaultValue = "false") boolean detailed) {
    List<Cluster> all =
        lifecycle.list(ClusterQuery.all()).stream()
            .filter(c -> c.state() != ClusterState.DONE)
            .toList();
    return detailed
        ? all.stream().map(ClusterView::of).toList()
        : all.stream().map(Cluster::id).toList();
  }

  /**
   * Reads a cluster.
   *
   * @param cluster its id or name
   * @return the cluster; 404 if there is none
   */
  @GetMapping("/clusters/{cluster}")
  public ClusterView get(@PathVariable String cluster) {
    return ClusterView.of(lifecycle.get(cluster));
  }

  /**
   * Adds instances to a role.
   *
   * @param cluster the cluster's id or name
   * @param body the role and how many
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with the cluster, or 202
   */
  @PostMapping("/clusters/{cluster}/instances")
  public ResponseEntity<Object> addInstances(
      @PathVariable String cluster,
      @Valid @RequestBody AddInstancesRequest body,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    Cluster c = lifecycle.get(cluster);
    return runner.run(
        runner.onCluster(
            "add instance",
            c.id(),
            d -> AddNodes.of(c.id(), body.role(), body.count()).withTimeout(d),
            this::clusterOf,
            HttpStatus.OK),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Drops an instance.
   *
   * @param cluster the cluster's id or name
   * @param instance the node id
   * @param force go on when its destroy guard or stop fails
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with the cluster, or 202; 400 below the role's minimum
   */
  @DeleteMapping("/clusters/{cluster}/instances/{instance}")
  public ResponseEntity<Object> dropInstance(
      @PathVariable String cluster,
      @PathVariable String instance,
      @RequestParam(defaultValue = "false") boolean force,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    Cluster c = lifecycle.get(cluster);
    if (c.node(instance).isEmpty()) {
      throw new NotFoundException("cluster " + c.id() + " has no instance " + instance);
    }
    return runner.run(
        runner.onCluster(
            "drop instance",
            c.id(),
            d -> {
              DeleteNodes request = DeleteNodes.of(c.id(), instance).withTimeout(d);
              return force ? request.forced() : request;
            },
            this::clusterOf,
            HttpStatus.OK),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Promotes an instance to its role's primary.
   *
   * @param cluster the cluster's id or name
   * @param body the instance and whether to switch over
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with the cluster, or 202; 409 when a running primary is not switched over
   */
  @PostMapping("/clusters/{cluster}/promote")
  public ResponseEntity<Object> promote(
      @PathVariable String cluster,
      @Valid @RequestBody PromoteRequest body,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    Cluster c = lifecycle.get(cluster);
    return runner.run(
        runner.onCluster(
            "promote instance",
            c.id(),
            d -> {
              Promote request = Promote.of(c.id(), body.instance()).withTimeout(d);
              return body.switchover() ? request.asSwitchover() : request;
            },
            this::clusterOf,
            HttpStatus.OK),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Restarts every instance.
   *
   * @param cluster the cluster's id or name
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 200 with the cluster, or 202; 409 while it is busy
   */
  @PostMapping("/clusters/{cluster}/restart")
  public ResponseEntity<Object> restart(
      @PathVariable String cluster,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    Cluster c = lifecycle.get(cluster);
    return runner.run(
        runner.onCluster(
            "restart cluster",
            c.id(),
            d -> RestartCluster.of(c.id()).withTimeout(d),
            this::clusterOf,
            HttpStatus.OK),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Backs a cluster up: runs its roles' {@code backup} on every running instance.
   *
   * @param cluster the cluster's id or name
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 201 with the backup, or 202
   */
  @PostMapping("/clusters/{cluster}/backups")
  public ResponseEntity<Object> backup(
      @PathVariable String cluster,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    Cluster c = lifecycle.get(cluster);
    return runner.run(
        runner.onCluster(
            "back up cluster",
            c.id(),
            d -> BackupCluster.of(c.id()).withTimeout(d),
            this::backupOf,
            HttpStatus.CREATED),
        new OperationOptions(async, timeoutSec));
  }

  /**
   * Lists a cluster's backups.
   *
   * @param cluster the cluster's id or name
   * @return its backups, oldest first
   */
  @GetMapping("/clusters/{cluster}/backups")
  public List<BackupView> backups(@PathVariable String cluster) {
    return lifecycle.backups(cluster).stream().map(BackupView::of).toList();
  }

  /**
   * Restores a backup into a new cluster with the backup's spec and instance counts.
   *
   * @param backupId the backup
   * @param body the new cluster's name, namespace and labels
   * @param async answer 202 at once
   * @param timeoutSec the deadline
   * @return 201 with the new cluster, or 202; 404 for an unknown backup
   */
  @PostMapping("/backups/{backupId}/restore")
  public ResponseEntity<Object> restore(
      @PathVariable String backupId,
      @Valid @RequestBody RestoreRequest body,
      @RequestParam(defaultValue = "false") boolean async,
      @RequestParam(defaultValue = "0") long timeoutSec) {
    if (lifecycle.backup(backupId).isEmpty()) {
      throw new NotFoundException("no backup " + backupId);
    }
    Function<Duration, OperationRequest> request =
        d ->
            Requests.build(
                "restore request",
                () ->
                    new RestoreCluster(
                        backupId,
                        body.name(),
                        body.namespace(),
                        java.util.Map.of(),
                        body.labels(),
                        Optional.of(d)));
    return runner.run(
        new Job<>(
            "restore cluster",
            d -> runner.submitting(request.apply(d)),
            () ->
                lifecycle.list(ClusterQuery.all().inNamespace(body.namespace())).stream()
                    .filter(c -> c.name().equals(body.name()) && c.state() != ClusterState.DONE)
                    .findFirst(),
            this::clusterOf,
            HttpStatus.CREATED),
        new OperationOptions(async, timeoutSec));
  }

  private Object clusterOf(Operation op) {
    return ClusterView.of(lifecycle.get(op.clusterId()));
  }

  /** The backup a backup operation recorded, found as {@link Lifecycle#backup} finds it. */
  private Object backupOf(Operation op) {
    return op.plan()
        .steps()
        .filter(ServiceStep.class::isInstance)
        .map(s -> ((ServiceStep) s).env().get(CommandRequest.LC_BACKUP_ID))
        .filter(Objects::nonNull)
        .findFirst()
        .flatMap(lifecycle::backup)
        .map(BackupView::of)
        .orElseThrow(
            () -> new NotFoundException("backup operation " + op.id() + " recorded no backup"));
  }
}

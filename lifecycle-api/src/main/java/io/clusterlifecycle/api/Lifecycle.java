package io.clusterlifecycle.api;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ClusterQuery;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.api.spi.CommandRequest;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/**
 * The entry point: runs operations on clusters and answers queries about them. Get one from the
 * engine's builder in {@code lifecycle-core}.
 *
 * <p>Every operation has an asynchronous form ({@link #submit}) and a blocking form ({@link
 * #execute} and the named conveniences). Requests are validated before anything changes; bad input
 * fails with {@link ValidationException}, an unknown cluster, role or node with {@link
 * NotFoundException}, a busy cluster with {@link ConflictException}, an operation not allowed in
 * the cluster's state with {@link IllegalStateTransitionException}, and an operation that ran and
 * failed with {@link OperationFailedException}. Thread-safe.
 */
public interface Lifecycle extends AutoCloseable {

  /**
   * Validates a request, plans it, and runs it in the background.
   *
   * @param request the operation
   * @return completes with the operation's final record when it succeeded; completes exceptionally
   *     with one of the exceptions named above otherwise
   */
  CompletableFuture<Operation> submit(OperationRequest request);

  /**
   * Validates and plans a request without running it (dry-run).
   *
   * @param request the operation
   * @return the plan it would run
   */
  Plan plan(OperationRequest request);

  /**
   * Lists clusters.
   *
   * @param query which clusters
   * @return the matching clusters, oldest first
   */
  List<Cluster> list(ClusterQuery query);

  /**
   * Reads one cluster.
   *
   * @param cluster the cluster's id, or its name when that is unique among clusters not DONE
   * @return the cluster with its nodes
   * @throws NotFoundException if there is no such cluster
   */
  Cluster get(String cluster);

  /**
   * Reads one operation.
   *
   * @param operationId the operation id
   * @return the operation, or empty
   */
  Optional<Operation> operation(String operationId);

  /**
   * Reads an operation's journal: what its steps did and when (docs/design.md §5.8).
   *
   * @param operationId the operation id
   * @return its entries in the order they were written; empty for an operation that ran no step or
   *     is unknown
   */
  List<io.clusterlifecycle.api.spi.JournalEntry> journal(String operationId);

  /**
   * Reads what an operation did over time, off its record and its journal, to draw as a Gantt
   * chart.
   *
   * @param operationId the operation id
   * @return the timeline
   * @throws io.clusterlifecycle.api.error.NotFoundException if there is no such operation
   */
  default io.clusterlifecycle.api.timeline.Timeline timeline(String operationId) {
    Operation op =
        operation(operationId)
            .orElseThrow(
                () ->
                    new io.clusterlifecycle.api.error.NotFoundException(
                        "no operation " + operationId));
    return io.clusterlifecycle.api.timeline.Timeline.of(op, journal(operationId));
  }

  /**
   * Compares a cluster's record with what its resource provider lists for it (docs/design.md §7.9):
   * nodes whose resource is gone, resources tagged with the cluster that the record does not know,
   * nodes whose running state or address differ. Reads only; changes nothing.
   *
   * @param cluster the cluster's id or name
   * @return the differences found
   * @throws io.clusterlifecycle.api.error.NotFoundException if there is no such cluster
   */
  io.clusterlifecycle.api.model.Drift reconcile(String cluster);

  /**
   * Reads events from the store's event log (docs/design.md §8.3): what this engine and every other
   * engine or process sharing the store kept for the query's clusters, by increasing number. Events
   * are written behind the operations they describe: an event is in the log moments after the
   * listeners had it, and an engine that stops abruptly may lose its last ones.
   *
   * @param query which events: cluster id, operation id, position and limit
   * @return the events, by increasing number; empty when there are none
   * @throws NullPointerException if {@code query} is null
   */
  List<io.clusterlifecycle.api.event.LifecycleEvent> events(
      io.clusterlifecycle.api.event.EventQuery query);

  /**
   * Follows the store's event log (docs/design.md §8.3). Each subscriber receives the events the
   * query selects whose number is greater than {@link
   * io.clusterlifecycle.api.event.EventQuery#afterSeq()}, by increasing number, as many as it
   * requests, as they are kept: by this engine, found at once, or by other engines and processes
   * sharing the store, found at the next poll. It misses none: a subscriber that stops and
   * subscribes again after the last number it saw, in this process or after a restart, goes on
   * where it stopped. Signals to one subscriber never overlap; they run on the engine's executor.
   * Closing the engine completes every subscription.
   *
   * @param query which events, and the position to follow them from; its limit bounds one read
   * @return a publisher; each subscription follows the log on its own
   * @throws NullPointerException if {@code query} is null
   */
  java.util.concurrent.Flow.Publisher<io.clusterlifecycle.api.event.LifecycleEvent> subscribe(
      io.clusterlifecycle.api.event.EventQuery query);

  /**
   * Reads the operations run on a cluster.
   *
   * @param cluster the cluster's id or name
   * @return the operations, oldest first
   */
  List<Operation> operations(String cluster);

  /**
   * Runs a request and waits for it.
   *
   * @param request the operation
   * @return the operation's final record
   * @throws LifecycleException (a subclass) as described for this interface
   */
  default Operation execute(OperationRequest request) {
    return await(submit(request));
  }

  /**
   * Creates a cluster and waits for it (docs/design.md §6.1).
   *
   * @param request what to create
   * @return the running cluster
   */
  default Cluster create(CreateCluster request) {
    return get(execute(request).clusterId());
  }

  /**
   * Deletes a cluster and waits for it (docs/design.md §6.2).
   *
   * @param request what to delete
   * @return the finished operation, listing kept volumes
   */
  default Operation delete(DeleteCluster request) {
    return execute(request);
  }

  /**
   * Adds nodes and waits for them (docs/design.md §6.3).
   *
   * @param request where and how many
   * @return the cluster with its new nodes
   */
  default Cluster addNodes(AddNodes request) {
    return get(execute(request).clusterId());
  }

  /**
   * Deletes nodes and waits for it (docs/design.md §6.4).
   *
   * @param request which nodes
   * @return the cluster without them
   */
  default Cluster deleteNodes(DeleteNodes request) {
    return get(execute(request).clusterId());
  }

  /**
   * Backs a cluster up and waits for it (docs/design.md §6.10).
   *
   * @param request which cluster
   * @return the recorded backup
   */
  default Backup backup(BackupCluster request) {
    Operation op = execute(request);
    return op.plan()
        .steps()
        .filter(ServiceStep.class::isInstance)
        .map(s -> ((ServiceStep) s).env().get(CommandRequest.LC_BACKUP_ID))
        .filter(java.util.Objects::nonNull)
        .findFirst()
        .flatMap(this::backup)
        .orElseThrow(
            () -> new NotFoundException("backup operation " + op.id() + " recorded no backup"));
  }

  /**
   * Restores a backup into a new cluster and waits for it (docs/design.md §6.10).
   *
   * @param request which backup, and the new cluster's name
   * @return the new, running cluster
   */
  default Cluster restore(RestoreCluster request) {
    return get(execute(request).clusterId());
  }

  /**
   * Looks a backup up.
   *
   * @param backupId the backup id
   * @return the backup, or empty when there is none with this id
   */
  Optional<Backup> backup(String backupId);

  /**
   * Lists a cluster's backups.
   *
   * @param cluster the cluster's id or name
   * @return its backups, oldest first
   * @throws NotFoundException if there is no such cluster
   */
  List<Backup> backups(String cluster);

  /**
   * Finishes what an interrupted or failed operation left (docs/design.md §6.12): resumes a failed
   * create, scaling, update or delete from its first unfinished step (deleting and re-creating
   * nodes whose creation failed), takes over an operation whose engine is gone (its lease lapsed),
   * and ends a cooldown. A cluster with nothing to recover is returned as it is.
   *
   * @param cluster the cluster's id or name
   * @param timeout how long the resumed operation may take
   * @return completes with the cluster once recovered; exceptionally as {@link #submit} does, or
   *     with {@link ConflictException} while another live engine owns the operation
   */
  CompletableFuture<Cluster> recoverAsync(String cluster, java.time.Duration timeout);

  /**
   * Recovers a cluster and waits for it; see {@link #recoverAsync}.
   *
   * @param cluster the cluster's id or name
   * @param timeout how long the resumed operation may take
   * @return the recovered cluster
   */
  default Cluster recover(String cluster, java.time.Duration timeout) {
    return await(recoverAsync(cluster, timeout));
  }

  /**
   * Checks the health of an idle running cluster's nodes and moves it between {@code RUNNING} and
   * {@code WARNING} (docs/design.md §3.6). Each running node is asked of the resource provider (an
   * instance that is gone or not running is a problem) and, when its role defines a {@code health}
   * service, that service runs on it (an exit other than 0, a timeout or a command that cannot run
   * is a problem). The problems are kept on the nodes ({@code Node.problem()}); the cluster is
   * {@code WARNING} while a node has one or its scripts reported it blocked, {@code RUNNING}
   * otherwise. Changes are announced with {@code NODE_HEALTH} and {@code STATE_CHANGED} events. A
   * cluster in another state, or one an operation claims meanwhile, is returned unchanged: the
   * check is a read-only probe that never competes with operations and leaves no journal.
   *
   * @param cluster the cluster's id or name
   * @return completes with the cluster's record after the check; exceptionally with {@code
   *     NotFoundException} for an unknown cluster
   */
  CompletableFuture<Cluster> checkHealthAsync(String cluster);

  /**
   * Checks a cluster's health and waits for it; see {@link #checkHealthAsync}.
   *
   * @param cluster the cluster's id or name
   * @return the cluster's record after the check
   */
  default Cluster checkHealth(String cluster) {
    return await(checkHealthAsync(cluster));
  }

  /**
   * Cancels the operation under way on a cluster (docs/design.md §7.8). In the engine that runs it,
   * no step is launched from then on, the commands in flight are killed, the journal is written and
   * the operation ends CANCELLED, leaving the cluster in the operation's failure state: {@link
   * #recoverAsync recover} resumes it from its journal, {@link #skipFailedAsync skip-failed} gives
   * it up. An operation whose engine is gone (its lease lapsed) is ended by this engine, after the
   * commands it may have left running are fenced.
   *
   * @param cluster the cluster's id or name
   * @return completes with the operation once it has stopped: CANCELLED, or as it ended if it ended
   *     first; exceptionally with {@link io.clusterlifecycle.api.error.NotFoundException} for an
   *     unknown cluster, and with {@link ConflictException} when no operation is under way or
   *     another live engine runs it (cancel it there)
   */
  CompletableFuture<Operation> cancelAsync(String cluster);

  /**
   * Cancels the operation under way on a cluster and waits for it to stop; see {@link
   * #cancelAsync}.
   *
   * @param cluster the cluster's id or name
   * @return the operation, as it ended
   */
  default Operation cancel(String cluster) {
    return await(cancelAsync(cluster));
  }

  /**
   * Gives up a cluster's failed, cancelled or interrupted operation instead of resuming it
   * (docs/design.md §7.8): the commands it may have left running are fenced, the operation is
   * recorded CANCELLED, what it did is kept, and each node and the cluster are set to the state the
   * resource provider reports (running or stopped; a node without a resource leaves the record).
   * Services are not run. A cluster with no such operation is returned as it is.
   *
   * @param cluster the cluster's id or name
   * @param timeout how long to wait for the cluster to be free
   * @return completes with the cluster as recorded afterwards; exceptionally as {@link
   *     #recoverAsync} does
   */
  CompletableFuture<Cluster> skipFailedAsync(String cluster, java.time.Duration timeout);

  /**
   * Gives up a cluster's failed operation and waits; see {@link #skipFailedAsync}.
   *
   * @param cluster the cluster's id or name
   * @param timeout how long to wait for the cluster to be free
   * @return the cluster as recorded afterwards
   */
  default Cluster skipFailed(String cluster, java.time.Duration timeout) {
    return await(skipFailedAsync(cluster, timeout));
  }

  /**
   * Removes the records of every deleted (DONE) cluster.
   *
   * @return how many clusters were purged
   */
  int purgeDone();

  /** Stops accepting operations and releases the engine's resources. */
  @Override
  void close();

  /**
   * Waits for a future and rethrows a {@link LifecycleException} it failed with as itself.
   *
   * @param future the future
   * @param <T> its result type
   * @return its result
   */
  static <T> T await(CompletableFuture<T> future) {
    try {
      return future.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new LifecycleException("interrupted while waiting for an operation", e);
    } catch (ExecutionException | CompletionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof LifecycleException le) {
        throw le;
      }
      throw new LifecycleException(String.valueOf(cause), cause);
    } catch (CancellationException e) {
      throw new LifecycleException("the operation was cancelled", e);
    }
  }
}

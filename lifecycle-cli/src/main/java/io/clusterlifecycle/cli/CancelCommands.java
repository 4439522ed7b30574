package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.LifecycleTimeoutException;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Lease;
import io.clusterlifecycle.api.model.Operation;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/**
 * Cancelling from the command line (docs/design.md §7.8, §10.2): {@code lifecycle cancel CLUSTER},
 * and the signal handling that lets one process cancel what another runs.
 */
final class CancelCommands {
  /** How long a process that is asked to stop waits for its operation to record its end. */
  static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private static final Duration POLL = Duration.ofMillis(200);

  private CancelCommands() {}

  @Command(
      name = "cancel",
      description = {
        "Cancel the operation under way on a cluster: no more steps start, running commands are"
            + " killed, and the operation ends CANCELLED.",
        "The cluster is left in the operation's failure state: recover resumes the operation,"
            + " recover --skip-failed gives it up.",
        "When another lifecycle process on this machine runs the operation, it is asked to"
            + " cancel it (SIGTERM) and this command waits for it."
      })
  static final class Cancel extends ClusterCommands.Base {
    @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Override
    void checkAgainstEmptyHome(Session empty) {
      empty.engine.get(cluster);
    }

    @Override
    int run(Session session) {
      Operation op;
      try {
        op = session.engine.cancel(cluster);
      } catch (ConflictException e) {
        Optional<ProcessHandle> owner = localOwner(session.engine.get(cluster));
        if (owner.isEmpty()) {
          throw e;
        }
        err().println("asking process " + owner.get().pid() + " to cancel its operation");
        err().flush();
        op = stopOwner(session.engine, cluster, owner.get());
      }
      if (parent.json) {
        out()
            .println(
                ClusterView.JSON
                    .createObjectNode()
                    .put("operation_id", op.id())
                    .put("type", op.type().displayName())
                    .put("state", op.state().name()));
      } else {
        out()
            .println(
                op.type().displayName() + " " + op.id() + " " + op.state().name().toLowerCase());
        Cluster c = session.engine.get(op.clusterId());
        out().println("cluster " + c.name() + " is " + c.state());
      }
      return ExitCodes.OK;
    }

    private Operation stopOwner(Lifecycle engine, String ref, ProcessHandle owner) {
      Cluster c = engine.get(ref);
      String opId = c.operation().orElseThrow();
      owner.destroy();
      Duration wait = parent.timeout().orElse(STOP_GRACE.plusSeconds(30));
      Instant deadline = Instant.now().plus(wait);
      while (engine.get(c.id()).operation().filter(opId::equals).isPresent()) {
        if (Instant.now().isAfter(deadline)) {
          throw new LifecycleTimeoutException(
              "process "
                  + owner.pid()
                  + " did not record the end of operation "
                  + opId
                  + " within "
                  + wait.toSeconds()
                  + " s; once it has exited, run cancel or recover again");
        }
        pause();
      }
      return engine.operation(opId).orElseThrow();
    }
  }

  /**
   * The live process on this machine, other than this one, whose engine holds the cluster's lease.
   */
  static Optional<ProcessHandle> localOwner(Cluster c) {
    Optional<Lease> lease = c.lease();
    if (c.operation().isEmpty()
        || lease.isEmpty()
        || !lease.get().host().equals(hostName())
        || lease.get().pid() == ProcessHandle.current().pid()) {
      return Optional.empty();
    }
    return ProcessHandle.of(lease.get().pid()).filter(ProcessHandle::isAlive);
  }

  /**
   * Runs {@code work} (an operation on {@code clusterRef}) so that a SIGTERM or SIGINT of this
   * process cancels the operation first and waits, up to {@link #STOP_GRACE}, for its end to be
   * recorded: the cluster is then left recoverable, with no command of it still running.
   */
  static void cancelOnSignal(Lifecycle engine, String clusterRef, Runnable work) {
    Thread hook =
        new Thread(
            () -> {
              CompletableFuture<Operation> cancelled;
              try {
                cancelled = engine.cancelAsync(clusterRef);
              } catch (RuntimeException e) {
                return;
              }
              try {
                cancelled.get(STOP_GRACE.toMillis(), TimeUnit.MILLISECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              } catch (Exception e) {
                // nothing under way, or it ended another way: there is nothing left to stop
              }
            },
            "lifecycle-cancel-on-signal");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      work.run();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it cancels the operation
      }
    }
  }

  static String hostName() {
    String set = System.getenv(Session.ENGINE_HOST_ENV);
    if (set != null && !set.isBlank()) {
      return set;
    }
    try {
      return java.net.InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      return "localhost";
    }
  }

  private static void pause() {
    try {
      Thread.sleep(POLL.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for the operation to end", e);
    }
  }
}

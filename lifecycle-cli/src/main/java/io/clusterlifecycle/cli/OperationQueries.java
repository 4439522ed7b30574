package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.codec.RecordCodec;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The commands that read one operation: {@code operation} and {@code wait}. */
final class OperationQueries {
  private OperationQueries() {}

  /** How often {@code wait} reads the operation's record. */
  static final Duration POLL = Duration.ofMillis(200);

  @Command(
      name = "operation",
      description =
          "Show an operation: its type, cluster, state, times and error; with --json its whole"
              + " record, plan included.")
  static class Show extends ClusterCommands.Base {
    @Parameters(paramLabel = "OPERATION_ID", description = "The operation's id.")
    String operationId;

    @Override
    boolean changesTheHome() {
      return false;
    }

    Operation read(Session session) {
      return session
          .engine
          .operation(operationId)
          .orElseThrow(() -> new NotFoundException("no operation " + operationId));
    }

    @Override
    int run(Session session) {
      print(read(session));
      return ExitCodes.OK;
    }

    void print(Operation op) {
      if (parent.json) {
        out().println(RecordCodec.write(op));
      } else {
        out().print(text(op));
      }
      out().flush();
    }
  }

  @Command(
      name = "wait",
      description = {
        "Wait for an operation, run by this or any other process sharing the records, to end;"
            + " then show it as 'operation' does.",
        "Exits 0 when it succeeded, 1 when it failed or was cancelled, or when --timeout passed"
            + " first (it then goes on running)."
      })
  static final class Wait extends Show {
    @Override
    int run(Session session) {
      Optional<Duration> timeout = parent.timeout();
      Instant giveUp = timeout.map(t -> Instant.now().plus(t)).orElse(Instant.MAX);
      Operation op = read(session);
      while (!op.state().isFinal()) {
        if (!Instant.now().isBefore(giveUp)) {
          err()
              .println(
                  "lifecycle: "
                      + operationId
                      + " is still "
                      + op.state()
                      + " after "
                      + timeout.orElseThrow().toSeconds()
                      + " s; it goes on running");
          return ExitCodes.FAILED;
        }
        try {
          Thread.sleep(POLL.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return ExitCodes.FAILED;
        }
        op = read(session);
      }
      print(op);
      return op.state() == io.clusterlifecycle.api.state.OperationState.SUCCEEDED
          ? ExitCodes.OK
          : ExitCodes.FAILED;
    }
  }

  /** An operation as text: one {@code name: value} line per field that has a value. */
  static String text(Operation op) {
    StringBuilder b = new StringBuilder();
    b.append("operation: ").append(op.id()).append('\n');
    b.append("type: ").append(op.type().displayName()).append('\n');
    b.append("cluster: ")
        .append(op.plan().clusterName())
        .append(" (")
        .append(op.clusterId())
        .append(")\n");
    b.append("state: ").append(op.state()).append('\n');
    b.append("created: ").append(op.createdAt()).append('\n');
    op.endedAt()
        .ifPresent(
            t ->
                b.append("ended: ")
                    .append(t)
                    .append(" (")
                    .append(Duration.between(op.createdAt(), t).toMillis() / 1000.0)
                    .append(" s)\n"));
    b.append("plan: ")
        .append(op.plan().stages().size())
        .append(" stages, ")
        .append(op.plan().steps().count())
        .append(" steps\n");
    op.error().ifPresent(e -> b.append("error: ").append(e).append('\n'));
    op.warnings().forEach(w -> b.append("warning: ").append(w).append('\n'));
    op.keptVolumes().forEach(v -> b.append("kept volume: ").append(v).append('\n'));
    return b.toString();
  }
}

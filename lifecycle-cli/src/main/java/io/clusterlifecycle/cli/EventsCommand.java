package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.core.JsonLinesTrace;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** Prints the event log, and follows it. */
@Command(
    name = "events",
    description = {
      "Print the events kept in the store, oldest first: those of every process sharing it,"
          + " each with its number in the log.",
      "With --follow, go on printing new events as they are kept, until Ctrl-C; --after N"
          + " resumes after the event numbered N. --json prints one JSON object per line, in"
          + " the form of the trace file (docs/design.md §8.3)."
    })
final class EventsCommand extends ClusterCommands.Base {
  @Option(names = "--cluster", paramLabel = "CLUSTER", description = "Only this cluster's events.")
  String cluster;

  @Option(
      names = "--operation",
      paramLabel = "OPERATION_ID",
      description = "Only this operation's events.")
  String operation;

  @Option(
      names = "--after",
      paramLabel = "N",
      defaultValue = "0",
      description = "Only events numbered after N (default: ${DEFAULT-VALUE}, all).")
  long after;

  /** How often a follower of a home that does not exist yet looks for it. */
  static final long HOME_POLL_MILLIS = 200;

  @Option(
      names = "--follow",
      description =
          "Keep printing new events until Ctrl-C; on a home that does not exist yet, wait for it.")
  boolean follow;

  @Override
  boolean changesTheHome() {
    return false;
  }

  @Override
  void checkInput() {
    if (after < 0) {
      throw new ValidationException(
          "command line",
          List.of(ValidationProblem.of("--after", "must be 0 or more, was " + after)));
    }
  }

  @Override
  int run(Session session) {
    EventQuery query =
        new EventQuery(
            Optional.ofNullable(cluster).map(c -> clusterId(session, c)),
            Optional.ofNullable(operation),
            after,
            EventQuery.DEFAULT_LIMIT);
    if (!follow) {
      List<LifecycleEvent> page = session.engine.events(query);
      while (!page.isEmpty()) {
        page.forEach(this::print);
        page = session.engine.events(query.after(page.get(page.size() - 1).seq()));
      }
      out().flush();
      return ExitCodes.OK;
    }
    if (parent.homeMissing()) {
      return followOnceCreated(query);
    }
    return follow(session, query);
  }

  /**
   * Follows a home that does not exist yet: waits, creating nothing, until another process creates
   * it, then follows it from its first event.
   */
  private int followOnceCreated(EventQuery query) {
    err().println("the home does not exist yet; waiting for it to be created (Ctrl-C to stop)");
    err().flush();
    try {
      while (parent.homeMissing()) {
        Thread.sleep(HOME_POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ExitCodes.OK;
    }
    try (Session created = parent.openSession(b -> {})) {
      return follow(created, query);
    }
  }

  private int follow(Session session, EventQuery query) {
    CompletableFuture<Void> ended = new CompletableFuture<>();
    session.engine.subscribe(query).subscribe(new Printer(ended));
    try {
      ended.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (ExecutionException e) {
      throw new IllegalStateException("could not follow the events: " + e.getCause(), e);
    }
    return ExitCodes.OK;
  }

  /** The id of a cluster given by name or id; a cluster already purged is taken as an id. */
  private static String clusterId(Session session, String ref) {
    try {
      return session.engine.get(ref).id();
    } catch (NotFoundException e) {
      return ref;
    }
  }

  private void print(LifecycleEvent e) {
    if (parent.json) {
      out().println(JsonLinesTrace.line(e));
      return;
    }
    StringBuilder line = new StringBuilder();
    line.append(String.format("%6d  %s  %-19s", e.seq(), e.ts(), e.event()));
    e.cluster().ifPresent(v -> line.append(" cluster=").append(v));
    e.operation().ifPresent(v -> line.append(" op=").append(v));
    e.stage().ifPresent(v -> line.append(" stage=").append(v));
    e.node().ifPresent(v -> line.append(" node=").append(v));
    e.service().ifPresent(v -> line.append(" service=").append(v));
    e.exitCode().ifPresent(v -> line.append(" exit=").append(v));
    e.to().ifPresent(v -> line.append(" to=").append(v));
    e.message().ifPresent(v -> line.append("  ").append(v));
    out().println(line);
  }

  /** Prints each event as it comes, flushing at once, and asks for more. */
  private final class Printer implements Flow.Subscriber<LifecycleEvent> {
    private static final int BATCH = 256;
    private final CompletableFuture<Void> ended;
    private Flow.Subscription subscription;
    private int left;

    Printer(CompletableFuture<Void> ended) {
      this.ended = ended;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      left = BATCH;
      s.request(BATCH);
    }

    @Override
    public void onNext(LifecycleEvent item) {
      print(item);
      out().flush();
      if (--left == 0) {
        left = BATCH;
        subscription.request(BATCH);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      ended.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      ended.complete(null);
    }
  }
}

package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.event.EventQuery;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.ClusterQuery;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** A live view of the clusters and their running operations. */
@Command(
    name = "top",
    description = {
      "Show the clusters, their states and running operations with their current stage and"
          + " progress, the latest steps and the latest events, refreshed every few seconds until"
          + " Ctrl-C.",
      "Reads the records only, so it shows operations run by any process sharing them."
    })
final class TopCommand extends ClusterCommands.Base {
  /** Clears a terminal and puts the cursor at its top left. */
  static final String CLEAR = "\033[H\033[2J";

  /** How many of the latest events a frame shows. */
  static final int LATEST_EVENTS = 8;

  private final java.util.ArrayDeque<LifecycleEvent> recent = new java.util.ArrayDeque<>();
  private long cursor;

  @Option(
      names = "--every",
      paramLabel = "SEC",
      defaultValue = "2",
      description = "How often to refresh (default: ${DEFAULT-VALUE}).")
  long everySeconds;

  @Option(names = "--once", description = "Print one frame, without clearing the screen, and exit.")
  boolean once;

  @Override
  boolean changesTheHome() {
    return false;
  }

  @Override
  void checkInput() {
    if (everySeconds <= 0) {
      throw new ValidationException(
          "command line",
          List.of(
              ValidationProblem.of(
                  "--every", "must be a positive number of seconds, was " + everySeconds)));
    }
  }

  @Override
  int run(Session session) {
    while (true) {
      String frame = frame(session);
      out().print(once ? frame : CLEAR + frame);
      out().flush();
      if (once) {
        return ExitCodes.OK;
      }
      try {
        Thread.sleep(everySeconds * 1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return ExitCodes.OK;
      }
    }
  }

  private String frame(Session session) {
    List<Cluster> clusters =
        session.engine.list(ClusterQuery.all()).stream()
            .filter(c -> c.state() != io.clusterlifecycle.api.state.ClusterState.DONE)
            .toList();
    Map<String, TopView.Running> running = new LinkedHashMap<>();
    for (Cluster c : clusters) {
      c.operation()
          .flatMap(session.engine::operation)
          .ifPresent(
              op -> running.put(c.id(), new TopView.Running(op, session.engine.journal(op.id()))));
    }
    return TopView.frame(Instant.now(), everySeconds, clusters, running, latestEvents(session));
  }

  /** Reads the events kept since the last frame and returns the newest few, oldest first. */
  private List<LifecycleEvent> latestEvents(Session session) {
    List<LifecycleEvent> page;
    do {
      page = session.engine.events(EventQuery.all().after(cursor).limit(EventQuery.MAX_LIMIT));
      for (LifecycleEvent e : page) {
        recent.addLast(e);
        if (recent.size() > LATEST_EVENTS) {
          recent.removeFirst();
        }
        cursor = e.seq();
      }
    } while (page.size() == EventQuery.MAX_LIMIT);
    return List.copyOf(recent);
  }
}

package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.spi.JournalEntry;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One frame of {@code lifecycle top}: a row per cluster with its running operation's current stage
 * and progress, read off the operation's plan and journal, then the latest journal entries of the
 * running operations.
 */
final class TopView {
  static final int LATEST = 10;
  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("HH:mm:ss.SSS", Locale.ROOT).withZone(ZoneOffset.UTC);

  /** A running operation and its journal. */
  record Running(Operation operation, List<JournalEntry> journal) {}

  private TopView() {}

  /**
   * Renders a frame.
   *
   * @param clusters every cluster, as listed
   * @param running the running operations by cluster id
   * @param events the latest events of the event log, oldest first
   */
  static String frame(
      Instant now,
      long everySeconds,
      List<Cluster> clusters,
      Map<String, Running> running,
      List<LifecycleEvent> events) {
    StringBuilder b = new StringBuilder();
    b.append("lifecycle top - ")
        .append(now)
        .append(", every ")
        .append(everySeconds)
        .append(" s, Ctrl-C to stop\n\n");
    b.append(
        String.format(
            Locale.ROOT,
            "%-20s %-16s %5s  %-28s %-26s %s%n",
            "CLUSTER",
            "STATE",
            "NODES",
            "OPERATION",
            "STAGE",
            "PROGRESS"));
    for (Cluster c : clusters) {
      Running r = running.get(c.id());
      String op = "-";
      String stage = "";
      String progress = "";
      if (r != null) {
        op = r.operation().type().displayName() + " " + r.operation().id();
        Map<String, JournalEntry.Status> last = new HashMap<>();
        r.journal().forEach(e -> last.put(e.stepId(), e.status()));
        stage = current(r.operation(), last).map(Stage::name).orElse("");
        long total = r.operation().plan().steps().count();
        long done = last.values().stream().filter(s -> s == JournalEntry.Status.SUCCEEDED).count();
        long failed = last.values().stream().filter(s -> s == JournalEntry.Status.FAILED).count();
        progress = done + "/" + total + " steps" + (failed > 0 ? ", " + failed + " failed" : "");
      }
      b.append(
          String.format(
              Locale.ROOT,
              "%-20s %-16s %5d  %-28s %-26s %s%n",
              cut(c.name(), 20),
              c.state(),
              c.nodes().size(),
              cut(op, 28),
              cut(stage, 26),
              progress));
    }
    if (clusters.isEmpty()) {
      b.append("(no clusters)\n");
    }
    List<String[]> latest = latest(clusters, running);
    if (!latest.isEmpty()) {
      b.append("\nlatest steps of the running operations:\n");
      latest.forEach(l -> b.append("  ").append(String.join("  ", l)).append('\n'));
    }
    if (!events.isEmpty()) {
      Map<String, String> names = new HashMap<>();
      clusters.forEach(c -> names.put(c.id(), c.name()));
      b.append("\nlatest events:\n");
      for (LifecycleEvent e : events) {
        String cluster = e.cluster().map(id -> names.getOrDefault(id, id)).orElse("");
        StringBuilder what = new StringBuilder(e.event().name());
        e.stage().ifPresent(v -> what.append(" [").append(v).append(']'));
        e.node().ifPresent(v -> what.append(' ').append(v));
        e.to().ifPresent(v -> what.append(" -> ").append(v));
        e.message().ifPresent(v -> what.append(": ").append(v));
        b.append("  ")
            .append(TIME.format(e.ts()))
            .append("  ")
            .append(cut(cluster, 20))
            .append("  ")
            .append(cut(what.toString(), 90))
            .append('\n');
      }
    }
    return b.toString();
  }

  /** The first stage with a step under way, or else the first with a step not done yet. */
  static Optional<Stage> current(Operation op, Map<String, JournalEntry.Status> last) {
    for (Stage s : op.plan().stages()) {
      if (s.steps().stream().anyMatch(st -> last.get(st.id()) == JournalEntry.Status.STARTED)) {
        return Optional.of(s);
      }
    }
    for (Stage s : op.plan().stages()) {
      if (s.steps().stream().anyMatch(st -> last.get(st.id()) != JournalEntry.Status.SUCCEEDED)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  private static List<String[]> latest(List<Cluster> clusters, Map<String, Running> running) {
    Map<String, String> names = new HashMap<>();
    clusters.forEach(c -> names.put(c.id(), c.name()));
    List<String[]> lines = new ArrayList<>();
    List<Map.Entry<String, JournalEntry>> all = new ArrayList<>();
    running.forEach((id, r) -> r.journal().forEach(e -> all.add(Map.entry(id, e))));
    all.sort(Comparator.comparing(e -> e.getValue().at()));
    Map<String, String> describe = new HashMap<>();
    running.values().stream()
        .flatMap(r -> r.operation().plan().steps())
        .forEach((Step s) -> describe.put(s.id(), s.describe()));
    for (Map.Entry<String, JournalEntry> e :
        all.subList(Math.max(0, all.size() - LATEST), all.size())) {
      JournalEntry j = e.getValue();
      lines.add(
          new String[] {
            TIME.format(j.at()),
            cut(names.getOrDefault(e.getKey(), e.getKey()), 20),
            describe.getOrDefault(j.stepId(), j.stepId()),
            j.status().name()
          });
    }
    return lines;
  }

  private static String cut(String s, int width) {
    return s.length() <= width ? s : s.substring(0, width - 1) + "~";
  }
}

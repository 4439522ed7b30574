package io.clusterlifecycle.api.timeline;

import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.spi.JournalEntry;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Reads a {@link Timeline} off an operation's plan and journal. */
final class TimelineReader {
  private TimelineReader() {}

  /** A run of a step whose end is not known yet. */
  private record Open(JournalEntry started) {}

  static Timeline read(Operation op, List<JournalEntry> journal) {
    Instant last = op.createdAt();
    Instant first = null;
    for (JournalEntry e : journal) {
      if (!e.operationId().equals(op.id())) {
        throw new IllegalArgumentException(
            "journal entry of " + e.operationId() + " in the journal of " + op.id());
      }
      first = first == null || e.at().isBefore(first) ? e.at() : first;
      last = e.at().isAfter(last) ? e.at() : last;
    }
    Instant end = op.endedAt().filter(t -> !t.isBefore(op.createdAt())).orElse(last);
    end = end.isBefore(last) ? last : end;
    Instant start = first == null ? op.createdAt() : first;
    Map<String, List<Timeline.Bar>> runs = runs(journal, end);
    Map<String, Step> steps = new HashMap<>();
    op.plan().steps().forEach(s -> steps.put(s.id(), s));
    List<Timeline.Lane> lanes = new ArrayList<>();
    for (Stage stage : op.plan().stages()) {
      List<Timeline.Bar> bars = new ArrayList<>();
      for (Step step : stage.steps()) {
        for (Timeline.Bar b : runs.getOrDefault(step.id(), List.of())) {
          bars.add(
              new Timeline.Bar(
                  b.stepId(), step.describe(), b.start(), b.end(), b.outcome(), b.detail()));
        }
      }
      if (bars.isEmpty()) {
        continue;
      }
      bars.sort(Comparator.comparing(Timeline.Bar::start).thenComparing(Timeline.Bar::label));
      Instant from = bars.get(0).start();
      Instant to = bars.stream().map(Timeline.Bar::end).max(Comparator.naturalOrder()).orElse(from);
      lanes.add(new Timeline.Lane(stage.name(), from, to, bars));
    }
    return new Timeline(
        op.id(), op.plan().clusterName(), op.type(), op.state(), op.error(), start, end, lanes);
  }

  /**
   * Each step's runs, labelled with its id: a STARTED entry opens a run, the next end closes it.
   */
  private static Map<String, List<Timeline.Bar>> runs(List<JournalEntry> journal, Instant end) {
    Map<String, Open> open = new HashMap<>();
    Map<String, List<Timeline.Bar>> runs = new HashMap<>();
    for (JournalEntry e : journal) {
      String id = e.stepId();
      List<Timeline.Bar> bars = runs.computeIfAbsent(id, k -> new ArrayList<>());
      Open before = open.remove(id);
      switch (e.status()) {
        case STARTED -> {
          if (before != null) {
            bars.add(bar(before.started(), e.at(), Timeline.Outcome.UNFINISHED, Optional.empty()));
          }
          open.put(id, new Open(e));
        }
        case SUCCEEDED, FAILED -> {
          JournalEntry started = before != null ? before.started() : e;
          bars.add(
              bar(
                  started,
                  e.at(),
                  e.status() == JournalEntry.Status.SUCCEEDED
                      ? Timeline.Outcome.SUCCEEDED
                      : Timeline.Outcome.FAILED,
                  e.detail().filter(d -> !d.isEmpty())));
        }
      }
    }
    open.values()
        .forEach(
            o ->
                runs.get(o.started().stepId())
                    .add(bar(o.started(), end, Timeline.Outcome.UNFINISHED, Optional.empty())));
    return runs;
  }

  private static Timeline.Bar bar(
      JournalEntry started, Instant end, Timeline.Outcome outcome, Optional<String> detail) {
    Instant to = end.isBefore(started.at()) ? started.at() : end;
    return new Timeline.Bar(started.stepId(), started.stepId(), started.at(), to, outcome, detail);
  }
}

package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.event.EventListener;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.Stage;
import java.io.PrintWriter;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarConsumer;
import me.tongfei.progressbar.ProgressBarStyle;

/**
 * Draws one progress bar per stage of the operation running, from the engine's events: a bar opens
 * when its stage starts, with the stage's step count from the plan, advances as the stage's steps
 * end (a command, a resource call, a metadata commit) and closes, full, with the stage's outcome
 * when the stage ends.
 *
 * <p>On a terminal the bar redraws in place; otherwise (a pipe, a log, a test) each stage prints
 * one line, its final state. Events arrive on the engine's threads; every method is synchronized.
 */
final class StageProgress implements EventListener {
  private static final Set<EventType> STEP_ENDS =
      EnumSet.of(
          EventType.COMMAND_FINISHED,
          EventType.RESOURCE_CREATED,
          EventType.RESOURCE_DELETED,
          EventType.RESOURCE_RESIZED,
          EventType.RESOURCE_STOPPED,
          EventType.RESOURCE_STARTED,
          EventType.IMAGE_REPLACED,
          EventType.METADATA_PUT,
          EventType.METADATA_DELETED);
  private static final int WIDTH = 100;
  private static final int NAME_WIDTH = 34;

  private final PrintWriter out;
  private final boolean live;
  private List<Stage> stages = List.of();
  private int next;
  private ProgressBar bar;
  private Lines lines;
  private String barStage;

  /**
   * @param out where the bars go
   * @param live true to redraw bars in place (a terminal), false for one line per stage
   */
  StageProgress(PrintWriter out, boolean live) {
    this.out = out;
    this.live = live;
  }

  /** Gets ready for an operation whose plan is {@code plan}. */
  synchronized void expect(Plan plan) {
    close();
    stages = plan.stages();
    next = 0;
  }

  /** Closes a bar the operation left open (it failed inside a stage). */
  synchronized void done() {
    close();
  }

  @Override
  public synchronized void onEvent(LifecycleEvent e) {
    switch (e.event()) {
      case STAGE_STARTED -> open(e.stage().orElse(null));
      case STAGE_FINISHED -> {
        if (bar != null && e.stage().isPresent() && e.stage().get().equals(barStage)) {
          bar.stepTo(bar.getMax());
          bar.setExtraMessage(e.message().orElse(null));
          close();
        }
      }
      case OPERATION_FAILED, OPERATION_SUCCEEDED -> close();
      default -> {
        if (bar != null
            && STEP_ENDS.contains(e.event())
            && barStage.equals(e.stage().orElse(null))) {
          bar.step();
        }
      }
    }
  }

  private void open(String stage) {
    close();
    barStage = stage;
    lines = new Lines();
    String name = stage.length() > NAME_WIDTH ? stage.substring(0, NAME_WIDTH - 1) + "…" : stage;
    bar =
        new ProgressBarBuilder()
            .setTaskName(String.format("  %-" + NAME_WIDTH + "s", name))
            .setInitialMax(steps(stage))
            .setStyle(ProgressBarStyle.ASCII)
            .setMaxRenderedLength(WIDTH)
            .setUpdateIntervalMillis(100)
            .hideEta()
            .setConsumer(lines)
            .build();
  }

  /** The step count of the next stage of the plan with this name; stages run in plan order. */
  private long steps(String stage) {
    for (int i = next; i < stages.size(); i++) {
      if (stages.get(i).name().equals(stage)) {
        next = i + 1;
        return stages.get(i).steps().size();
      }
    }
    return -1;
  }

  /**
   * Ends the bar and prints its final line. The bar's own close draws it once more but does not
   * always hand the consumer its close (not when it had never been drawn), so the line is printed
   * here.
   */
  private void close() {
    if (bar != null) {
      bar.close();
      lines.finish();
      bar = null;
      lines = null;
      barStage = null;
    }
  }

  /** Prints a bar's renderings: in place on a terminal, only the last one elsewhere. */
  private final class Lines implements ProgressBarConsumer {
    private String last = "";

    @Override
    public int getMaxRenderedLength() {
      return WIDTH;
    }

    @Override
    public void accept(String rendered) {
      synchronized (out) {
        last = rendered;
        if (live) {
          out.print('\r' + rendered);
          out.flush();
        }
      }
    }

    /** The bar's own close; {@link #finish()} prints the final line instead. */
    @Override
    public void close() {}

    void finish() {
      synchronized (out) {
        out.println(live ? "\r" + last : last);
        out.flush();
      }
    }
  }
}

package io.clusterlifecycle.api.timeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ServiceStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.api.state.OperationState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TimelineTest {
  private static final Instant T0 = Instant.parse("2026-12-03T10:00:00Z");

  private static final Plan PLAN =
      new Plan(
          "c-1",
          "shop",
          OperationType.CREATE,
          List.of(
              Stage.builder("create nodes")
                  .addStep(new CreateNodeStep("n1", "shop-db-1", "db"))
                  .addStep(new CreateNodeStep("n2", "shop-db-2", "db"))
                  .build(),
              Stage.builder("start (order 0)")
                  .addStep(new ServiceStep("s1", "shop-db-1", "db", "start", 0))
                  .addStep(new ServiceStep("s2", "shop-db-2", "db", "start", 0))
                  .build(),
              Stage.builder("never reached")
                  .addStep(new ServiceStep("x1", "shop-db-1", "db", "init", 1))
                  .build()));

  private final List<JournalEntry> journal = new ArrayList<>();

  private void entry(String step, JournalEntry.Status status, long atMillis, String detail) {
    journal.add(
        JournalEntry.builder()
            .operationId("op-1")
            .stepId(step)
            .status(status)
            .at(T0.plusMillis(atMillis))
            .detail(detail)
            .build());
  }

  private static Operation op(OperationState state, long endMillis, String error) {
    Operation.Builder b =
        Operation.builder()
            .id("op-1")
            .clusterId("c-1")
            .type(OperationType.CREATE)
            .state(state)
            .startedFrom(ClusterState.DEPLOYING)
            .plan(PLAN)
            .createdAt(T0.minusMillis(50));
    if (endMillis >= 0) {
      b.endedAt(T0.plusMillis(endMillis)).error(error);
    }
    return b.build();
  }

  /** A create whose start of shop-db-2 ran twice (its engine died) and then failed. */
  private Timeline failedAfterAResume() {
    entry("n1", JournalEntry.Status.STARTED, 0, "");
    entry("n2", JournalEntry.Status.STARTED, 0, "");
    entry("n1", JournalEntry.Status.SUCCEEDED, 400, "");
    entry("n2", JournalEntry.Status.SUCCEEDED, 900, "");
    entry("s1", JournalEntry.Status.STARTED, 900, "");
    entry("s2", JournalEntry.Status.STARTED, 900, "");
    entry("s1", JournalEntry.Status.SUCCEEDED, 1_200, "");
    entry("s2", JournalEntry.Status.STARTED, 5_000, "");
    entry("s2", JournalEntry.Status.FAILED, 5_300, "start on shop-db-2 exited with 1: <oops>");
    return Timeline.of(op(OperationState.FAILED, 5_400, "start failed"), journal);
  }

  @Test
  void eachRunOfAStep_isABar_inItsStage_andStagesThatDidNotRunAreLeftOut() {
    Timeline t = failedAfterAResume();

    assertThat(t.start()).isEqualTo(T0);
    assertThat(t.end()).isEqualTo(T0.plusMillis(5_400));
    assertThat(t.stages())
        .extracting(Timeline.Lane::stage)
        .containsExactly("create nodes", "start (order 0)");
    Timeline.Lane create = t.stages().get(0);
    assertThat(create.start()).isEqualTo(T0);
    assertThat(create.end()).isEqualTo(T0.plusMillis(900));
    assertThat(create.failed()).isFalse();
    assertThat(create.bars())
        .extracting(b -> b.label() + " " + b.duration().toMillis() + " " + b.outcome())
        .containsExactly("create shop-db-1 400 SUCCEEDED", "create shop-db-2 900 SUCCEEDED");

    Timeline.Lane start = t.stages().get(1);
    assertThat(start.failed()).isTrue();
    assertThat(start.bars())
        .extracting(b -> b.stepId() + " " + b.duration().toMillis() + " " + b.outcome())
        .containsExactly("s1 300 SUCCEEDED", "s2 4100 UNFINISHED", "s2 300 FAILED");
    assertThat(start.bars().get(2).detail()).contains("start on shop-db-2 exited with 1: <oops>");
  }

  @Test
  void aRunningOperation_endsAtItsLastEntry_withItsOpenRunsUnfinished() {
    entry("n1", JournalEntry.Status.STARTED, 0, "");
    entry("n2", JournalEntry.Status.STARTED, 100, "");
    entry("n1", JournalEntry.Status.SUCCEEDED, 700, "");

    Timeline t = Timeline.of(op(OperationState.RUNNING, -1, ""), journal);

    assertThat(t.end()).isEqualTo(T0.plusMillis(700));
    assertThat(t.stages())
        .singleElement()
        .satisfies(
            lane ->
                assertThat(lane.bars())
                    .extracting(b -> b.stepId() + " " + b.outcome() + " " + b.end())
                    .containsExactly(
                        "n1 SUCCEEDED " + T0.plusMillis(700),
                        "n2 UNFINISHED " + T0.plusMillis(700)));
  }

  @Test
  void mermaid_isAGanttChart_withASectionPerStage_andFailedRunsCritical() {
    String m = failedAfterAResume().toMermaid();

    assertThat(m)
        .startsWith("gantt\n")
        .contains("    title create op-1 on shop  FAILED in 5.40 s\n")
        .contains("    dateFormat x\n")
        .contains("    section create nodes\n")
        .contains("    section start (order 0)\n")
        .contains(
            "    create shop-db-1 :done, "
                + T0.toEpochMilli()
                + ", "
                + (T0.toEpochMilli() + 400)
                + "\n")
        .contains("    start on shop-db-2 :active, ")
        .contains("    start on shop-db-2 :crit, ")
        .doesNotContain("never reached");
  }

  @Test
  void html_isOnePage_withABarPerRun_andEscapesWhatTheJournalSays() {
    String page = failedAfterAResume().toHtml();

    assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg").doesNotContain("<script");
    // a row per stage and per run
    assertThat(page.split("<rect ", -1)).hasSize(2 + 2 + 3 + 1);
    assertThat(page).contains("exited with 1: &lt;oops&gt;").doesNotContain("<oops>");
    assertThat(page).contains("fill=\"#d32f2f\"").contains("fill=\"#9e9e9e\"");
    assertThat(page).contains("<p class=\"failed\">start failed</p>");
  }

  @Test
  void ticks_areOneTwoOrFiveTimesAPowerOfTen_aboutTenPerChart() {
    assertThat(TimelineRenderer.tick(5_400)).isEqualTo(500);
    assertThat(TimelineRenderer.tick(90)).isEqualTo(10);
    assertThat(TimelineRenderer.tick(1)).isEqualTo(1);
    assertThat(TimelineRenderer.tick(120_000)).isEqualTo(20_000);
  }

  @Test
  void anEntryOfAnotherOperation_isRefused() {
    journal.add(
        JournalEntry.builder()
            .operationId("op-2")
            .stepId("n1")
            .status(JournalEntry.Status.STARTED)
            .at(T0)
            .build());
    assertThatThrownBy(() -> Timeline.of(op(OperationState.RUNNING, -1, ""), journal))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("op-2");
  }
}

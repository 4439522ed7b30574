package io.clusterlifecycle.core.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.OperationFailedException;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.model.WorkloadStatus;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.spec.AppSpec;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Scripts talk back (docs/design.md §9.3.1): what a command writes to {@code $LC_RESULT} comes back
 * per node in the operation and on its {@code COMMAND_FINISHED} event; what it writes to {@code
 * $LC_STATUS} becomes the node's workload status, announced by a {@code NODE_STATUS} event.
 */
class ScriptReportsTest {
  private final Harness h = new Harness();

  @AfterEach
  void close() {
    h.close();
  }

  private static AppSpec spec() {
    return AppSpec.builder("db", "1")
        .role("data", r -> r.count(2).service("start", "s").service("report", "r"))
        .build();
  }

  @Test
  void resultsComeBackPerNode_inTheOperationAndItsEvents() {
    h.engine.create(CreateCluster.builder(spec(), "d").build());
    h.commands.on("report").forNode("d-data-1").result("{\"lag\": 3, \"primary\": true}\n");
    h.commands.on("report").forNode("d-data-2").result("# comment\nlag=0\nsize = 12 GiB\n");

    Operation op = h.engine.execute(RunService.of("d", "report"));

    assertThat(op.results())
        .containsExactly(
            Map.entry("d-data-1", Map.of("lag", "3", "primary", "true")),
            Map.entry("d-data-2", Map.of("lag", "0", "size", " 12 GiB")));
    assertThat(h.events.events(EventType.COMMAND_FINISHED))
        .filteredOn(e -> e.service().orElse("").equals("report"))
        .extracting(e -> e.node().orElseThrow() + " " + e.results())
        .containsExactlyInAnyOrder(
            "d-data-1 {lag=3, primary=true}", "d-data-2 {lag=0, size= 12 GiB}");
    assertThat(h.engine.operation(op.id()).orElseThrow().results()).isEqualTo(op.results());
  }

  @Test
  void aReportedStatusIsKeptOnTheNode_andAnnounced() {
    h.engine.create(CreateCluster.builder(spec(), "d").build());
    h.commands.on("report").forNode("d-data-2").status("waiting for peers\n").exit(1);

    assertThatThrownBy(() -> h.engine.execute(RunService.of("d", "report")))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("report on d-data-2 exited with 1");

    Node n2 = h.engine.get("d").node("d-data-2").orElseThrow();
    assertThat(n2.workload())
        .get()
        .satisfies(
            w -> {
              assertThat(w.state()).isEqualTo(WorkloadStatus.State.WAITING);
              assertThat(w.message()).isEqualTo("for peers");
            });
    assertThat(h.engine.get("d").node("d-data-1").orElseThrow().workload()).isEmpty();
    assertThat(h.events.events(EventType.NODE_STATUS))
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.node()).contains("d-data-2");
              assertThat(e.to()).contains("WAITING");
              assertThat(e.from()).isEmpty();
              assertThat(e.message()).contains("for peers");
            });

    h.commands.clearRules();
    h.commands.on("report").status("active");
    h.engine.execute(RunService.of("d", "report"));
    assertThat(h.engine.get("d").node("d-data-2").orElseThrow().workload())
        .map(WorkloadStatus::describe)
        .contains("active");
    assertThat(h.events.events(EventType.NODE_STATUS))
        .extracting(LifecycleEvent::from)
        .containsSubsequence(java.util.Optional.of("WAITING"));
  }

  @Test
  void aReportBreakingTheFormat_failsTheStepSayingWhatToChange() {
    h.engine.create(CreateCluster.builder(spec(), "d").build());
    h.commands.on("report").forNode("d-data-1").result("ok\n");
    assertThatThrownBy(() -> h.engine.execute(RunService.of("d", "report")))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("line 1 of the LC_RESULT file is not key=value");

    h.commands.clearRules();
    h.commands.on("report").status("sleeping soundly");
    assertThatThrownBy(() -> h.engine.execute(RunService.of("d", "report")))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("unknown workload state 'sleeping'");

    h.commands.clearRules();
    h.commands.on("report").result("k=" + "x".repeat(20000));
    assertThatThrownBy(() -> h.engine.execute(RunService.of("d", "report")))
        .isInstanceOf(OperationFailedException.class)
        .hasMessageContaining("holds more than 16384 characters");
  }
}

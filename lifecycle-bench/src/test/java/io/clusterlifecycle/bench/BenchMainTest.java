package io.clusterlifecycle.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The quick suite, through the command line's entry point. */
class BenchMainTest {
  /** What a suite run returned and printed. */
  private record Run(int status, String out, String err) {
    /** The {@code name=value} lines of standard output. */
    Map<String, String> figures() {
      return out.lines().map(l -> l.split("=", 2)).collect(Collectors.toMap(p -> p[0], p -> p[1]));
    }
  }

  /** Runs the quick suite's {@code runs} with makespan at 100 nodes only. */
  private static Run quick(Path dir, Path json, String runs, String... more) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    List<String> args =
        new ArrayList<>(
            List.of(
                "--quick",
                "--only",
                runs,
                "--sizes",
                "100",
                "--json",
                json.toString(),
                "--work-dir",
                dir.toString()));
    args.addAll(List.of(more));
    int status =
        BenchMain.run(
            args.toArray(String[]::new),
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void quickMakespanAt100Nodes_printsASaneRatioAndWritesItToJson(@TempDir Path dir)
      throws Exception {
    Path json = dir.resolve("figures.json");

    Run r = quick(dir, json, "makespan");

    assertThat(r.status()).as("exit status; stderr:%n%s", r.err()).isZero();
    Map<String, String> lines = r.figures();
    assertThat(lines).containsOnlyKeys("makespan_ratio_100");
    double ratio = Double.parseDouble(lines.get("makespan_ratio_100"));
    assertThat(ratio).isFinite().isGreaterThanOrEqualTo(1.0).isLessThan(10.0);
    Matcher inJson =
        Pattern.compile("\"makespan_ratio_100\": ([0-9.]+)").matcher(Files.readString(json));
    assertThat(inJson.find()).as("figure in %s", json).isTrue();
    assertThat(Double.parseDouble(inJson.group(1))).isEqualTo(ratio);
    // 200 ms to create the nodes, two init and two start groups of 50 ms
    assertThat(r.err()).contains("critical path of 400.0 ms");
    // the figure is measured warm; the first, cold run is reported beside it, not hidden
    assertThat(r.err()).contains("makespan 100 nodes, first run (cold): ratio ");
    assertThat(Files.readString(json)).containsPattern("\"makespan_ratio_100_first\": [0-9.]+");
    // the first touches of fresh memory, which cost a makespan as much as collections here
    assertThat(r.err()).containsPattern("minor page faults: [0-9]+");
    assertThat(Files.readString(json)).containsPattern("\"makespan_minor_faults_100\": [0-9]+");
  }

  @Test
  void quickSuiteOfTwoRuns_runsEachInAJvmOfItsOwn_mergesTheirFigures_andProfilesEach(
      @TempDir Path dir) throws Exception {
    Path json = dir.resolve("figures.json");
    Path profiles = dir.resolve("profiles");

    Run r = quick(dir, json, "makespan,plan", "--profile", profiles.toString());

    assertThat(r.status()).as("exit status; stderr:%n%s", r.err()).isZero();
    Map<String, String> lines = r.figures();
    assertThat(lines).containsOnlyKeys("makespan_ratio_100", "plan_ms_10000x20");
    assertThat(Double.parseDouble(lines.get("plan_ms_10000x20"))).isPositive().isFinite();
    assertThat(r.err()).contains("makespan in a JVM of its own", "plan in a JVM of its own");
    String merged = Files.readString(json);
    for (String run : new String[] {"makespan", "plan"}) {
      Path child = dir.resolve("figures." + run + ".json");
      assertThat(child).as("the %s JVM's own figures", run).exists();
      assertThat(merged).contains(child.toAbsolutePath().toString());
    }
    assertThat(Files.readString(dir.resolve("figures.plan.json")))
        .as("the plan JVM ran no makespan")
        .contains("\"makespan_ratio_100\": null");
    // each run's JVM sampled what its figure measures: the makespan's runs went through the
    // engine's stage launcher; the planning figure plans and runs no stage
    assertThat(r.err()).contains("lifecycle-bench: profiles (async-profiler");
    assertThat(profiles.resolve("makespan_100.html")).content().contains("<h1>makespan_100</h1>");
    assertThat(profiles.resolve("makespan_100.collapsed"))
        .content()
        .contains("io/clusterlifecycle/core/internal/exec/OperationRunner.runStage");
    assertThat(profiles.resolve("plan_ms_10000x20.html")).exists();
    assertThat(profiles.resolve("plan_ms_10000x20.collapsed"))
        .content()
        .contains("io/clusterlifecycle/core/internal/plan/PlanBuilder")
        .doesNotContain("io/clusterlifecycle/core/internal/exec/OperationRunner");
  }

  @Test
  void aProfileDirectoryThatTheProfilerCannotBeToldOf_isRefusedBeforeAnythingRuns(
      @TempDir Path dir) {
    Path profiles = dir.resolve("a,b");

    Run r = quick(dir, dir.resolve("figures.json"), "makespan", "--profile", profiles.toString());

    assertThat(r.status()).isEqualTo(2);
    assertThat(r.err())
        .contains("--profile: choose a directory whose path has no comma or space")
        .doesNotContain("quick suite");
    assertThat(profiles).doesNotExist();
    assertThat(dir.resolve("figures.json")).doesNotExist();
    assertThat(r.out()).isEmpty();
  }
}

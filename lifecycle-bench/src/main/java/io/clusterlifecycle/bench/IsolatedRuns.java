package io.clusterlifecycle.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Runs each run of a quick suite in a JVM of its own, so that no figure depends on the runs before
 * it. In one JVM the engine figure did: G1 sizes its young generation from what it has seen, and
 * after the planning run (much garbage, little kept) it grew it so far that the engine run's young
 * collections, which copy the clusters the run keeps, paused for half a second each; the same
 * commit measured 24,000 to 28,000 steps/s after makespan and planning, 51,000 to 55,000 after
 * makespan alone. Each child gets this JVM's flags and the suite's options with {@code --only
 * <run>}, writes its own JSON beside the suite's ({@code <name>.<run>.json}, named in the details),
 * and prints its headline figures, which are merged here.
 */
final class IsolatedRuns {
  private final List<String> options;
  private final Path json;
  private final PrintStream log;
  private final ChildJvm jvm = new ChildJvm();

  /**
   * Prepares the runs.
   *
   * @param options the suite's options other than {@code --only} and {@code --json}
   * @param json the suite's JSON file, beside which each child writes its own
   * @param log where the children's progress goes (their standard error is inherited)
   */
  IsolatedRuns(List<String> options, Path json, PrintStream log) {
    this.options = List.copyOf(options);
    this.json = json;
    this.log = log;
  }

  /**
   * Runs each of {@code runs} in a child JVM, in the suite's order.
   *
   * @param runs the runs
   * @return their headline figures, with a failure for each child that failed
   */
  Figures run(Set<Suite.Run> runs) {
    Figures figures = new Figures();
    for (Suite.Run run : Suite.Run.values()) {
      if (!runs.contains(run)) {
        continue;
      }
      String name = run.name().toLowerCase(Locale.ROOT);
      Path childJson = sibling(name);
      List<String> args = new ArrayList<>(options);
      args.addAll(List.of("--only", name, "--json", childJson.toString()));
      log.println("lifecycle-bench: " + name + " in a JVM of its own");
      Process p =
          jvm.start(
              ManagementFactory.getRuntimeMXBean().getInputArguments(), BenchMain.class, args);
      try (BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        for (String line = out.readLine(); line != null; line = out.readLine()) {
          merge(figures, line);
        }
        int code = p.waitFor();
        if (code != 0) {
          figures.failed(name + ": its JVM exited " + code);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("could not read the " + name + " run's figures", e);
      } catch (InterruptedException e) {
        p.destroyForcibly();
        Thread.currentThread().interrupt();
        figures.failed(name + ": interrupted");
        return figures;
      }
      figures.detail(name + "_figures_file", childJson.toAbsolutePath().toString());
    }
    return figures;
  }

  private Path sibling(String run) {
    String file = json.getFileName().toString();
    String stem = file.endsWith(".json") ? file.substring(0, file.length() - 5) : file;
    return json.resolveSibling(stem + "." + run + ".json");
  }

  /** Takes a child's {@code name=value} line of a headline figure; other lines are ignored. */
  private static void merge(Figures figures, String line) {
    int eq = line.indexOf('=');
    if (eq < 0) {
      return;
    }
    String name = line.substring(0, eq);
    for (Figures.Target t : Figures.Target.values()) {
      if (t.figure().equals(name)) {
        figures.put(t, Double.parseDouble(line.substring(eq + 1)));
      }
    }
  }
}

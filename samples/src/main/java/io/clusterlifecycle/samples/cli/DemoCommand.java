package io.clusterlifecycle.samples.cli;

import io.clusterlifecycle.api.ValidationException;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.AppSpecFiles;
import io.clusterlifecycle.api.spec.SpecFormat;
import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lifecycle demo}: the README's main job. Validates every sample app spec bundled with
 * the tool, then takes the 3-role sample through create, add nodes, delete nodes and delete on
 * the local infrastructure of a throwaway home, showing each operation's stages and the cluster
 * after it.
 */
@Command(name = "demo", description = "Tour the sample app specs and run a 3-role cluster's"
    + " lifecycle on this machine.")
final class DemoCommand implements Callable<Integer> {
  /** The sample the tour runs. */
  static final String TOUR_SPEC = "hadoop.yaml";

  @picocli.CommandLine.ParentCommand
  LifecycleCli parent;

  /** The sample specs bundled in the jar, from {@code samples/specs/}. */
  static final List<String> SAMPLE_SPECS = List.of("zookeeper.yaml", "hadoop.yaml", "kafka.json");

  @Spec
  CommandSpec command;

  @Override
  public Integer call() {
    var out = command.commandLine().getOut();
    int invalid = 0;
    for (String name : SAMPLE_SPECS) {
      try {
        AppSpec spec = load(name);
        out.println("== " + name + " — " + SpecSummary.oneLine(spec));
        out.print(SpecSummary.roleTable(spec));
      } catch (ValidationException e) {
        invalid++;
        out.println("== " + name + " — invalid:");
        e.problems().forEach(p -> out.println("  " + p));
      }
      out.println();
    }
    out.println(SAMPLE_SPECS.size() - invalid + " of " + SAMPLE_SPECS.size()
        + " sample specs are valid.");
    if (invalid > 0) {
      return ExitCodes.BAD_INPUT;
    }
    return tour(out);
  }

  private int tour(java.io.PrintWriter out) {
    Path home;
    try {
      home = Files.createTempDirectory("lifecycle-demo-");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    AppSpec spec = load(TOUR_SPEC);
    out.println();
    out.println("Running cluster 'demo' of " + spec.name() + " " + spec.version()
        + " on local nodes under " + home);
    try (Session session = new Session(home, parent.trace)) {
      session.engine.addListener(e -> {
        if (e.event() == EventType.STAGE_FINISHED) {
          out.println("    " + e.stage() + " ... " + e.message());
          out.flush();
        }
      });
      step(out, session, "create", CreateCluster.builder(spec, "demo").build());
      step(out, session, "add 1 worker", AddNodes.of("demo", "worker", 1));
      step(out, session, "delete node demo-worker-1", DeleteNodes.of("demo", "demo-worker-1"));
      step(out, session, "delete", DeleteCluster.of("demo"));
      out.println("The demo cluster went through its lifecycle; every node directory is gone.");
    } finally {
      deleteTree(home);
    }
    return ExitCodes.OK;
  }

  private static void step(java.io.PrintWriter out, Session session, String title,
      OperationRequest request) {
    out.println();
    out.println("== " + title + ": " + session.engine.plan(request).stages().size() + " stages");
    Operation op = session.engine.execute(request);
    out.print(ClusterView.text(session.engine.get(op.clusterId()), List.of()));
  }

  private static void deleteTree(Path root) {
    try (var paths = Files.walk(root)) {
      paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AppSpec load(String name) {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/specs/" + name)) {
      if (in == null) {
        throw new IllegalStateException("sample spec " + name + " is not bundled in the jar");
      }
      return AppSpecFiles.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
          SpecFormat.forFile(Path.of(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

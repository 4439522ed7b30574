package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.model.Operation;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.codec.AppSpecFiles;
import io.clusterlifecycle.codec.SpecFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code lifecycle demo}: the README's main job. Validates the sample app specs bundled with the
 * tool, then takes {@link DemoApp}, a 3-role application whose nodes run real server processes,
 * through create, add nodes, vertical scaling, upgrade, rolling restart, backup, delete nodes and
 * delete on the local infrastructure of {@code HOME/demo}: a progress bar per stage, a table of
 * nodes and their server processes after each operation, and each operation's plan as a Mermaid
 * flowchart in {@code HOME/demo/plans/}, with its timeline as an HTML Gantt chart beside it.
 *
 * <p>{@code HOME/demo} is emptied first (stopping servers a killed earlier run left behind) and
 * kept afterwards, with the plans, the records and the backup. Whatever happens, no server process
 * outlives the command: when an operation fails, the demo deletes the cluster by force and kills
 * any server still running, and the exit code is then non-zero.
 */
@Command(
    name = "demo",
    description =
        "Validate the sample app specs, then run a 3-role"
            + " application's whole lifecycle on this machine, with real processes.")
final class DemoCommand implements Callable<Integer> {
  /** The cluster the tour runs. */
  static final String CLUSTER = "kv";

  /** The directory under the home the tour works in. */
  static final String DIRECTORY = "demo";

  /** The sample specs bundled in the jar, from {@code samples/specs/}. */
  static final List<String> SAMPLE_SPECS = List.of("zookeeper.yaml", "hadoop.yaml", "kafka.json");

  @ParentCommand LifecycleCli parent;

  @Spec CommandSpec command;

  @Override
  public Integer call() {
    PrintWriter out = command.commandLine().getOut();
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
    out.println(
        SAMPLE_SPECS.size() - invalid + " of " + SAMPLE_SPECS.size() + " sample specs are valid.");
    if (invalid > 0) {
      return ExitCodes.BAD_INPUT;
    }
    return new Tour(parent.home.resolve(DIRECTORY), out).run();
  }

  /** How often the demo's engine runs the gateway's elasticity policy. */
  private static final Duration AUTOSCALE_EVERY = Duration.ofMillis(500);

  /** One run of the tour in one directory. */
  private final class Tour {
    private final Path home;
    private final Path plans;
    private final PrintWriter out;
    private final StageProgress progress;
    private final List<String> planFiles = new ArrayList<>();
    private final List<String> timelineFiles = new ArrayList<>();
    // read by the shutdown hook, set by the thread that runs the tour
    private volatile Session session;
    private int done;

    Tour(Path home, PrintWriter out) {
      this.home = realPath(home);
      this.plans = this.home.resolve("plans");
      this.out = out;
      this.progress = new StageProgress(out, System.console() != null);
    }

    int run() {
      long started = System.nanoTime();
      DemoServers.stopAll(home);
      deleteTree(home);
      // Ctrl-C or SIGTERM ends the JVM mid-operation; the servers run in sessions of their own
      Thread stopServers = new Thread(this::stopOnExit, "demo-stop-servers");
      Runtime.getRuntime().addShutdownHook(stopServers);
      try {
        return tour(started);
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(stopServers);
        } catch (IllegalStateException shuttingDown) {
          // the hook runs or has run
        }
      }
    }

    /**
     * Kills the commands under way first, so that no {@code start} launches a server after the
     * servers were stopped, then stops the servers until none is left.
     */
    private void stopOnExit() {
      Session s = session;
      if (s != null) {
        s.local().commands().close();
      }
      DemoServers.stopAllSettled(home);
    }

    private int tour(long started) {
      AppSpec v1 = DemoApp.spec("1.0");
      out.println();
      out.println(
          "Running cluster '"
              + CLUSTER
              + "' of "
              + v1.name()
              + " "
              + v1.version()
              + " ("
              + String.join(", ", DemoApp.ROLES)
              + ") on this machine, under "
              + home);
      boolean ok = false;
      try (Session s = new Session(home, parent.trace, b -> b.autoscaleEvery(AUTOSCALE_EVERY))) {
        session = s;
        s.engine.addListener(progress);
        operation("create", CreateCluster.builder(v1, CLUSTER).build());
        operation("add 2 storage nodes", AddNodes.of(CLUSTER, DemoApp.STORAGE, 2));
        operation(
            "resize storage to 4 cores, 2048 MiB (one node at a time)",
            ScaleVertical.of(CLUSTER, RoleResize.of(DemoApp.STORAGE).cpu(4).memory(2048)));
        operation("upgrade 1.0 -> 1.1", Upgrade.of(CLUSTER, DemoApp.spec("1.1")));
        operation(
            "rolling restart, 3 nodes per batch, 1 s apart",
            RestartCluster.of(CLUSTER).inBatches(3, Duration.ofSeconds(1)));
        autoscale();
        operation("backup", BackupCluster.of(CLUSTER));
        printBackup();
        operation(
            "delete nodes kv-storage-1 and kv-storage-2",
            DeleteNodes.of(CLUSTER, "kv-storage-1", "kv-storage-2"));
        operation("delete", DeleteCluster.of(CLUSTER));
        ok = true;
      } finally {
        progress.done();
        if (!ok) {
          forceDelete();
        }
      }
      List<ProcessHandle> left = DemoServers.running(home);
      if (!left.isEmpty()) {
        out.println(
            "server processes left running: "
                + left.stream().map(p -> String.valueOf(p.pid())).collect(Collectors.joining(" "))
                + "; killing them");
        DemoServers.stopAll(home);
        return ExitCodes.FAILED;
      }
      out.println();
      out.printf(
          Locale.ROOT,
          "Done: %d operations in %.1f s. Every node and server process is"
              + " gone (pgrep -f %s finds none).%n",
          done,
          (System.nanoTime() - started) / 1e9,
          DemoApp.SERVER);
      out.println("Plans (Mermaid): " + String.join(", ", planFiles));
      out.println("Timelines (HTML): " + String.join(", ", timelineFiles));
      out.println("Records, node logs and the backup stay in " + home);
      return ExitCodes.OK;
    }

    private void operation(String title, OperationRequest request) {
      Plan plan = session.engine.plan(request);
      out.println();
      int stages = plan.stages().size();
      long steps = plan.steps().count();
      out.printf(
          "== %d. %s: %d stage%s, %d step%s%n",
          done + 1, title, stages, stages == 1 ? "" : "s", steps, steps == 1 ? "" : "s");
      out.flush();
      progress.expect(plan);
      Operation op = session.engine.execute(request);
      progress.done();
      done++;
      savePlan(op);
      Cluster cluster = session.engine.get(CLUSTER);
      out.print(table(cluster));
      out.flush();
    }

    private void savePlan(Operation op) {
      Path file =
          plans.resolve(
              String.format(
                  Locale.ROOT,
                  "%d-%s.mmd",
                  done,
                  op.type().name().toLowerCase(Locale.ROOT).replace('_', '-')));
      write(file, op.plan().toMermaid());
      planFiles.add(home.relativize(file).toString());
      Path timeline = file.resolveSibling(file.getFileName().toString().replace(".mmd", ".html"));
      write(timeline, session.engine.timeline(op.id()).toHtml());
      timelineFiles.add(home.relativize(timeline).toString());
    }

    /**
     * Raises the gateway's load over its elasticity policy's threshold and waits for the autoscaler
     * to add a node and for the cooldown to end.
     */
    private void autoscale() {
      out.println();
      out.printf(
          "== %d. autoscale: gateway LOAD 95 > 80 for 2 periods of 1 s adds a node, then %d s of"
              + " cooldown%n",
          done + 1, DemoApp.COOLDOWN.toSeconds());
      out.flush();
      List<String> trace = new java.util.concurrent.CopyOnWriteArrayList<>();
      java.util.concurrent.CompletableFuture<Void> cooled =
          new java.util.concurrent.CompletableFuture<>();
      io.clusterlifecycle.api.event.EventListener watch =
          e -> {
            switch (e.event()) {
              case POLICY_FIRED -> trace.add("policy fired: " + e.message().orElse(""));
              case STATE_CHANGED -> {
                trace.add("cluster " + e.from().orElse("") + " -> " + e.to().orElse(""));
                if (e.from().equals(Optional.of("COOLDOWN"))) {
                  cooled.complete(null);
                }
              }
              default -> {}
            }
          };
      session.engine.addListener(watch);
      try {
        for (Node n : session.engine.get(CLUSTER).nodes(DemoApp.GATEWAY)) {
          write(session.local().home().nodeDirectory(n.id()).resolve("run/load"), "LOAD=95\n");
        }
        cooled.orTimeout(60, java.util.concurrent.TimeUnit.SECONDS).join();
      } finally {
        session.engine.removeListener(watch);
      }
      progress.done();
      trace.forEach(line -> out.println("  " + line));
      done++;
      List<Operation> ops = session.engine.operations(CLUSTER);
      savePlan(ops.get(ops.size() - 1));
      out.print(table(session.engine.get(CLUSTER)));
      out.flush();
    }

    private void printBackup() {
      Optional<Backup> backup =
          session.engine.backups(CLUSTER).stream().max(Comparator.comparing(Backup::createdAt));
      backup.ifPresent(
          b ->
              out.println(
                  "backup "
                      + b.id()
                      + ": "
                      + b.artifacts().size()
                      + " node artifacts in "
                      + home.resolve("backups").resolve(b.id())));
    }

    /** Nodes with their records and what their server processes report. */
    private String table(Cluster c) {
      StringBuilder b = new StringBuilder();
      b.append("cluster ")
          .append(c.name())
          .append("  ")
          .append(c.state())
          .append("  ")
          .append(c.spec().name())
          .append(' ')
          .append(c.spec().version())
          .append('\n');
      String format = "  %-16s %-11s %-8s %-10s %3s %7s  %-7s %-10s %-6s %s%n";
      b.append(
          String.format(
              Locale.ROOT,
              format,
              "NODE",
              "ROLE",
              "STATE",
              "IP",
              "CPU",
              "MEM_MIB",
              "VERSION",
              "SERVER",
              "SERVES",
              "CONFIG (rendered from LC_METADATA)"));
      for (Node n : c.nodes()) {
        Path dir = session.local().home().nodeDirectory(n.id());
        DemoServers.Status s = DemoServers.status(dir);
        b.append(
            String.format(
                Locale.ROOT,
                format,
                n.id(),
                n.role(),
                n.state(),
                n.address().orElse(""),
                n.cpu(),
                n.memory(),
                ClusterView.version(c, n),
                s.server(),
                s.serves(),
                s.config()));
      }
      if (c.nodes().isEmpty() && c.state() == ClusterState.DONE) {
        b.append("  (no nodes: every node directory and server process is gone)\n");
      }
      return b.toString();
    }

    /** After a failure: delete the cluster by force, then kill any server still running. */
    private void forceDelete() {
      if (session != null) {
        try (Session s = new Session(home, parent.trace)) {
          Cluster c = s.engine.get(CLUSTER);
          if (c.state() != ClusterState.DONE) {
            s.engine.execute(DeleteCluster.of(CLUSTER).forced());
          }
        } catch (RuntimeException e) {
          out.println(
              "could not delete cluster " + CLUSTER + " after the failure: " + e.getMessage());
        }
      }
      DemoServers.stopAll(home);
    }
  }

  /**
   * The home as the servers see it: they pass their directory as bash's {@code $PWD}, which has
   * every symbolic link resolved, and {@link DemoServers} finds them by that path.
   */
  private static Path realPath(Path home) {
    try {
      Files.createDirectories(home);
      return home.toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void write(Path file, String text) {
    try {
      Files.createDirectories(file.getParent());
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path root) {
    if (!Files.exists(root)) {
      return;
    }
    try (var paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static AppSpec load(String name) {
    try (InputStream in = DemoCommand.class.getResourceAsStream("/specs/" + name)) {
      if (in == null) {
        throw new IllegalStateException("sample spec " + name + " is not bundled in the jar");
      }
      return AppSpecFiles.parse(
          new String(in.readAllBytes(), StandardCharsets.UTF_8), SpecFormat.forFile(Path.of(name)));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}

package io.clusterlifecycle.samples.embedding;

import io.clusterlifecycle.api.Lifecycle;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.model.Cluster;
import io.clusterlifecycle.api.model.Node;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.spec.AdvancedAction;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.state.ClusterState;
import io.clusterlifecycle.core.JsonLinesTrace;
import io.clusterlifecycle.core.LifecycleEngine;
import io.clusterlifecycle.spi.local.LocalInfrastructure;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Embedding the engine in a host application: an app spec built in code (no files), the local
 * infrastructure (nodes are directories, commands are local {@code bash} processes), an engine
 * built with the fluent builder, and one cluster taken through its life — create, add nodes,
 * resize, rolling restart, backup, delete.
 *
 * <p>The library writes nothing to standard output: the host sees what happens through an {@link
 * io.clusterlifecycle.api.event.EventListener}, here one that logs every event through SLF4J.
 * {@link #main} prints a short summary.
 *
 * <p>The README's Java example is this class's {@link #run} with the bookkeeping left out; a test
 * keeps the two in step.
 */
public final class EmbeddedPlatform {
  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedPlatform.class);

  private EmbeddedPlatform() {}

  /**
   * The cluster as it was after one operation.
   *
   * @param operation what ran
   * @param state the cluster's state after it
   * @param nodes how many nodes the cluster had
   * @param cpu the most cores a node had
   */
  public record Step(String operation, ClusterState state, int nodes, int cpu) {
    static Step of(String operation, Cluster cluster) {
      return new Step(
          operation,
          cluster.state(),
          cluster.nodes().size(),
          cluster.nodes().stream().mapToInt(Node::cpu).max().orElse(0));
    }
  }

  /**
   * What the tour did.
   *
   * @param clusterId the id the engine gave the cluster
   * @param steps the cluster after each operation, in order
   * @param backup the backup it recorded
   */
  public record Tour(String clusterId, List<Step> steps, Backup backup) {}

  /**
   * Runs one cluster's life on the local infrastructure of a home directory.
   *
   * @param home the directory holding the nodes ({@code home/nodes/<node-id>/}), the records and
   *     the backups; created when missing
   * @return what happened
   * @throws io.clusterlifecycle.api.error.LifecycleException (a subclass) when an operation is
   *     refused or fails
   */
  public static Tour run(Path home) {
    List<Step> steps = new ArrayList<>();
    // spotless:off - kept as compact as the README's example, which is these lines
    AppSpec zk = AppSpec.builder("zookeeper", "3.8.4")
        .role("zk", r -> r.count(3).maxNodes(9).cpu(2).memory(1024)
            .advancedActions(AdvancedAction.SCALE_HORIZONTAL)
            .service("init", "mkdir -p data && echo \"$LC_NODE_ID\" > data/myid")
            .service("start", s -> s.cmd("echo started > zk.state").order(1))
            .service("stop", "echo stopped > zk.state")
            .service("backup", "cp data/myid \"$LC_BACKUP_DIR\"/"))
        .build();                                   // validates everything, reports every problem

    try (LocalInfrastructure local = LocalInfrastructure.open(home);    // nodes: home/nodes/*
         Lifecycle lifecycle = LifecycleEngine.builder()
             .resourceProvider(local.resources()).commandExecutor(local.commands())
             .metadataStore(local.metadata()).clusterStore(local.store())
             .eventListener(event -> LOG.info("{}", JsonLinesTrace.line(event))).build()) {
      // spotless:on
      // resources, metadata, then init and start, each in parallel on the nodes of one order
      lifecycle.create(CreateCluster.builder(zk, "zk1").build());
      steps.add(Step.of("create", lifecycle.get("zk1")));
      // init and start on the two new nodes
      lifecycle.addNodes(AddNodes.of("zk1", "zk", 2));
      steps.add(Step.of("add 2 nodes", lifecycle.get("zk1")));
      // stop, resize, start
      lifecycle.execute(ScaleVertical.of("zk1", RoleResize.of("zk").cpu(4)));
      steps.add(Step.of("resize to 4 cpu", lifecycle.get("zk1")));
      // stop and start, two nodes at a time
      lifecycle.execute(RestartCluster.of("zk1").inBatches(2, Duration.ofMillis(200)));
      steps.add(Step.of("rolling restart", lifecycle.get("zk1")));
      // backup on every node; each copies its artifact into the LC_BACKUP_DIR it is given
      Backup backup = lifecycle.backup(BackupCluster.of("zk1"));
      steps.add(Step.of("backup", lifecycle.get("zk1")));
      // stop, then delete the nodes; the record stays, DONE, until purged
      lifecycle.delete(DeleteCluster.of("zk1"));
      Cluster deleted = lifecycle.get("zk1");
      steps.add(Step.of("delete", deleted));
      return new Tour(deleted.id(), steps, backup);
    }
  }

  /**
   * Runs the tour and prints what the cluster looked like after each operation.
   *
   * @param args the home directory; a new temporary directory when none is given
   * @throws IOException if the temporary directory cannot be created
   */
  public static void main(String[] args) throws IOException {
    Path home =
        args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("lifecycle-embedded-");
    Tour tour = run(home);
    System.out.println("cluster " + tour.clusterId() + " in " + home.toAbsolutePath());
    for (Step s : tour.steps()) {
      System.out.printf(
          "  %-16s %-8s %d nodes, %d cpu%n", s.operation(), s.state(), s.nodes(), s.cpu());
    }
    System.out.println(
        "backup "
            + tour.backup().id()
            + ": "
            + tour.backup().artifacts().size()
            + " node artifacts under "
            + home.resolve("backups").resolve(tour.backup().id()));
  }
}

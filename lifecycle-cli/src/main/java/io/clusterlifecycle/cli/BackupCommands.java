package io.clusterlifecycle.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.model.Backup;
import io.clusterlifecycle.api.request.BackupCluster;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.RestoreCluster;
import io.clusterlifecycle.codec.RecordCodec;
import java.util.List;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code backup}, {@code backups} and {@code restore} (docs/design.md §6.10). */
final class BackupCommands {
  private BackupCommands() {}

  /** A backup as {@code backup --json} and {@code backups --json} print it. */
  static ObjectNode json(Backup b) {
    ObjectNode o =
        ClusterView.JSON
            .createObjectNode()
            .put("id", b.id())
            .put("cluster", b.clusterName())
            .put("cluster_id", b.clusterId())
            .put("namespace", b.namespace())
            .put("app", b.spec().name())
            .put("version", b.spec().version())
            .put("created_at", RecordCodec.formatTime(b.createdAt()));
    ObjectNode counts = o.putObject("role_counts");
    b.roleCounts().forEach(counts::put);
    ArrayNode artifacts = o.putArray("artifacts");
    for (Backup.Artifact a : b.artifacts()) {
      artifacts
          .addObject()
          .put("node", a.node())
          .put("role", a.role())
          .put("index", a.index())
          .put("artifact", a.artifact());
    }
    return o;
  }

  @Command(
      name = "backup",
      description = {
        "Back a cluster up: run the backup service on every"
            + " node that defines it and record the backup.",
        "Prints the backup id (with --json: the backup), for restore."
      })
  static final class BackupCommand extends ClusterCommands.ClusterOperation {
    @Override
    OperationRequest request() {
      BackupCluster r = BackupCluster.of(cluster);
      return timed(r, r::withTimeout);
    }

    @Override
    int run(Session session) {
      return withProgress(
          session,
          cluster,
          () -> {
            Backup b = session.engine.backup((BackupCluster) checkedRequest());
            out().println(parent.json ? json(b).toString() : b.id());
          });
    }
  }

  @Command(name = "backups", description = "List the backups of a cluster, oldest first.")
  static final class ListBackups extends ClusterCommands.Base {
    @Parameters(paramLabel = "CLUSTER", description = "The cluster's name or id.")
    String cluster;

    @Override
    boolean changesTheHome() {
      return false;
    }

    @Override
    int run(Session session) {
      List<Backup> backups = session.engine.backups(cluster);
      if (parent.json) {
        ArrayNode array = ClusterView.JSON.createArrayNode();
        backups.forEach(b -> array.add(json(b)));
        out().println(array);
        return ExitCodes.OK;
      }
      String format = "%-40s %-24s %-20s %s%n";
      out().printf(format, "ID", "CREATED", "APP", "NODES");
      for (Backup b : backups) {
        out()
            .printf(
                format,
                b.id(),
                RecordCodec.formatTime(b.createdAt()),
                b.spec().name() + " " + b.spec().version(),
                b.roleCounts().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining(",")));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "restore",
      description = {
        "Create a new cluster from a backup: the backup's"
            + " spec, parameters and role counts; each node runs restore with its artifact before it"
            + " starts."
      })
  static final class RestoreCommand extends ClusterCommands.OperationCommand {
    @Parameters(paramLabel = "BACKUP_ID", description = "The backup, as printed by backup.")
    String backupId;

    @Option(
        names = "--name",
        required = true,
        paramLabel = "NAME",
        description = "The new cluster's name.")
    String name;

    @Option(
        names = "--namespace",
        paramLabel = "NS",
        description = "The new cluster's namespace (default: default).")
    String namespace;

    @Option(
        names = "--count",
        paramLabel = "ROLE=N",
        description = "Node count of a role; must equal the backup's.")
    List<String> counts = List.of();

    @Option(names = "--label", paramLabel = "K=V", description = "A label of the new cluster.")
    List<String> labels = List.of();

    @Override
    OperationRequest request() {
      RestoreCluster.Builder b = RestoreCluster.builder(backupId, name);
      if (namespace != null) {
        b.namespace(namespace);
      }
      ClusterCommands.counts(counts, "--count").forEach(b::count);
      ClusterCommands.pairs(labels, "--label").forEach(b::label);
      parent.timeout().ifPresent(b::timeout);
      return b.build();
    }

    @Override
    String cluster() {
      return name;
    }
  }
}

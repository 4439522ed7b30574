package io.clusterlifecycle.cli;

import static io.clusterlifecycle.cli.ClusterCommands.badInput;

import io.clusterlifecycle.api.request.AddRole;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.api.request.Promote;
import io.clusterlifecycle.api.request.RemoveRole;
import io.clusterlifecycle.api.request.RestartCluster;
import io.clusterlifecycle.api.request.RoleResize;
import io.clusterlifecycle.api.request.Rollback;
import io.clusterlifecycle.api.request.RunService;
import io.clusterlifecycle.api.request.ScaleVertical;
import io.clusterlifecycle.api.request.StartCluster;
import io.clusterlifecycle.api.request.StopCluster;
import io.clusterlifecycle.api.request.Upgrade;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.RoleSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BiFunction;
import java.util.stream.Collectors;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The commands of docs/design.md §10 that change a running cluster after its creation: vertical
 * scaling, upgrade and rollback, stop/start/restart, running a service, promote, and adding or
 * removing a role (docs/design.md §6.5–§6.9 and §6.11).
 */
final class OperationCommands {
  private OperationCommands() {}

  /**
   * {@code --batch-size N [--batch-period SEC]}: work through a role's nodes in batches
   * (docs/design.md §6.8).
   */
  static final class BatchOptions {
    @Option(
        names = "--batch-size",
        paramLabel = "N",
        description = "Work through the nodes N at a time (default: all at once).")
    Integer size;

    @Option(
        names = "--batch-period",
        paramLabel = "SEC",
        description = "Wait SEC seconds between two batches (default: 0; needs --batch-size).")
    Long periodSeconds;

    /** The request in batches when --batch-size was given, else the request unchanged. */
    <R> R apply(R request, BiFunction<Integer, Duration, R> inBatches) {
      if (size == null) {
        if (periodSeconds != null) {
          throw badInput("--batch-period", "needs --batch-size N");
        }
        return request;
      }
      if (size < 1) {
        throw badInput("--batch-size", "must be at least 1, was " + size);
      }
      long period = periodSeconds == null ? 0 : periodSeconds;
      if (period < 0) {
        throw badInput("--batch-period", "must be 0 or more seconds, was " + period);
      }
      return inBatches.apply(size, Duration.ofSeconds(period));
    }
  }

  @Command(
      name = "scale-vertical",
      description = {
        "Change the cpu, memory and/or volume size of the nodes of one or more roles.",
        "Each --role starts a group; the sizes after it apply to that role, e.g."
            + " --role master --memory 8192 --role worker --cpu 8 --volume 200.",
        "A volume-only change resizes online; otherwise the nodes are stopped, resized and"
            + " started per the role's vertical_scaling_policy."
      })
  static final class ScaleVerticalCommand extends ClusterCommands.ClusterOperation {
    @ArgGroup(exclusive = false, multiplicity = "1..*")
    List<Resize> resizes;

    /** One {@code --role ROLE [--cpu N] [--memory MIB] [--volume GIB]} group. */
    static final class Resize {
      @Option(
          names = "--role",
          required = true,
          paramLabel = "ROLE",
          description = "A role to resize; the sizes after it apply to it.")
      String role;

      @Option(names = "--cpu", paramLabel = "N", description = "New cores per node.")
      Integer cpu;

      @Option(names = "--memory", paramLabel = "MIB", description = "New memory per node, MiB.")
      Integer memory;

      @Option(
          names = "--volume",
          paramLabel = "GIB",
          description = "New volume size per node, GiB (volumes only grow).")
      Integer volume;

      RoleResize toResize() {
        if (cpu == null && memory == null && volume == null) {
          throw badInput("--role " + role, "give at least one of --cpu, --memory, --volume");
        }
        RoleResize r = RoleResize.of(role);
        r = cpu == null ? r : r.cpu(cpu);
        r = memory == null ? r : r.memory(memory);
        return volume == null ? r : r.volumeSize(volume);
      }
    }

    @Override
    OperationRequest request() {
      ScaleVertical r =
          ScaleVertical.of(
              cluster, resizes.stream().map(Resize::toResize).toArray(RoleResize[]::new));
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "upgrade",
      description = {
        "Move a cluster to another version of its app: stop, new image, reload, start and"
            + " upgrade, per each role's upgrading_policy.",
        "A stopped cluster gets its new images and stays stopped."
      })
  static final class UpgradeCommand extends ClusterCommands.ClusterOperation {
    @Parameters(
        index = "1",
        paramLabel = "SPEC",
        description = "The app spec file of the new version (same app and roles).")
    Path spec;

    @Option(names = "--auto-rollback", description = "Roll back at once if the upgrade fails.")
    boolean autoRollback;

    @picocli.CommandLine.Mixin SettingsOptions settings = new SettingsOptions();

    @Override
    OperationRequest request() {
      Upgrade r = Upgrade.of(cluster, parent.readSpec(spec)).withChanges(settings.change());
      r = autoRollback ? r.withAutoRollback() : r;
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "rollback",
      description = "Return a cluster to the version it ran before its last upgrade.")
  static final class RollbackCommand extends ClusterCommands.ClusterOperation {
    @Override
    OperationRequest request() {
      Rollback r = Rollback.of(cluster);
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "stop",
      description =
          "Stop (pause) a cluster: the stop service, then the"
              + " instances; volumes and addresses are kept.")
  static final class StopCommand extends ClusterCommands.ClusterOperation {
    @Override
    OperationRequest request() {
      StopCluster r = StopCluster.of(cluster);
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "start",
      description =
          "Start (resume) a stopped cluster: the instances," + " reload, then the start service.")
  static final class StartCommand extends ClusterCommands.ClusterOperation {
    @Override
    OperationRequest request() {
      StartCluster r = StartCluster.of(cluster);
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "restart",
      description = {
        "Restart a cluster: the restart service where a role"
            + " defines it, else stop and start; all nodes at once, or rolling in batches.",
        "Refused at once when the cluster is busy."
      })
  static final class RestartCommand extends ClusterCommands.ClusterOperation {
    @Mixin BatchOptions batches;

    @Override
    OperationRequest request() {
      RestartCluster r = RestartCluster.of(cluster);
      r = batches.apply(r, r::inBatches);
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "run",
      description = {
        "Run a service of the app spec on demand over the nodes"
            + " of a role, or of every role that defines it, optionally in batches.",
        "The service 'reboot' also works where no role defines it: it stops and starts the"
            + " instances."
      })
  static final class RunCommand extends ClusterCommands.ClusterOperation {
    @Option(
        names = "--service",
        required = true,
        paramLabel = "NAME",
        description = "The service to run.")
    String service;

    @Option(names = "--role", paramLabel = "ROLE", description = "Only the nodes of this role.")
    String role;

    @Mixin BatchOptions batches;

    @Override
    OperationRequest request() {
      RunService r = RunService.of(cluster, service);
      r = role == null ? r : r.onRole(role);
      r = batches.apply(r, r::inBatches);
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "promote",
      description = {
        "Make a node the primary of its role: run its"
            + " promote service, then swap the roles in the metadata and reload.",
        "Refused while the current primary is healthy, unless --switchover."
      })
  static final class PromoteCommand extends ClusterCommands.ClusterOperation {
    @Parameters(index = "1", paramLabel = "NODE_ID", description = "The node to promote.")
    String node;

    @Option(names = "--switchover", description = "Replace a healthy primary.")
    boolean switchover;

    @Override
    OperationRequest request() {
      Promote r = Promote.of(cluster, node);
      r = switchover ? r.asSwitchover() : r;
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "add-role",
      description =
          "Add a role to a running cluster, defined as the"
              + " role ROLE of a spec file, and deploy its nodes like a create.")
  static final class AddRoleCommand extends ClusterCommands.ClusterOperation {
    @Parameters(
        index = "1",
        paramLabel = "SPEC",
        description = "An app spec file that defines the role.")
    Path spec;

    @Option(
        names = "--role",
        required = true,
        paramLabel = "ROLE",
        description = "The role of SPEC to add.")
    String role;

    @Option(
        names = "--count",
        paramLabel = "N",
        description = "How many nodes (default: the role's count in SPEC).")
    Integer count;

    @Override
    OperationRequest request() {
      AppSpec app = parent.readSpec(spec);
      RoleSpec definition =
          app.role(role)
              .orElseThrow(
                  () ->
                      badInput(
                          "--role",
                          spec
                              + " defines no role '"
                              + role
                              + "'; it defines "
                              + app.roles().stream()
                                  .map(RoleSpec::name)
                                  .collect(Collectors.joining(", "))));
      AddRole r = AddRole.of(cluster, definition);
      if (count != null) {
        if (count < 1) {
          throw badInput("--count", "must be at least 1, was " + count);
        }
        r = r.withCount(count);
      }
      return timed(r, r::withTimeout);
    }
  }

  @Command(
      name = "remove-role",
      description =
          "Remove a role and all its nodes from a running"
              + " cluster, with the delete flow for those nodes.")
  static final class RemoveRoleCommand extends ClusterCommands.ClusterOperation {
    @Parameters(index = "1", paramLabel = "ROLE", description = "The role to remove.")
    String role;

    @Option(names = "--force", description = "Record destroy/stop failures as warnings.")
    boolean force;

    @Override
    OperationRequest request() {
      RemoveRole r = RemoveRole.of(cluster, role);
      r = force ? r.forced() : r;
      return timed(r, r::withTimeout);
    }
  }
}

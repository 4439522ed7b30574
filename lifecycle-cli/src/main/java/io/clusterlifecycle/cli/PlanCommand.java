package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.CreateCluster;
import io.clusterlifecycle.api.request.OperationRequest;
import io.clusterlifecycle.codec.RecordCodec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Unmatched;

/**
 * {@code lifecycle plan}: the dry-run. {@code plan SPEC --name NAME ...} shows what create would
 * do; {@code plan CLUSTER --op OP ...} what the command OP would do. The arguments after the target
 * are parsed by the command OP itself, so each operation has one set of options.
 */
@Command(
    name = "plan",
    description = {
      "Show the plan of an operation without running it.",
      "plan SPEC --name NAME [create's options]  |  plan CLUSTER --op OP [OP's arguments and"
          + " options]  |  plan BACKUP_ID --op restore --name NAME [restore's options]",
      "OP is one of: add-nodes, delete-nodes, delete, scale-vertical, upgrade, rollback, stop,"
          + " start, restart, run, backup, promote, add-role, remove-role, restore; e.g."
          + " plan demo --op scale-vertical --role zk --cpu 4"
    })
final class PlanCommand extends ClusterCommands.Base {
  enum Format {
    text,
    json,
    mermaid,
    k8s
  }

  @Parameters(
      index = "0",
      paramLabel = "SPEC|CLUSTER|BACKUP_ID",
      description = "A spec file (create), a cluster, or a backup (restore).")
  String target;

  @Option(
      names = "--op",
      paramLabel = "OP",
      description = "The command whose plan to show (default: create, with a spec file).")
  String op;

  @Option(
      names = "--format",
      description =
          "text, json, mermaid, or k8s: the Kubernetes objects (Service, PVCs, Pods) a create"
              + " would make, as YAML, without connecting anywhere (default: text).")
  Format format = Format.text;

  /** The operation's own arguments and options, passed on to the command OP. */
  @Unmatched List<String> opArgs = new ArrayList<>();

  private OperationRequest request;

  @Override
  void checkInput() {
    if (format == Format.k8s && op != null && !op.equals("create")) {
      throw ClusterCommands.badInput(
          "--format",
          "k8s shows the objects a create makes; give a spec file and --name NAME without --op "
              + op);
    }
    request = request();
  }

  @Override
  boolean changesTheHome() {
    return false;
  }

  @Override
  boolean offline() {
    return format == Format.k8s;
  }

  @Override
  int run(Session session) {
    Plan plan = session.engine.plan(request);
    switch (format) {
      case k8s ->
          out()
              .print(
                  K8sDryRun.yaml((CreateCluster) request, plan, parent.sessionSettings().kube()));
      case json -> out().println(RecordCodec.write(plan));
      case mermaid -> out().print(plan.toMermaid());
      default -> out().print(plan.toText());
    }
    return ExitCodes.OK;
  }

  /** Parses TARGET and the remaining arguments with a fresh instance of the command OP. */
  private OperationRequest request() {
    if (op == null && !Files.exists(Path.of(target))) {
      throw ClusterCommands.badInput(
          "plan", "give a spec file and --name NAME, or a cluster and --op OP");
    }
    Map<String, CommandLine> commands = command.parent().subcommands();
    CommandLine named = commands.get(op == null ? "create" : op);
    if (named == null || !(named.getCommand() instanceof ClusterCommands.OperationCommand)) {
      throw ClusterCommands.badInput(
          "--op",
          "unknown operation '"
              + op
              + "'; one of "
              + commands.entrySet().stream()
                  .filter(
                      e -> e.getValue().getCommand() instanceof ClusterCommands.OperationCommand)
                  .map(Map.Entry::getKey)
                  .distinct()
                  .collect(Collectors.joining(", ")));
    }
    CommandLine fresh = new CommandLine(named.getCommand().getClass());
    fresh.setCommandName("lifecycle plan --op " + named.getCommandName());
    fresh.setOut(out());
    fresh.setErr(err());
    fresh.setExitCodeExceptionMapper(LifecycleCli::exitCode);
    ClusterCommands.OperationCommand opCommand = fresh.getCommand();
    opCommand.parent = parent;
    List<String> args = new ArrayList<>();
    args.add(target);
    args.addAll(opArgs);
    fresh.parseArgs(args.toArray(String[]::new));
    return opCommand.request();
  }
}

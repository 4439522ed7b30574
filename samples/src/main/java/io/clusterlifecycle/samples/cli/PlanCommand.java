package io.clusterlifecycle.samples.cli;

import io.clusterlifecycle.api.ValidationException;
import io.clusterlifecycle.api.ValidationProblem;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.request.AddNodes;
import io.clusterlifecycle.api.request.DeleteCluster;
import io.clusterlifecycle.api.request.DeleteNodes;
import io.clusterlifecycle.api.request.OperationRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code lifecycle plan}: the dry-run. {@code plan SPEC --name NAME} shows what create would do;
 * {@code plan CLUSTER --op OP ...} what an operation on an existing cluster would do.
 */
@Command(name = "plan", description = {"Show the plan of an operation without running it.",
    "plan SPEC --name NAME [--count ROLE=N]...  |  plan CLUSTER --op add-nodes --role R --count N"
        + "  |  plan CLUSTER --op delete-nodes NODE_ID...  |  plan CLUSTER --op delete"})
final class PlanCommand extends ClusterCommands.Base {
  enum Format { text, json, mermaid }

  @Parameters(index = "0", paramLabel = "SPEC|CLUSTER", description = "A spec file or a cluster.")
  String target;

  @Parameters(index = "1..*", paramLabel = "NODE_ID", description = "Nodes, for delete-nodes.")
  List<String> nodes = List.of();

  @Option(names = "--name", description = "The new cluster's name (with a spec file).")
  String name;

  @Option(names = "--op", description = "add-nodes, delete-nodes or delete (with a cluster).")
  String op;

  @Option(names = "--role", description = "For add-nodes: the role.")
  String role;

  @Option(names = "--count", paramLabel = "N | ROLE=N",
      description = "For add-nodes: how many; for a spec: a role's node count.")
  List<String> counts = List.of();

  @Option(names = "--force", description = "For delete and delete-nodes.")
  boolean force;

  @Option(names = "--keep-volumes", description = "For delete.")
  boolean keepVolumes;

  @Option(names = "--format", description = "text, json or mermaid (default: text).")
  Format format = Format.text;

  @Override
  int run(Session session) {
    Plan plan = session.engine.plan(request());
    switch (format) {
      case json -> out().println(plan.toJson());
      case mermaid -> out().print(plan.toMermaid());
      default -> out().print(plan.toText());
    }
    return ExitCodes.OK;
  }

  private OperationRequest request() {
    if (op == null) {
      if (name == null || !Files.exists(Path.of(target))) {
        throw usage("give a spec file and --name NAME, or a cluster and --op OP");
      }
      return ClusterCommands.createRequest(Path.of(target), name, counts, List.of(), List.of(),
          parent);
    }
    return switch (op) {
      case "add-nodes" -> {
        if (role == null || counts.size() != 1) {
          throw usage("--op add-nodes needs --role ROLE and --count N");
        }
        try {
          yield AddNodes.of(target, role, Integer.parseInt(counts.get(0)));
        } catch (NumberFormatException e) {
          throw usage("--count must be a whole number, was " + counts.get(0));
        }
      }
      case "delete-nodes" -> {
        DeleteNodes r = DeleteNodes.of(target, nodes.toArray(String[]::new));
        yield force ? r.forced() : r;
      }
      case "delete" -> {
        DeleteCluster r = DeleteCluster.of(target);
        r = force ? r.forced() : r;
        yield keepVolumes ? r.keepingVolumes() : r;
      }
      default -> throw usage("unknown --op '" + op + "'; use add-nodes, delete-nodes or delete");
    };
  }

  private static ValidationException usage(String why) {
    return new ValidationException("command line", List.of(ValidationProblem.of("plan", why)));
  }
}

package io.clusterlifecycle.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.spec.AppSpec;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code lifecycle validate SPEC}: every problem of a spec file, one per line. */
@Command(
    name = "validate",
    description = {
      "Check an app spec file (JSON or YAML) and report every problem at once.",
      "Exit 0 with a one-line summary when it is valid; exit 2 with one '<path>: <reason>' line per"
          + " problem otherwise."
    })
final class ValidateCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @ParentCommand LifecycleCli parent;

  @Spec CommandSpec command;

  @Parameters(paramLabel = "SPEC", description = "The app spec file (.json, .yaml or .yml).")
  Path file;

  @Override
  public Integer call() throws Exception {
    var out = command.commandLine().getOut();
    try {
      AppSpec spec = parent.readSpec(file);
      if (parent.json) {
        ObjectNode o =
            JSON.createObjectNode()
                .put("valid", true)
                .put("file", file.toString())
                .put("name", spec.name())
                .put("version", spec.version())
                .put("nodes", spec.totalNodes());
        if (!spec.warnings().isEmpty()) {
          ArrayNode warnings = o.putArray("warnings");
          spec.warnings()
              .forEach(w -> warnings.addObject().put("path", w.path()).put("reason", w.reason()));
        }
        out.println(JSON.writeValueAsString(o));
      } else {
        out.println("valid: " + SpecSummary.oneLine(spec));
        spec.warnings().forEach(w -> command.commandLine().getErr().println("warning: " + w));
      }
      return ExitCodes.OK;
    } catch (ValidationException e) {
      if (parent.json) {
        ArrayNode problems = JSON.createArrayNode();
        for (ValidationProblem p : e.problems()) {
          ObjectNode o = problems.addObject().put("path", p.path()).put("reason", p.reason());
          if (p.hasLocation()) {
            o.put("line", p.line()).put("column", p.column());
          }
        }
        ObjectNode o = JSON.createObjectNode().put("valid", false).put("file", file.toString());
        o.set("problems", problems);
        out.println(JSON.writeValueAsString(o));
      } else {
        e.problems().forEach(out::println);
      }
      return ExitCodes.BAD_INPUT;
    }
  }
}

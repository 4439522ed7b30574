package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.timeline.Timeline;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** Draws what an operation did over time as a Gantt chart. */
@Command(
    name = "timeline",
    description = {
      "Draw an operation as a Gantt chart: its stages on the time axis, a bar per run of each"
          + " step (a node's commands among them), failed runs marked.",
      "Mermaid (the default) prints a 'gantt' diagram; html prints a page with the chart drawn"
          + " in SVG, to open in a browser."
    })
final class TimelineCommand extends ClusterCommands.Base {
  @Parameters(paramLabel = "OPERATION_ID", description = "The operation's id.")
  String operationId;

  @Option(
      names = "--format",
      paramLabel = "FORMAT",
      defaultValue = "mermaid",
      description = "mermaid or html (default: ${DEFAULT-VALUE}).")
  String format;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write the chart to FILE instead of standard output.")
  Path output;

  @Override
  boolean changesTheHome() {
    return false;
  }

  @Override
  void checkInput() {
    if (!List.of("mermaid", "html").contains(format)) {
      throw new ValidationException(
          "command line",
          List.of(ValidationProblem.of("--format", "must be mermaid or html, was " + format)));
    }
  }

  @Override
  int run(Session session) {
    Timeline t = session.engine.timeline(operationId);
    String chart = format.equals("html") ? t.toHtml() : t.toMermaid();
    if (output == null) {
      out().print(chart);
      out().flush();
      return ExitCodes.OK;
    }
    try {
      Path dir = output.toAbsolutePath().getParent();
      if (dir != null) {
        Files.createDirectories(dir);
      }
      Files.writeString(output, chart, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the timeline to " + output, e);
    }
    err().println("timeline of " + operationId + " written to " + output);
    return ExitCodes.OK;
  }
}

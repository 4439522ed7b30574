package io.clusterlifecycle.samples.cli;

import io.clusterlifecycle.api.ValidationException;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.AppSpecFiles;
import io.clusterlifecycle.api.spec.SpecFormat;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code lifecycle demo}: the README's main job. Loads and validates every sample app spec
 * bundled with the tool and shows what each would deploy.
 */
@Command(name = "demo", description = "Tour the bundled sample app specs on this machine.")
final class DemoCommand implements Callable<Integer> {

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
    return invalid == 0 ? ExitCodes.OK : ExitCodes.BAD_INPUT;
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

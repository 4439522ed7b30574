package io.clusterlifecycle.cli;

import static io.clusterlifecycle.cli.ClusterCommands.badInput;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.clusterlifecycle.api.source.RepositoryEntry;
import io.clusterlifecycle.source.SpecSources;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code repo search URL [TERM]}: the apps and versions a repository's index lists. */
@Command(
    name = "repo",
    description =
        "Search a repository of app archives: repo search URL|DIR [TERM] lists the apps whose name"
            + " or description holds TERM, newest version first.")
final class RepoCommand extends ClusterCommands.Base {
  @Parameters(index = "0", paramLabel = "search", description = "What to do: search.")
  String action;

  @Parameters(index = "1", paramLabel = "URL|DIR", description = "The repository.")
  String repo;

  @Parameters(index = "2", arity = "0..1", paramLabel = "TERM", description = "Text to look for.")
  String term = "";

  @Override
  boolean offline() {
    return true;
  }

  @Override
  void checkInput() {
    if (!action.equals("search")) {
      throw badInput("ACTION", "must be search, was '" + action + "'");
    }
  }

  @Override
  int run(Session session) {
    List<RepositoryEntry> found = SpecSources.repository(repo).search(term);
    if (parent.json) {
      try {
        out().println(ClusterView.JSON.writeValueAsString(found));
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("entries of text always serialise", e);
      }
    } else {
      found.forEach(e -> out().println(e.app() + "  " + e.version() + "  " + e.description()));
    }
    return ExitCodes.OK;
  }
}

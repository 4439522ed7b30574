package io.clusterlifecycle.cli;

import static io.clusterlifecycle.cli.ClusterCommands.badInput;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.source.SpecSource;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.source.SpecSources;
import java.nio.file.Path;
import java.util.Optional;
import picocli.CommandLine.Option;

/**
 * Where {@code create} takes its app spec from (docs/sources.md): an archive beats a spec file,
 * which beats a repository, as the release manager's chart archive beats its chart image and its
 * chart repository.
 */
final class AppSourceOptions {
  @Option(
      names = "--archive",
      paramLabel = "FILE",
      description = "A .tgz or .zip holding app.yaml (or app.json) with its scripts and templates.")
  Path archive;

  @Option(
      names = "--repo",
      paramLabel = "URL|DIR",
      description =
          "A repository: an index.yaml over HTTP(S) or in a directory; needs --app and --version.")
  String repo;

  @Option(names = "--app", paramLabel = "NAME", description = "The app to take from --repo.")
  String app;

  @Option(
      names = "--version",
      paramLabel = "VERSION",
      description = "The app version to take from --repo.")
  String version;

  /** The spec the options and the SPEC parameter name, by the sources' priority. */
  AppSpec spec(Path specFile, LifecycleCli parent) {
    if (repo != null && (app == null || version == null)) {
      throw badInput("--repo", "needs --app NAME and --version VERSION");
    }
    if (repo == null && (app != null || version != null)) {
      throw badInput(app != null ? "--app" : "--version", "needs --repo URL");
    }
    if (archive == null && specFile == null && repo == null) {
      throw badInput(
          "SPEC", "give a spec file, --archive FILE, or --repo URL --app NAME --version V");
    }
    if (archive == null && specFile != null) {
      return parent.readSpec(specFile);
    }
    SpecSource chosen =
        SpecSources.choose(
            Optional.ofNullable(archive).map(SpecSources::archive),
            Optional.empty(),
            Optional.ofNullable(repo).map(r -> SpecSources.repository(r).source(app, version)));
    AppSpec spec;
    try {
      spec = chosen.load().spec();
    } catch (NotFoundException e) {
      throw badInput("--version", e.getMessage());
    }
    HostSecrets.checkSchemes(spec, parent.hostSecrets != null);
    return spec;
  }
}

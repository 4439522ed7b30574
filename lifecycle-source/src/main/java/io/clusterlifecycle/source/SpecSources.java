package io.clusterlifecycle.source;

import io.clusterlifecycle.api.source.SpecRepository;
import io.clusterlifecycle.api.source.SpecSource;
import java.nio.file.Path;
import java.util.Optional;

/** Opens the kinds of spec source and picks one when several are given (docs/sources.md). */
public final class SpecSources {

  private SpecSources() {}

  /**
   * Picks the source to use when several are given, in the order archive, file (an "artifact"),
   * repository: the first present wins and the others are not read.
   *
   * @param archive an archive source, if one was given
   * @param file a spec file source, if one was given
   * @param repository a repository source (an app and version in a repository), if one was given
   * @return the first present, in that order
   * @throws IllegalArgumentException if none is present
   */
  public static SpecSource choose(
      Optional<SpecSource> archive, Optional<SpecSource> file, Optional<SpecSource> repository) {
    return archive
        .or(() -> file)
        .or(() -> repository)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no app spec source given: give an archive, a spec file or an app and version"
                        + " in a repository"));
  }

  /**
   * A spec file with the files beside it.
   *
   * @param spec the spec file
   * @return a {@link FileSpecSource}
   */
  public static SpecSource file(Path spec) {
    return new FileSpecSource(spec);
  }

  /**
   * An app archive.
   *
   * @param archive a {@code .tgz}, {@code .tar.gz} or {@code .zip} file
   * @return an {@link ArchiveSpecSource}
   */
  public static SpecSource archive(Path archive) {
    return new ArchiveSpecSource(archive);
  }

  /**
   * A repository of app archives; see {@link SpecRepositories#open(String)}.
   *
   * @param urlOrDir an {@code http(s)://} URL, a {@code file:} URI or a directory
   * @return the repository; its {@link SpecRepository#source(String, String)} gives {@link
   *     RepositorySpecSource}s
   * @throws IllegalArgumentException if the address is blank, malformed or of another scheme
   */
  public static SpecRepository repository(String urlOrDir) {
    return SpecRepositories.open(urlOrDir);
  }
}

package io.clusterlifecycle.source;

import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.error.ValidationProblem;
import io.clusterlifecycle.api.source.LoadedApp;
import io.clusterlifecycle.api.source.SpecSource;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * One version of an app in a repository ({@link SpecRepositories}). Loading reads the index, finds
 * the version, reads its archive from the first of its {@code urls}, checks the archive's SHA-256
 * against the index's {@code digest} when there is one, reads the app as {@link ArchiveSpecSource}
 * does, and checks that the spec's name and version are the ones asked for. Thread-safe; every
 * {@link #load()} reads the index and the archive again.
 */
public final class RepositorySpecSource implements SpecSource {

  private final SpecRepositories.IndexRepository repository;
  private final String app;
  private final String version;

  RepositorySpecSource(SpecRepositories.IndexRepository repository, String app, String version) {
    this.repository = repository;
    this.app = Objects.requireNonNull(app, "app");
    this.version = Objects.requireNonNull(version, "version");
  }

  /**
   * Reads the app's archive from the repository.
   *
   * @return the spec, the archive's other files and {@link #describe()}
   * @throws NotFoundException if the index has no such app, or not that version; the message names
   *     the versions it has
   * @throws ValidationException if the index is malformed, the archive's digest does not match, the
   *     archive is refused, or its spec is invalid or names another app or version
   * @throws java.io.UncheckedIOException if the index or the archive cannot be read
   */
  @Override
  public LoadedApp load() {
    RepositoryIndex index = repository.index();
    List<RepositoryIndex.Version> versions = index.apps().getOrDefault(app, List.of());
    RepositoryIndex.Version entry =
        versions.stream()
            .filter(v -> v.version().equals(version))
            .findFirst()
            .orElseThrow(() -> notFound(index, versions));
    String url = entry.urls().get(0);
    URI uri =
        repository
            .location()
            .resolve(url)
            .orElseThrow(
                () ->
                    Texts.invalid(
                        repository.describe(),
                        entry.path() + ".urls",
                        url + " is not an http(s) URL, or a file a local index may name"));
    String subject = "archive " + RepositoryLocation.redact(uri) + " of " + describe();
    byte[] bytes =
        repository
            .location()
            .readArchive(uri)
            .orElseThrow(
                () ->
                    Texts.invalid(
                        subject,
                        "the archive is over the limit of " + Limits.MAX_BYTES + " bytes (8 MiB)"));
    entry.digest().ifPresent(expected -> checkDigest(subject, entry, expected, bytes));
    LoadedApp loaded = ArchiveApps.load(subject, bytes, describe());
    List<ValidationProblem> problems = new ArrayList<>();
    if (!loaded.spec().name().equals(app)) {
      problems.add(
          ValidationProblem.of(
              "name", "is " + loaded.spec().name() + ", but the index lists it as " + app));
    }
    if (!loaded.spec().version().equals(version)) {
      problems.add(
          ValidationProblem.of(
              "version",
              "is " + loaded.spec().version() + ", but the index lists it as " + version));
    }
    if (!problems.isEmpty()) {
      throw new ValidationException(subject, problems);
    }
    return loaded;
  }

  private NotFoundException notFound(
      RepositoryIndex index, List<RepositoryIndex.Version> versions) {
    String has;
    if (versions.isEmpty()) {
      has =
          "it has no app "
              + app
              + (index.apps().isEmpty()
                  ? " and no other app"
                  : "; its apps are " + String.join(", ", index.apps().keySet()));
    } else {
      has =
          "the versions of "
              + app
              + " it has are "
              + versions.stream()
                  .map(RepositoryIndex.Version::version)
                  .sorted(Versions.OLDEST_FIRST.reversed())
                  .collect(Collectors.joining(", "));
    }
    return new NotFoundException(
        app + " " + version + " is not in " + repository.describe() + ": " + has);
  }

  private static void checkDigest(
      String subject, RepositoryIndex.Version entry, String expected, byte[] bytes) {
    String actual;
    try {
      actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    if (!actual.equals(expected)) {
      throw Texts.invalid(
          subject,
          entry.path() + ".digest",
          "the archive's SHA-256 is "
              + actual
              + ", but the index says "
              + expected
              + "; the archive changed or is not the one the index lists");
    }
  }

  /**
   * Names the repository, the app and the version.
   *
   * @return {@code repo <index URL> <app> <version>}
   */
  @Override
  public String describe() {
    return repository.describe() + " " + app + " " + version;
  }
}

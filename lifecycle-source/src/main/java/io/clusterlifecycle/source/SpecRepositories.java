package io.clusterlifecycle.source;

import io.clusterlifecycle.api.source.RepositoryEntry;
import io.clusterlifecycle.api.source.SpecRepository;
import io.clusterlifecycle.api.source.SpecSource;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Repositories of app archives with an index in Helm's {@code index.yaml} format (docs/sources.md):
 *
 * <pre>{@code
 * apiVersion: v1
 * entries:
 *   zookeeper:
 *     - version: 6.1.0
 *       description: ZooKeeper ensemble
 *       urls: [zookeeper-6.1.0.tgz]
 *       digest: <sha256 hex of the archive>
 * }</pre>
 *
 * <p>The {@code urls} are relative to the index or absolute; the first is read. A {@code digest},
 * when present, must match the archive. Archives are read as by {@link ArchiveSpecSource}, in
 * memory. The index is read afresh on every call; the repositories are thread-safe.
 */
public final class SpecRepositories {

  private SpecRepositories() {}

  /**
   * Opens a repository; nothing is read until it is searched or a source of it is loaded.
   *
   * @param urlOrDir an {@code http://} or {@code https://} URL, a {@code file:} URI or a directory
   *     path; the index is that address when it ends in {@code .yaml}, {@code .yml} or {@code
   *     .json}, and {@code index.yaml} under it otherwise. HTTP reads time out after 10 s to
   *     connect and 60 s waiting for a response.
   * @return the repository
   * @throws IllegalArgumentException if the address is blank, malformed or of another scheme
   */
  public static SpecRepository open(String urlOrDir) {
    return new IndexRepository(RepositoryLocation.of(Objects.requireNonNull(urlOrDir, "urlOrDir")));
  }

  /** The repository behind {@link #open(String)}. */
  static final class IndexRepository implements SpecRepository {

    private final RepositoryLocation location;

    IndexRepository(RepositoryLocation location) {
      this.location = location;
    }

    RepositoryLocation location() {
      return location;
    }

    RepositoryIndex index() {
      byte[] bytes = location.readIndex();
      String text =
          Texts.utf8(bytes)
              .orElseThrow(() -> Texts.invalid(describe(), "the index is not UTF-8 text"));
      return RepositoryIndex.parse(describe(), text, location.isJson());
    }

    @Override
    public List<RepositoryEntry> search(String term) {
      String needle = term.toLowerCase(Locale.ROOT);
      return index().apps().values().stream()
          .flatMap(List::stream)
          .filter(
              v ->
                  v.app().toLowerCase(Locale.ROOT).contains(needle)
                      || v.description().toLowerCase(Locale.ROOT).contains(needle))
          .sorted(
              Comparator.comparing(RepositoryIndex.Version::app)
                  .thenComparing(
                      RepositoryIndex.Version::version, Versions.OLDEST_FIRST.reversed()))
          .map(v -> new RepositoryEntry(v.app(), v.version(), v.description()))
          .toList();
    }

    @Override
    public SpecSource source(String app, String version) {
      return new RepositorySpecSource(this, app, version);
    }

    @Override
    public String describe() {
      return "repo " + location.describe();
    }
  }
}

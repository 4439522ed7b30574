package io.clusterlifecycle.source;

import io.clusterlifecycle.api.source.LoadedApp;
import io.clusterlifecycle.api.source.SpecSource;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An app archive on disk: a {@code .tgz}/{@code .tar.gz} or {@code .zip} holding the app spec
 * ({@code app.yaml}, {@code app.yml} or {@code app.json}, at the root or in a single top-level
 * directory such as {@code zookeeper/app.yaml}) with its scripts and templates.
 *
 * <p>The archive is read into memory and nothing is written to disk. It is refused whole, with a
 * {@link io.clusterlifecycle.api.error.ValidationException} naming the archive and the entry at
 * fault, when it holds no spec or more than one, an entry whose path is absolute or escapes the
 * root with {@code ..}, a symbolic or hard link, a file outside the spec's directory, a file that
 * is not UTF-8 text, more than 10,000 entries, or more than 8 MiB (compressed or not). The kind of
 * archive is told from its first bytes, not its name.
 *
 * <p>{@link LoadedApp#files()} holds every other file, keyed by its path relative to the spec's
 * directory. Thread-safe; every {@link #load()} reads the file again.
 */
public final class ArchiveSpecSource implements SpecSource {

  private final Path archive;

  /**
   * Names an archive; nothing is read until {@link #load()}.
   *
   * @param archive the archive file
   */
  public ArchiveSpecSource(Path archive) {
    this.archive = Objects.requireNonNull(archive, "archive");
  }

  /**
   * Reads the archive and the app in it.
   *
   * @return the spec, the other files and {@link #describe()}
   * @throws io.clusterlifecycle.api.error.ValidationException if the archive is refused (see the
   *     class description) or its spec is invalid
   * @throws UncheckedIOException if the file cannot be read
   */
  @Override
  public LoadedApp load() {
    byte[] bytes;
    try (InputStream in = Files.newInputStream(archive)) {
      bytes =
          Texts.readAtMost(in, Limits.MAX_BYTES)
              .orElseThrow(
                  () ->
                      Texts.invalid(
                          describe(),
                          "the archive is over the limit of "
                              + Limits.MAX_BYTES
                              + " bytes (8 MiB); an app archive holds a spec, scripts and"
                              + " templates"));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + describe(), e);
    }
    return ArchiveApps.load(describe(), bytes, describe());
  }

  /**
   * Names the archive.
   *
   * @return {@code archive <path>}
   */
  @Override
  public String describe() {
    return "archive " + archive;
  }
}

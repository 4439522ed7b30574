package io.clusterlifecycle.source;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.source.LoadedApp;
import io.clusterlifecycle.api.source.SpecSource;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.api.spec.TemplateSpec;
import io.clusterlifecycle.codec.AppSpecFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A spec file (JSON or YAML, {@link AppSpecFiles#read(Path)}) with the files beside it: every
 * regular file under the spec's directory, its subdirectories included, except the spec itself,
 * keyed by its path relative to that directory. A role's templates and scripts are among them.
 *
 * <p>Symbolic links are followed only to a regular file inside the directory; any other link is
 * left out, and linked directories are not entered. The files must be UTF-8 text and come to at
 * most 8 MiB in at most 10,000 files, or the load is refused with a {@link ValidationException}
 * naming the file or the limit. Thread-safe; every {@link #load()} reads the files again.
 */
public final class FileSpecSource implements SpecSource {

  private final Path spec;

  /**
   * Names a spec file; nothing is read until {@link #load()}.
   *
   * @param spec the spec file
   */
  public FileSpecSource(Path spec) {
    this.spec = Objects.requireNonNull(spec, "spec");
  }

  /**
   * Reads the spec and the files beside it.
   *
   * @return the spec, the files and {@link #describe()}
   * @throws ValidationException if the spec is missing or invalid, a file is not UTF-8 text, or the
   *     files are over the limits
   * @throws UncheckedIOException if the directory cannot be read
   */
  @Override
  public LoadedApp load() {
    AppSpec app = AppSpecFiles.read(spec);
    Path dir = spec.toAbsolutePath().normalize().getParent();
    Map<String, String> files = new TreeMap<>();
    try {
      Path realDir = dir.toRealPath();
      Path realSpec = spec.toRealPath();
      List<Path> found = list(dir);
      if (found.size() > Limits.MAX_ENTRIES) {
        throw overLimit(Limits.MAX_ENTRIES + " files");
      }
      long total = 0;
      for (Path file : found) {
        Path real = realPath(file);
        if (real == null
            || real.equals(realSpec)
            || !real.startsWith(realDir)
            || !Files.isRegularFile(real, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        String key = relative(dir, file);
        byte[] bytes;
        try (InputStream in = Files.newInputStream(real)) {
          // bounded as it is read, in case the file grows
          bytes =
              Texts.readAtMost(in, Limits.MAX_BYTES - total)
                  .orElseThrow(() -> overLimit(Limits.MAX_BYTES + " bytes (8 MiB)"));
        }
        total += bytes.length;
        String text =
            Texts.utf8(bytes)
                .orElseThrow(
                    () ->
                        Texts.invalid(
                            describe(),
                            "file " + key,
                            "is not UTF-8 text; an app's files are its spec, scripts and"
                                + " templates"));
        files.put(key, text);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the files under " + dir, e);
    }
    return new LoadedApp(app.withTemplateSources(files), files, describe());
  }

  /**
   * Reads a spec file and the template files it names (docs/design.md §15), and no other file of
   * its directory: for commands that need the spec alone.
   *
   * @param specFile the spec file
   * @return the spec, every template's content filled
   * @throws ValidationException for an invalid spec, or a template source that is missing, outside
   *     the spec's directory, not a regular file, too large or not UTF-8 text
   * @throws UncheckedIOException when a file cannot be read
   */
  public static AppSpec readSpec(Path specFile) {
    AppSpec app = AppSpecFiles.read(specFile);
    Path dir = specFile.toAbsolutePath().normalize().getParent();
    Map<String, String> files = new TreeMap<>();
    String subject = "file " + specFile;
    app.roles().stream()
        .flatMap(r -> r.templates().stream())
        .filter(t -> t.content().isEmpty())
        .flatMap(t -> t.source().stream())
        .distinct()
        .forEach(source -> template(subject, dir, source).ifPresent(t -> files.put(source, t)));
    return app.withTemplateSources(files);
  }

  /** The text of the template file {@code source} under {@code dir}; empty when there is none. */
  private static Optional<String> template(String subject, Path dir, String source) {
    try {
      Path file = dir.resolve(source).normalize();
      if (!file.startsWith(dir) || !Files.exists(file)) {
        return Optional.empty();
      }
      Path real = file.toRealPath();
      if (!real.startsWith(dir.toRealPath()) || !Files.isRegularFile(real)) {
        throw Texts.invalid(subject, "template " + source, "is not a regular file of " + dir);
      }
      byte[] bytes;
      try (InputStream in = Files.newInputStream(real)) {
        bytes =
            Texts.readAtMost(in, 4L * TemplateSpec.MAX_CHARS)
                .orElseThrow(
                    () ->
                        Texts.invalid(
                            subject,
                            "template " + source,
                            "is over " + TemplateSpec.MAX_CHARS + " characters"));
      }
      return Optional.of(
          Texts.utf8(bytes)
              .orElseThrow(
                  () -> Texts.invalid(subject, "template " + source, "is not UTF-8 text")));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read template " + source + " under " + dir, e);
    }
  }

  /**
   * Lists the regular files and links under {@code dir}, without entering linked directories; stops
   * past {@link Limits#MAX_ENTRIES}.
   */
  private static List<Path> list(Path dir) throws IOException {
    List<Path> found = new ArrayList<>();
    Files.walkFileTree(
        dir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
            if (attrs.isRegularFile() || attrs.isSymbolicLink()) {
              found.add(file);
            }
            return found.size() > Limits.MAX_ENTRIES
                ? FileVisitResult.TERMINATE
                : FileVisitResult.CONTINUE;
          }
        });
    found.sort(null);
    return found;
  }

  /** The file's real path, or null for a link that leads nowhere. */
  private static Path realPath(Path file) throws IOException {
    try {
      return file.toRealPath();
    } catch (NoSuchFileException e) {
      return null;
    }
  }

  private ValidationException overLimit(String limit) {
    return Texts.invalid(
        describe(),
        "the files under "
            + spec.toAbsolutePath().normalize().getParent()
            + " come to more than "
            + limit
            + ", over the limit; keep the spec in a directory of its own with its scripts and"
            + " templates");
  }

  private static String relative(Path dir, Path file) {
    List<String> parts = new ArrayList<>();
    dir.relativize(file).forEach(p -> parts.add(p.toString()));
    return String.join("/", parts);
  }

  /**
   * Names the spec file.
   *
   * @return {@code file <path>}
   */
  @Override
  public String describe() {
    return "file " + spec;
  }
}

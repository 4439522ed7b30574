package io.clusterlifecycle.source;

import io.clusterlifecycle.api.error.ValidationException;
import io.clusterlifecycle.api.source.LoadedApp;
import io.clusterlifecycle.api.spec.AppSpec;
import io.clusterlifecycle.codec.AppSpecFiles;
import io.clusterlifecycle.codec.SpecFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Turns the bytes of an archive into a {@link LoadedApp}: finds the spec ({@link #SPEC_NAMES} at
 * the root, or in the single top-level directory), parses it and keeps every other file, keyed by
 * its path relative to the spec's directory.
 */
final class ArchiveApps {

  /** The names an archive's spec may have, in the order they are looked for. */
  static final List<String> SPEC_NAMES = List.of("app.yaml", "app.yml", "app.json");

  private ArchiveApps() {}

  /**
   * Reads an app from an archive held in memory.
   *
   * @param subject names the archive in errors, for example {@code archive zk-6.1.0.tgz}
   * @param bytes the archive
   * @param origin what the source says of itself
   * @return the app
   * @throws ValidationException if the archive is unsafe, too large, holds no spec or more than
   *     one, or holds an invalid spec or a file that is not UTF-8 text
   */
  static LoadedApp load(String subject, byte[] bytes, String origin) {
    if (bytes.length > Limits.MAX_BYTES) {
      throw Texts.invalid(
          subject,
          "the archive is "
              + bytes.length
              + " bytes, over the limit of "
              + Limits.MAX_BYTES
              + " bytes (8 MiB)");
    }
    List<ArchiveEntries.Entry> entries = ArchiveEntries.read(subject, bytes);
    ArchiveEntries.Entry spec = findSpec(subject, entries);
    int slash = spec.path().lastIndexOf('/');
    String dir = slash < 0 ? "" : spec.path().substring(0, slash + 1);
    Map<String, String> files = new TreeMap<>();
    for (ArchiveEntries.Entry e : entries) {
      if (e == spec) {
        continue;
      }
      if (!e.path().startsWith(dir)) {
        throw Texts.invalid(
            subject,
            "entry " + e.path(),
            "lies outside " + dir + ", the directory of the spec; an archive holds one app");
      }
      files.put(e.path().substring(dir.length()), text(subject, e));
    }
    return new LoadedApp(parse(subject, spec).withTemplateSources(files), files, origin);
  }

  private static ArchiveEntries.Entry findSpec(String subject, List<ArchiveEntries.Entry> entries) {
    List<ArchiveEntries.Entry> atRoot =
        entries.stream().filter(e -> SPEC_NAMES.contains(e.path())).toList();
    List<ArchiveEntries.Entry> candidates =
        atRoot.isEmpty()
            ? entries.stream()
                .filter(e -> e.path().chars().filter(c -> c == '/').count() == 1)
                .filter(e -> SPEC_NAMES.contains(e.path().substring(e.path().indexOf('/') + 1)))
                .toList()
            : atRoot;
    if (candidates.isEmpty()) {
      throw Texts.invalid(
          subject,
          "the archive holds no app spec: looked for "
              + String.join(", ", SPEC_NAMES)
              + " at its root and in a top-level directory (for example zookeeper/app.yaml)");
    }
    if (candidates.size() > 1) {
      throw Texts.invalid(
          subject,
          "the archive holds more than one app spec ("
              + candidates.stream()
                  .map(ArchiveEntries.Entry::path)
                  .collect(Collectors.joining(", "))
              + "); it must hold exactly one");
    }
    return candidates.get(0);
  }

  private static AppSpec parse(String subject, ArchiveEntries.Entry spec) {
    String content = text(subject, spec);
    SpecFormat format = spec.path().endsWith(".json") ? SpecFormat.JSON : SpecFormat.YAML;
    try {
      return AppSpecFiles.parse(content, format);
    } catch (ValidationException e) {
      throw new ValidationException(subject + " entry " + spec.path(), e.problems());
    }
  }

  private static String text(String subject, ArchiveEntries.Entry e) {
    return Texts.utf8(e.data())
        .orElseThrow(
            () ->
                Texts.invalid(
                    subject,
                    "entry " + e.path(),
                    "is not UTF-8 text; an app's files are its spec, scripts and templates"));
  }
}

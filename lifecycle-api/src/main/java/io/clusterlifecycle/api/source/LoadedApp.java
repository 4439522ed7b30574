package io.clusterlifecycle.api.source;

import io.clusterlifecycle.api.spec.AppSpec;
import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;

/**
 * An app spec with the text files that came with it (scripts, templates), keyed by their path
 * relative to the spec's directory or archive root, with {@code /} separators and no {@code ..}.
 *
 * @param spec the app spec
 * @param files file paths mapped to their UTF-8 text; sorted by path
 * @param origin what {@link SpecSource#describe()} said of the source
 */
public record LoadedApp(AppSpec spec, Map<String, String> files, String origin) {

  /**
   * Checks for nulls and copies the files.
   *
   * @param spec the app spec
   * @param files file paths mapped to their UTF-8 text; copied
   * @param origin what the source said of itself
   * @throws NullPointerException if a component, a path or a text is null
   * @throws IllegalArgumentException if a path is absolute or holds a {@code ..} segment
   */
  public LoadedApp {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(origin, "origin");
    files = Collections.unmodifiableMap(new TreeMap<>(files));
    files.forEach(
        (path, text) -> {
          Objects.requireNonNull(text, "text of " + path);
          if (path.startsWith("/") || ("/" + path + "/").contains("/../")) {
            throw new IllegalArgumentException("file path " + path + " escapes the app's files");
          }
        });
  }
}

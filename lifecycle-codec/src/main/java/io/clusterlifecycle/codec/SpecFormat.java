package io.clusterlifecycle.codec;

import java.nio.file.Path;
import java.util.Locale;

/** The file formats an app spec can be read from and written to. */
public enum SpecFormat {
  /** JSON, as in the app-center {@code cluster.json}. */
  JSON,
  /** YAML 1.1, one document per file. */
  YAML;

  /**
   * Picks the format from a file name: {@code .json} is JSON, anything else YAML (a JSON document
   * is also valid YAML, so a misnamed JSON file still reads).
   *
   * @param file the file
   * @return the format its name suggests
   */
  public static SpecFormat forFile(Path file) {
    Path name = file.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(".json") ? JSON : YAML;
  }
}

package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.plan.RenderedFile;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes rendered files on a node through the command executor (docs/design.md §15): a fixed script
 * reads each file's path, mode and base64 text from {@code LC_TEMPLATE_*} variables and replaces
 * the file atomically. Nothing of a file is ever part of the script's text.
 */
final class TemplateWriter {
  /** The service name the writer's runs are reported under. */
  static final String SERVICE = io.clusterlifecycle.core.internal.plan.Planner.RENDER;

  /** Base64 characters per variable, well under the per-string limit of execve. */
  static final int CHUNK = 64 * 1024;

  static final String SCRIPT =
      String.join(
          "\n",
          "set -eu",
          "umask 077",
          "i=0",
          "while [ \"$i\" -lt \"$LC_TEMPLATE_COUNT\" ]; do",
          "  dest=$(printenv \"LC_TEMPLATE_${i}_PATH\")",
          "  mode=$(printenv \"LC_TEMPLATE_${i}_MODE\")",
          "  dir=$(dirname -- \"$dest\")",
          "  mkdir -p -- \"$dir\"",
          "  tmp=\"$dir/.lc-template.$$.$i\"",
          "  j=0",
          "  while v=$(printenv \"LC_TEMPLATE_${i}_DATA_${j}\"); do",
          "    printf '%s' \"$v\"",
          "    j=$((j + 1))",
          "  done | base64 -d > \"$tmp\"",
          "  chmod \"$mode\" \"$tmp\"",
          "  mv -f -- \"$tmp\" \"$dest\"",
          "  i=$((i + 1))",
          "done",
          "");

  private TemplateWriter() {}

  /** The variables that carry {@code files} to {@link #SCRIPT}. */
  static Map<String, String> environment(List<RenderedFile> files) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LC_TEMPLATE_COUNT", String.valueOf(files.size()));
    for (int i = 0; i < files.size(); i++) {
      RenderedFile f = files.get(i);
      String p = "LC_TEMPLATE_" + i + "_";
      env.put(p + "PATH", f.destination());
      env.put(p + "MODE", f.mode());
      String data =
          Base64.getEncoder().encodeToString(f.content().getBytes(StandardCharsets.UTF_8));
      int chunks = Math.max(1, (data.length() + CHUNK - 1) / CHUNK);
      for (int j = 0; j < chunks; j++) {
        env.put(
            p + "DATA_" + j, data.substring(j * CHUNK, Math.min(data.length(), (j + 1) * CHUNK)));
      }
    }
    return env;
  }
}

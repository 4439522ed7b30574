package io.clusterlifecycle.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** What the figures were measured on: commit, processors, CPU model, JVM, load. */
public final class Environment {
  private Environment() {}

  /**
   * Describes this machine and JVM. The commit comes from {@code LIFECYCLE_BENCH_COMMIT} (the
   * launcher sets it) or else from {@code git rev-parse HEAD} in the working directory.
   *
   * @return name to value
   */
  public static Map<String, Object> describe() {
    Map<String, Object> env = new LinkedHashMap<>();
    env.put("commit", commit());
    env.put("nproc", Runtime.getRuntime().availableProcessors());
    env.put("cpu_model", cpuModel());
    env.put(
        "java_version",
        System.getProperty("java.runtime.version", "?")
            + " ("
            + System.getProperty("java.vm.name", "?")
            + ", "
            + System.getProperty("java.vendor", "?")
            + ")");
    env.put(
        "os",
        System.getProperty("os.name")
            + " "
            + System.getProperty("os.version")
            + " "
            + System.getProperty("os.arch"));
    env.put("max_heap_mb", Runtime.getRuntime().maxMemory() / (1024 * 1024));
    env.put("load_average", loadAverage());
    return env;
  }

  /**
   * The one-minute load average, or empty when unknown; a busy machine makes every figure worse, so
   * suites print it at their start and end.
   *
   * @return the first field of {@code /proc/loadavg}
   */
  public static String loadAverage() {
    try {
      String[] f =
          Files.readString(Path.of("/proc/loadavg"), StandardCharsets.UTF_8).trim().split("\\s+");
      return f.length > 0 ? f[0] : "";
    } catch (IOException | RuntimeException e) {
      return "";
    }
  }

  private static String commit() {
    String fromLauncher = System.getenv("LIFECYCLE_BENCH_COMMIT");
    if (fromLauncher != null && !fromLauncher.isBlank()) {
      return fromLauncher.trim();
    }
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
      if (p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0) {
        return out;
      }
    } catch (IOException e) {
      return "unknown";
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return "unknown";
  }

  private static String cpuModel() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/cpuinfo"), StandardCharsets.UTF_8)) {
        if (line.startsWith("model name")) {
          return line.substring(line.indexOf(':') + 1).trim();
        }
      }
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
    return "unknown";
  }
}

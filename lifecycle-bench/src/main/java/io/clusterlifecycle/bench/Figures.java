package io.clusterlifecycle.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The figures a suite measured: the headline figures of the issue (each printed once as {@code
 * name=value} on standard output) and supporting details (only in the JSON file and on standard
 * error), with the targets they are held against. Not thread-safe.
 */
public final class Figures {

  /** The headline figures, in the order they are printed, with their targets. */
  public enum Target {
    /** Makespan over critical path, 100 nodes; no target. */
    MAKESPAN_100("makespan_ratio_100", Double.NaN, false),
    /** Makespan over critical path, 1,000 nodes: at most 1.05. */
    MAKESPAN_1000("makespan_ratio_1000", 1.05, false),
    /** Makespan over critical path, 10,000 nodes: at most 1.10. */
    MAKESPAN_10000("makespan_ratio_10000", 1.10, false),
    /** Planning a 10,000-node, 20-role create: at most 50 ms. */
    PLAN("plan_ms_10000x20", 50, false),
    /** Engine steps per second with zero-latency SPIs: at least 50,000. */
    ENGINE("engine_steps_per_s", 50_000, true),
    /** Journaled steps per second on SQLite, grouped commits: at least 20,000. */
    JOURNAL("journal_steps_per_s", 20_000, true),
    /** Grouped journal over raw fsync'ed appends: at least 0.8. */
    JOURNAL_VS_RAW("journal_vs_raw_fsync", 0.8, true),
    /** Heap of 10,000 clusters with 100 operations in flight: runs within 512 MB. */
    HEAP("heap_mb_10000_clusters", 512, false),
    /** Resuming 1,000 interrupted operations: at most 2 s. */
    RESUME("resume_s_1000_ops", 2, false),
    /** The same resume on PostgreSQL: at most 2 s. */
    RESUME_POSTGRES("resume_s_1000_ops_postgres", 2, false),
    /** Creates per second with 100,000 clusters in the SQLite store; no target of its own. */
    ESTATE("estate_create_per_s", Double.NaN, true),
    /** The create rate at 100,000 clusters over the rate at 1,000: at least 0.8 (flat). */
    ESTATE_FLATNESS("estate_create_flatness", 0.8, true),
    /** {@code ./lifecycle list} on an empty home, whole process, seconds: at most 0.6. */
    CLI_START("cli_start_s", 0.6, false),
    /** {@code ./lifecycle create} of 100 local nodes, four stages of 0.05 s: at most 1.5 s. */
    LOCAL_CREATE_100("local_create_100_s", 1.5, false),
    /** The same with 1,000 nodes: at most 6 s. */
    LOCAL_CREATE_1000("local_create_1000_s", 6, false);

    private final String figure;
    private final double limit;
    private final boolean atLeast;

    Target(String figure, double limit, boolean atLeast) {
      this.figure = figure;
      this.limit = limit;
      this.atLeast = atLeast;
    }

    /**
     * The figure's name.
     *
     * @return the name printed before {@code =}
     */
    public String figure() {
      return figure;
    }

    /**
     * Tells whether a value meets the target.
     *
     * @param value the measured value
     * @return true when met; false when missed or not measured; true when there is no target
     */
    public boolean met(double value) {
      if (Double.isNaN(limit)) {
        return true;
      }
      if (Double.isNaN(value)) {
        return false;
      }
      return atLeast ? value >= limit : value <= limit;
    }

    /**
     * The target in words.
     *
     * @return for example {@code <= 1.05}
     */
    public String describe() {
      if (Double.isNaN(limit)) {
        return "(none)";
      }
      return (atLeast ? ">= " : "<= ") + format(limit);
    }
  }

  private final Map<String, Double> headline = new LinkedHashMap<>();
  private final Map<String, Object> details = new LinkedHashMap<>();
  private final List<String> failures = new ArrayList<>();

  /**
   * Records a headline figure.
   *
   * @param target which
   * @param value the measured value; NaN when its run failed
   */
  public void put(Target target, double value) {
    headline.put(target.figure(), value);
  }

  /**
   * Records a supporting detail.
   *
   * @param name its name
   * @param value a number or a text
   */
  public void detail(String name, Object value) {
    details.put(name, value);
  }

  /**
   * Records that a run failed; its figures stay NaN.
   *
   * @param what which run and why
   */
  public void failed(String what) {
    failures.add(what);
  }

  /**
   * The runs that failed.
   *
   * @return descriptions
   */
  public List<String> failures() {
    return List.copyOf(failures);
  }

  /**
   * The headline figures measured so far.
   *
   * @return name to value, in order
   */
  public Map<String, Double> headline() {
    return Map.copyOf(headline);
  }

  /**
   * Prints one {@code name=value} line per headline figure, in the order of {@link Target}.
   *
   * @param out where
   * @param all true to print every figure ({@code NaN} for one not measured), false to print only
   *     those measured
   */
  public void printHeadline(PrintStream out, boolean all) {
    for (Target t : Target.values()) {
      if (all || headline.containsKey(t.figure())) {
        out.println(t.figure() + "=" + format(headline.getOrDefault(t.figure(), Double.NaN)));
      }
    }
    out.flush();
  }

  /**
   * Prints each figure against its target, for people.
   *
   * @param out where
   */
  public void printTargets(PrintStream out) {
    for (Target t : Target.values()) {
      if (!headline.containsKey(t.figure())) {
        continue;
      }
      double v = headline.get(t.figure());
      out.printf(
          Locale.ROOT,
          "  %-24s %14s  target %-10s %s%n",
          t.figure(),
          format(v),
          t.describe(),
          Double.isNaN(v) ? "NOT MEASURED" : t.met(v) ? "met" : "MISSED");
    }
  }

  /**
   * Writes every figure, the details and the environment as one JSON object.
   *
   * @param file the file to (over)write
   * @param environment what the figures were measured on
   */
  public void writeJson(Path file, Map<String, Object> environment) {
    Map<String, Object> root = new LinkedHashMap<>();
    for (Target t : Target.values()) {
      root.put(t.figure(), headline.getOrDefault(t.figure(), Double.NaN));
    }
    Map<String, Object> targets = new LinkedHashMap<>();
    for (Target t : Target.values()) {
      double v = headline.getOrDefault(t.figure(), Double.NaN);
      Map<String, Object> one = new LinkedHashMap<>();
      one.put("target", t.describe());
      one.put("met", !Double.isNaN(v) && t.met(v));
      targets.put(t.figure(), one);
    }
    root.put("targets", targets);
    root.put("details", details);
    root.put("failures", failures);
    root.put("environment", environment);
    try {
      Path parent = file.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(file, json(root, "") + "\n", StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write " + file, e);
    }
  }

  /**
   * Formats a figure: integers above 1,000 without decimals, others with up to four.
   *
   * @param v the value
   * @return the text
   */
  public static String format(double v) {
    if (Double.isNaN(v) || Double.isInfinite(v)) {
      return "NaN";
    }
    if (Math.abs(v) >= 1000) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    if (Math.abs(v) >= 10) {
      return String.format(Locale.ROOT, "%.1f", v);
    }
    return String.format(Locale.ROOT, "%.4f", v).replaceAll("0+$", "").replaceAll("\\.$", "");
  }

  private static String json(Object v, String indent) {
    if (v == null) {
      return "null";
    } else if (v instanceof Double d) {
      return d.isNaN() || d.isInfinite() ? "null" : format(d);
    } else if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    } else if (v instanceof Map<?, ?> m) {
      if (m.isEmpty()) {
        return "{}";
      }
      StringBuilder s = new StringBuilder("{\n");
      String inner = indent + "  ";
      int i = 0;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        s.append(inner)
            .append(quote(String.valueOf(e.getKey())))
            .append(": ")
            .append(json(e.getValue(), inner))
            .append(++i < m.size() ? ",\n" : "\n");
      }
      return s.append(indent).append('}').toString();
    } else if (v instanceof List<?> l) {
      if (l.isEmpty()) {
        return "[]";
      }
      StringBuilder s = new StringBuilder("[\n");
      String inner = indent + "  ";
      for (int i = 0; i < l.size(); i++) {
        s.append(inner).append(json(l.get(i), inner)).append(i + 1 < l.size() ? ",\n" : "\n");
      }
      return s.append(indent).append(']').toString();
    }
    return quote(v.toString());
  }

  private static String quote(String s) {
    StringBuilder q = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\r' -> q.append("\\r");
        case '\t' -> q.append("\\t");
        default -> {
          if (c < 0x20) {
            q.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }
}

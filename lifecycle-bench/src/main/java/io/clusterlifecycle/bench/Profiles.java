package io.clusterlifecycle.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;
import one.profiler.AsyncProfiler;
import one.profiler.AsyncProfilerLoader;

/**
 * CPU profiles of the figures' measured parts ({@code --profile DIR}), taken with async-profiler
 * and written as flame graphs ({@code DIR/<name>.html}, with the stacks as text beside them): what
 * the issue that set the targets asks for beside a missed figure. A profile covers only what its
 * figure measures (the makespan's measured runs, not their warm-up), one at a time, since the
 * profiler samples one thing at a time per JVM. The command-line tool's runs are separate
 * processes: they get the profiler as an agent of their own JVM ({@link #agentOptions}), which
 * covers the whole process.
 *
 * <p>CPU samples come from perf_events where the kernel allows them to this user, else from a
 * per-thread CPU timer ({@code ctimer}), which sees no kernel frames. Figures measured while a
 * profiler samples are slower than without it; the suite says so when it prints them.
 */
final class Profiles {
  /** No profiles: every section runs its work and writes nothing. */
  static final Profiles NONE = new Profiles(null, null, null, null);

  private final Path dir;
  private final AsyncProfiler profiler;
  private final Path library;
  private final String event;

  private Profiles(Path dir, AsyncProfiler profiler, Path library, String event) {
    this.dir = dir;
    this.profiler = profiler;
    this.library = library;
    this.event = event;
  }

  /**
   * Loads async-profiler for this JVM and checks that it can sample CPU here, so that a suite asked
   * for profiles fails before it measures anything rather than after.
   *
   * @param dir where the flame graphs go; created, once the profiler has shown it can sample, if
   *     missing
   * @param log where the sampling engine in use is reported
   * @return profiles into {@code dir}
   * @throws IllegalArgumentException if async-profiler does not run on this platform, or samples
   *     neither with perf_events nor with a CPU timer
   */
  static Profiles into(Path dir, PrintStream log) {
    if (!AsyncProfilerLoader.isSupported()) {
      throw new IllegalArgumentException(
          "--profile: async-profiler has no library for "
              + System.getProperty("os.name")
              + "/"
              + System.getProperty("os.arch")
              + "; run the suite without --profile");
    }
    // absolute: the command-line tool's runs have working directories of their own
    Path where = dir.toAbsolutePath().normalize();
    if (where.toString().contains(",")
        || where.toString().chars().anyMatch(Character::isWhitespace)) {
      // the profiler's options are comma-separated, and the tool's JVM options space-separated
      throw new IllegalArgumentException(
          "--profile: choose a directory whose path has no comma or space, not '" + where + "'");
    }
    try {
      AsyncProfiler profiler = AsyncProfilerLoader.load();
      String event = probe(profiler);
      Files.createDirectories(where);
      log.printf(
          Locale.ROOT,
          "lifecycle-bench: profiles (async-profiler %s, event %s) go to %s; figures measured while"
              + " profiling are slower than without%n",
          profiler.getVersion(),
          event,
          where);
      return new Profiles(where, profiler, AsyncProfilerLoader.getAsyncProfilerPath(), event);
    } catch (IOException e) {
      throw new UncheckedIOException("--profile: could not load async-profiler", e);
    }
  }

  /** The first CPU sampling engine that starts here: perf_events, else a per-thread CPU timer. */
  private static String probe(AsyncProfiler profiler) throws IOException {
    IllegalStateException refused = null;
    for (String event : List.of("cpu", "ctimer")) {
      try {
        profiler.execute("start," + sampling(event));
        profiler.execute("stop");
        return event;
      } catch (IllegalStateException e) {
        refused = e;
      }
    }
    throw new IllegalArgumentException(
        "--profile: async-profiler cannot sample CPU here (" + refused.getMessage() + ")");
  }

  /**
   * Runs {@code work} while sampling it and, once it has returned, writes the samples to {@code
   * DIR/<name>.html} (a flame graph) and {@code DIR/<name>.collapsed} (one line per distinct stack,
   * thread first, then its sample count); if it throws, nothing is written.
   *
   * @param name the profile's name, for example {@code makespan_1000}
   * @param work the measured part of a figure
   * @param <T> what it returns
   * @return what {@code work} returned
   */
  <T> T sample(String name, Supplier<T> work) {
    if (profiler == null) {
      return work.get();
    }
    try {
      profiler.execute("start," + sampling(event));
      T result;
      try {
        result = work.get();
      } finally {
        // a section that failed leaves no profile, and its own exception is what the suite reports
        profiler.execute("stop");
      }
      profiler.execute("dump,collapsed,file=" + dir.resolve(name + ".collapsed"));
      profiler.execute("dump,flamegraph,title=" + name + ",file=" + dir.resolve(name + ".html"));
      return result;
    } catch (IOException e) {
      throw new UncheckedIOException("could not write the profile " + name + " in " + dir, e);
    }
  }

  /**
   * JVM options that sample a whole child process from its start and write {@code DIR/<name>.html}
   * when it exits; empty when no profiles are taken.
   *
   * @param name the profile's name
   * @return the agent option, if profiles are taken
   */
  Optional<String> agentOptions(String name) {
    if (profiler == null) {
      return Optional.empty();
    }
    return Optional.of(
        "-agentpath:"
            + library
            + "=start,"
            + sampling(event)
            + ",file="
            + dir.resolve(name + ".html"));
  }

  /** How the profiler samples with {@code event}: each thread's stacks apart, every 1 ms of CPU. */
  private static String sampling(String event) {
    return "event=" + event + ",interval=1ms,threads";
  }
}

package io.clusterlifecycle.bench;

import io.clusterlifecycle.bench.Figures.Target;
import io.clusterlifecycle.testsupport.PostgresServer;
import java.io.PrintStream;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The suite's resume figures: {@link ResumeRun} on SQLite, then on a PostgreSQL server of this
 * machine, each after an unmeasured run whose figure is kept in the details as the cold one.
 */
final class ResumeRuns {

  private final Figures figures;
  private final PrintStream log;
  private final ChildJvm jvm;
  private final Path workDir;

  /**
   * @param figures where the figures go
   * @param log where progress goes
   * @param jvm starts the JVMs that are killed and the ones that resume
   * @param workDir where the SQLite runs' directories go
   */
  ResumeRuns(Figures figures, PrintStream log, ChildJvm jvm, Path workDir) {
    this.figures = figures;
    this.log = log;
    this.jvm = jvm;
    this.workDir = workDir;
  }

  /**
   * Measures the resume on SQLite, then on PostgreSQL.
   *
   * @param repeats measured runs on each, after one unmeasured run
   */
  void run(int repeats) {
    measure(
        Target.RESUME,
        "resume_s_runs",
        "",
        repeats,
        () -> {
          Path dir = Suite.tempDir(workDir, "resume");
          try {
            return ResumeRun.run(dir, ResumeRun.OPERATIONS, jvm);
          } finally {
            Suite.deleteTree(dir);
          }
        },
        r -> {
          log.printf(
              Locale.ROOT,
              "resume of %d operations interrupted by SIGKILL: %.2f s, of which"
                  + " %.2f s building the engine (it starts the recoveries before it returns);"
                  + " setup %.1f s%n",
              r.operations(),
              r.resumeSeconds(),
              r.buildNanos() / 1e9,
              r.setupNanos() / 1e9);
          figures.detail("resume_build_s", r.buildNanos() / 1e9);
          figures.detail("resume_store_calls", r.storeCalls());
          figures.detail("resume_store_calls_by_thread", r.storeThreads());
          figures.detail("resume_commits", r.commits());
          log.println(
              "  store calls during the resume: "
                  + r.storeCalls()
                  + "; by thread: "
                  + r.storeThreads()
                  + "; transactions committed: "
                  + r.commits());
        });
    resumeOnPostgres(repeats);
  }

  /**
   * The same resume on a PostgreSQL server of this machine (Debian's package, installed if need
   * be), in a database of its own for each run, after a warm-up run of its own (the driver's code
   * is new to the JVM).
   */
  private void resumeOnPostgres(int repeats) {
    try (PostgresServer pg = PostgresServer.start()) {
      measure(
          Target.RESUME_POSTGRES,
          "resume_s_runs_postgres",
          " on PostgreSQL",
          repeats,
          () -> {
            try {
              return ResumeRun.run(
                  pg.createDatabase(),
                  PostgresServer.USER,
                  PostgresServer.PASSWORD,
                  ResumeRun.OPERATIONS,
                  jvm);
            } catch (SQLException e) {
              throw new IllegalStateException("could not create the run's database: " + e, e);
            }
          },
          r -> {
            log.printf(
                Locale.ROOT,
                "resume of %d operations on PostgreSQL: %.2f s (setup %.1f s); store calls %s;"
                    + " transactions committed: %d%n",
                r.operations(),
                r.resumeSeconds(),
                r.setupNanos() / 1e9,
                r.storeCalls(),
                r.commits());
            figures.detail("resume_commits_postgres", r.commits());
          });
    } catch (Exception e) {
      throw new IllegalStateException("the resume run on PostgreSQL failed: " + e, e);
    }
  }

  /**
   * One unmeasured resume, as for the makespan: in a fresh JVM the compilers take most of both
   * cores during the first (docs/performance.md), so its figure is only kept in the details as
   * {@code <figure>_first}. Then {@code repeats} measured ones, each reported, whose median is the
   * figure.
   */
  private void measure(
      Target target,
      String runsDetail,
      String where,
      int repeats,
      Supplier<ResumeRun.Result> resume,
      Consumer<ResumeRun.Result> report) {
    ResumeRun.Result first = resume.get();
    figures.detail(target.figure() + "_first", first.resumeSeconds());
    log.printf(
        Locale.ROOT,
        "resume of %d operations%s, first run (cold JVM, not counted): %.2f s%n",
        first.operations(),
        where,
        first.resumeSeconds());
    List<Double> seconds = new ArrayList<>();
    for (int i = 0; i < repeats; i++) {
      ResumeRun.Result r = resume.get();
      seconds.add(r.resumeSeconds());
      report.accept(r);
    }
    seconds.sort(null);
    figures.put(target, seconds.get(seconds.size() / 2));
    figures.detail(runsDetail, seconds);
  }
}

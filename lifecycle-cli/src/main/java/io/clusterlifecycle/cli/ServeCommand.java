package io.clusterlifecycle.cli;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Runs an engine that takes over interrupted operations until the process is stopped: a replica of
 * a control plane sharing its store (PostgreSQL or etcd) with others.
 */
@Command(
    name = "serve",
    description =
        "Run an engine that resumes and takes over interrupted"
            + " operations (those whose engine died), checks the health of running clusters and"
            + " runs their elasticity and scheduled policies"
            + " until stopped with Ctrl-C or SIGTERM.")
final class ServeCommand implements Callable<Integer> {
  @ParentCommand LifecycleCli parent;

  @CommandLine.Spec CommandLine.Model.CommandSpec command;

  @Option(
      names = "--every",
      paramLabel = "SEC",
      defaultValue = "5",
      description = "How often to look for interrupted operations (default: ${DEFAULT-VALUE}).")
  long everySeconds;

  @Option(
      names = "--health-every",
      paramLabel = "SEC",
      defaultValue = "60",
      description =
          "How often to check the health of idle running clusters, moving them between RUNNING"
              + " and WARNING; 0 turns it off (default: ${DEFAULT-VALUE}).")
  long healthSeconds;

  @Option(
      names = "--autoscale-every",
      paramLabel = "SEC",
      defaultValue = "15",
      description =
          "How often to run roles' elasticity and scheduled policies and end cooldowns that have"
              + " passed; 0 turns it off (default: ${DEFAULT-VALUE}).")
  long autoscaleSeconds;

  @Override
  public Integer call() throws InterruptedException {
    if (everySeconds <= 0) {
      throw new io.clusterlifecycle.api.error.ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--every", "must be a positive number of" + " seconds, was " + everySeconds)));
    }
    if (healthSeconds < 0) {
      throw new io.clusterlifecycle.api.error.ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--health-every",
                  "must be 0 (off) or a positive number of seconds, was " + healthSeconds)));
    }
    if (autoscaleSeconds < 0) {
      throw new io.clusterlifecycle.api.error.ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--autoscale-every",
                  "must be 0 (off) or a positive number of seconds, was " + autoscaleSeconds)));
    }
    parent.checkGlobalOptions();
    Session session =
        parent.openSession(
            b ->
                b.takeOverInterrupted(Duration.ofSeconds(everySeconds))
                    .checkHealthEvery(healthSeconds == 0 ? null : Duration.ofSeconds(healthSeconds))
                    .autoscaleEvery(
                        autoscaleSeconds == 0 ? null : Duration.ofSeconds(autoscaleSeconds)));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  session.close();
                  stopped.countDown();
                },
                "lifecycle-serve-stop"));
    command
        .commandLine()
        .getErr()
        .println(
            "lifecycle serve: taking over interrupted operations"
                + " every "
                + everySeconds
                + " s"
                + (healthSeconds == 0 ? "" : ", checking health every " + healthSeconds + " s")
                + (autoscaleSeconds == 0 ? "" : ", autoscaling every " + autoscaleSeconds + " s")
                + "; stop with Ctrl-C");
    command.commandLine().getErr().flush();
    stopped.await();
    return ExitCodes.OK;
  }
}

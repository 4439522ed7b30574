package io.clusterlifecycle.cli;

import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
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
            + " runs their elasticity and scheduled policies, reconciles their records with the"
            + " infrastructure until stopped with Ctrl-C or SIGTERM.")
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

  @Option(
      names = "--reconcile-every",
      paramLabel = "SEC",
      defaultValue = "300",
      description =
          "How often to compare every cluster's record with the infrastructure, reporting each"
              + " difference as a DRIFT_FOUND event (in the --trace); 0 turns it off (default:"
              + " ${DEFAULT-VALUE}).")
  long reconcileSeconds;

  @Option(
      names = "--metrics-port",
      paramLabel = "PORT",
      description =
          "Serve the engine's meters in the Prometheus text format at"
              + " http://HOST:PORT/metrics (0: any free port). Off by default.")
  Integer metricsPort;

  @Option(
      names = "--metrics-host",
      paramLabel = "HOST",
      defaultValue = "127.0.0.1",
      description = "The address the metrics endpoint listens on (default: ${DEFAULT-VALUE}).")
  String metricsHost;

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
    if (reconcileSeconds < 0) {
      throw new io.clusterlifecycle.api.error.ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--reconcile-every",
                  "must be 0 (off) or a positive number of seconds, was " + reconcileSeconds)));
    }
    if (metricsPort != null && (metricsPort < 0 || metricsPort > 65535)) {
      throw new io.clusterlifecycle.api.error.ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--metrics-port", "must be a port from 0 to 65535, was " + metricsPort)));
    }
    parent.checkGlobalOptions();
    PrometheusMeterRegistry meters =
        metricsPort == null ? null : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    MetricsEndpoint endpoint = meters == null ? null : endpoint(jvm(meters));
    Session session;
    try {
      session = parent.openSession(b -> settings(b, meters));
    } catch (RuntimeException e) {
      if (endpoint != null) {
        endpoint.close();
      }
      throw e;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  session.close();
                  if (endpoint != null) {
                    endpoint.close();
                  }
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
                + (reconcileSeconds == 0 ? "" : ", reconciling every " + reconcileSeconds + " s")
                + (endpoint == null ? "" : ", metrics on " + endpoint.url())
                + "; stop with Ctrl-C");
    command.commandLine().getErr().flush();
    stopped.await();
    return ExitCodes.OK;
  }

  private void settings(
      io.clusterlifecycle.core.LifecycleEngineBuilder b, PrometheusMeterRegistry meters) {
    b.takeOverInterrupted(Duration.ofSeconds(everySeconds))
        .checkHealthEvery(healthSeconds == 0 ? null : Duration.ofSeconds(healthSeconds))
        .autoscaleEvery(autoscaleSeconds == 0 ? null : Duration.ofSeconds(autoscaleSeconds))
        .reconcileEvery(reconcileSeconds == 0 ? null : Duration.ofSeconds(reconcileSeconds));
    if (meters != null) {
      b.meterRegistry(meters);
    }
  }

  private MetricsEndpoint endpoint(PrometheusMeterRegistry meters) {
    try {
      return MetricsEndpoint.start(metricsHost, metricsPort, meters);
    } catch (java.io.IOException | RuntimeException e) {
      throw new io.clusterlifecycle.api.error.ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--metrics-port",
                  "cannot listen on "
                      + metricsHost
                      + ":"
                      + metricsPort
                      + " ("
                      + e.getMessage()
                      + "); choose a free port or another --metrics-host")));
    }
  }

  /** The registry, with the JVM's own meters bound to it. */
  private static PrometheusMeterRegistry jvm(PrometheusMeterRegistry meters) {
    new JvmMemoryMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    return meters;
  }
}

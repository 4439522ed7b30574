package io.clusterlifecycle.cli;

import io.clusterlifecycle.api.error.ConflictException;
import io.clusterlifecycle.api.error.IllegalStateTransitionException;
import io.clusterlifecycle.api.error.LifecycleException;
import io.clusterlifecycle.api.error.NotFoundException;
import io.clusterlifecycle.api.error.ValidationException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The {@code lifecycle} command-line tool: a thin shell over the library that runs app specs on the
 * local machine, Kubernetes or SSH hosts, with records in SQLite, PostgreSQL, etcd or Kubernetes
 * (docs/design.md §10).
 */
@Command(
    name = "lifecycle",
    mixinStandardHelpOptions = true,
    versionProvider = LifecycleCli.Version.class,
    description =
        "Runs the lifecycle of application clusters: on this machine, on Kubernetes or on SSH"
            + " hosts.")
public final class LifecycleCli implements java.util.concurrent.Callable<Integer> {

  @Option(
      names = "--json",
      scope = CommandLine.ScopeType.INHERIT,
      description = "Print machine-readable JSON instead of text.")
  boolean json;

  @Option(
      names = "--home",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "DIR",
      description = "Where clusters' records and local nodes live (default: ./.lifecycle).")
  java.nio.file.Path home = java.nio.file.Path.of(".lifecycle");

  @Option(
      names = "--trace",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "FILE",
      description = "Append the JSON-lines trace of what the command did to FILE.")
  java.nio.file.Path trace;

  @Option(
      names = "--store",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "URL",
      description =
          "Keep the records in this database (jdbc:postgresql://host/db, user and"
              + " password from LIFECYCLE_STORE_USER / LIFECYCLE_STORE_PASSWORD), in etcd"
              + " (etcd://HOST:PORT[,HOST:PORT...][?max-txn-ops=N], etcds://... for TLS) or in"
              + " Kubernetes ConfigMaps and Leases (k8s); etcd and k8s also hold the metadata"
              + " tree. Default: DIR/lifecycle.db (SQLite).")
  String store;

  @Option(
      names = "--metadata",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "URL",
      description =
          "Publish the metadata tree to etcd (etcd://HOST:PORT[,HOST:PORT...], etcds://... for"
              + " TLS) or to Kubernetes ConfigMaps (k8s) instead of where the nodes read it; nodes'"
              + " LC_METADATA files still follow it.")
  String metadata;

  @Option(
      names = "--host-secrets",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "FILE",
      description =
          "Resolve the specs' host:KEY secrets from this YAML map of keys to values (readable by"
              + " its owner only). Without it, specs may use env: and file: secrets only.")
  java.nio.file.Path hostSecrets;

  @CommandLine.Mixin InfraOptions infraOptions = new InfraOptions();

  @CommandLine.Mixin StoreOptions storeOptions = new StoreOptions();

  private Session.Settings settings;

  @Option(
      names = "--lease",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "SEC",
      description =
          "How long this process owns a running operation without renewing; another"
              + " engine may take it over once that lapsed (default: 30). The lease names this host,"
              + " or LIFECYCLE_ENGINE_HOST when set.")
  Long leaseSeconds;

  @Option(
      names = AsyncLaunch.FLAG,
      scope = CommandLine.ScopeType.INHERIT,
      description =
          "Run the command's operation in the background: print its id as soon as it is"
              + " recorded and exit; follow it with 'wait OPERATION_ID' or 'operation"
              + " OPERATION_ID'.")
  boolean async;

  @Option(names = AsyncLaunch.ID_FILE, hidden = true, paramLabel = "FILE")
  java.nio.file.Path operationIdFile;

  @Option(
      names = "--timeout",
      scope = CommandLine.ScopeType.INHERIT,
      paramLabel = "SEC",
      description = "Bound the operation, including any wait for a busy cluster, in seconds.")
  Long timeoutSeconds;

  @CommandLine.Spec CommandLine.Model.CommandSpec command;

  /**
   * Without a command: prints the usage and fails as bad input.
   *
   * @return {@link ExitCodes#BAD_INPUT}
   */
  @Override
  public Integer call() {
    command.commandLine().getErr().println("lifecycle: missing COMMAND");
    command.commandLine().usage(command.commandLine().getErr());
    return ExitCodes.BAD_INPUT;
  }

  /**
   * Runs the tool and exits the JVM with its exit code.
   *
   * @param args the command line
   */
  public static void main(String[] args) {
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  /**
   * Runs the tool without exiting, for tests and embedding.
   *
   * @param out where results go
   * @param err where errors and usage go
   * @param args the command line
   * @return the exit code of docs/design.md §10
   */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    CommandLine cli = new CommandLine(new LifecycleCli());
    CommandIndex.addSubcommands(cli, args);
    cli.setOut(out);
    cli.setErr(err);
    standardHelpOnEverySubcommand(cli);
    cli.setExitCodeExceptionMapper(LifecycleCli::exitCode);
    cli.setExecutionExceptionHandler(
        (e, line, parsed) -> {
          if (e instanceof ValidationException v) {
            v.problems().forEach(p -> line.getErr().println(p));
          } else if (e instanceof LifecycleException) {
            line.getErr().println("lifecycle: " + e.getMessage());
          } else {
            throw e;
          }
          return exitCode(e);
        });
    int code;
    if (AsyncLaunch.asked(args)) {
      code = inBackground(cli, args, out, err);
    } else {
      code = cli.execute(args);
    }
    out.flush();
    err.flush();
    return code;
  }

  /** Runs the command line with {@code --async} in a detached copy of this process. */
  private static int inBackground(
      CommandLine cli, String[] args, PrintWriter out, PrintWriter err) {
    Class<?> named = CommandIndex.named(cli.getCommandSpec(), args);
    String command = named == null ? null : named.getAnnotation(CommandLine.Command.class).name();
    try {
      return AsyncLaunch.run(command, args, java.util.List.of(args).contains("--json"), out, err);
    } catch (ValidationException v) {
      v.problems().forEach(err::println);
      return ExitCodes.BAD_INPUT;
    } catch (RuntimeException e) {
      err.println("lifecycle: " + e.getMessage());
      return ExitCodes.FAILED;
    }
  }

  /**
   * Gives every subcommand {@code --help} (and {@code --version} where the command has no option of
   * that name): {@code lifecycle create --help} prints create's usage and exits 0, whatever
   * required options are missing.
   */
  private static void standardHelpOnEverySubcommand(CommandLine cli) {
    for (CommandLine sub : cli.getSubcommands().values()) {
      if (!(sub.getCommand() instanceof CommandLine.HelpCommand)
          && sub.getCommandSpec().optionsMap().get("--help") == null) {
        if (sub.getCommandSpec().optionsMap().containsKey("--version")) {
          // create's --version names an app version in a repository: --help alone
          sub.getCommandSpec()
              .addOption(
                  CommandLine.Model.OptionSpec.builder("-h", "--help")
                      .usageHelp(true)
                      .description("Show this help message and exit.")
                      .build());
        } else {
          sub.getCommandSpec().mixinStandardHelpOptions(true);
        }
      }
      standardHelpOnEverySubcommand(sub);
    }
  }

  static int exitCode(Throwable e) {
    if (e instanceof ValidationException || e instanceof CommandLine.ParameterException) {
      return ExitCodes.BAD_INPUT;
    }
    if (e instanceof IllegalStateTransitionException || e instanceof ConflictException) {
      return ExitCodes.CONFLICT;
    }
    if (e instanceof NotFoundException) {
      return ExitCodes.NOT_FOUND;
    }
    return ExitCodes.FAILED;
  }

  /**
   * Checks the global options that do not need the home, so that bad ones are refused before
   * anything is created: {@code --trace} must not name a directory, {@code --lease} and {@code
   * --timeout} must be positive.
   *
   * @throws ValidationException naming the option
   */
  void checkGlobalOptions() {
    if (trace != null && java.nio.file.Files.isDirectory(trace)) {
      throw new ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--trace",
                  "'" + trace + "' is a directory; give a file to append the trace to")));
    }
    if (trace != null
        && trace.toAbsolutePath().getParent() != null
        && !java.nio.file.Files.isDirectory(trace.toAbsolutePath().getParent())) {
      throw new ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--trace", "the directory of '" + trace + "' does not exist")));
    }
    if (leaseSeconds != null && leaseSeconds <= 0) {
      throw new ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--lease", "must be a positive number" + " of seconds, was " + leaseSeconds)));
    }
    timeout();
    sessionSettings();
  }

  /**
   * Checks the infrastructure and store options once: files readable, addresses parsed, options of
   * another infrastructure or store refused. Writes nothing and connects nowhere.
   *
   * @return the settings a session opens from
   * @throws ValidationException naming the option to change
   */
  Session.Settings sessionSettings() {
    if (settings == null) {
      settings =
          Session.Settings.check(
              home,
              trace,
              infraOptions,
              store,
              metadata,
              storeOptions,
              hostSecrets,
              System.getenv());
    }
    return settings;
  }

  /**
   * Reads a spec file given on the command line and refuses secrets this tool cannot resolve.
   *
   * @param file the spec file
   * @return the spec
   * @throws ValidationException for an invalid spec or a secret of an unknown scheme
   */
  io.clusterlifecycle.api.spec.AppSpec readSpec(java.nio.file.Path file) {
    io.clusterlifecycle.api.spec.AppSpec spec =
        io.clusterlifecycle.source.FileSpecSource.readSpec(file);
    HostSecrets.checkSchemes(spec, hostSecrets != null);
    return spec;
  }

  /**
   * Whether the records and the tree would live in a home that does not exist yet: then nothing is
   * there to read, and the home is created only for a command that was accepted.
   */
  boolean homeMissing() {
    return store == null && metadata == null && !java.nio.file.Files.exists(home);
  }

  /**
   * Opens the engine session the global options describe.
   *
   * @param tweak last changes to the engine's settings
   * @return the session; the caller closes it
   */
  Session openSession(
      java.util.function.Consumer<io.clusterlifecycle.core.LifecycleEngineBuilder> tweak) {
    if (leaseSeconds != null && leaseSeconds <= 0) {
      throw new ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--lease", "must be a positive number" + " of seconds, was " + leaseSeconds)));
    }
    return new Session(
        sessionSettings(),
        b -> {
          if (leaseSeconds != null) {
            b.leaseDuration(java.time.Duration.ofSeconds(leaseSeconds));
          }
          if (operationIdFile != null) {
            java.util.concurrent.atomic.AtomicBoolean handed =
                new java.util.concurrent.atomic.AtomicBoolean();
            b.eventListener(
                e -> {
                  if (e.event() == io.clusterlifecycle.api.event.EventType.OPERATION_STARTED
                      && e.operation().isPresent()
                      && handed.compareAndSet(false, true)) {
                    AsyncLaunch.handOver(operationIdFile, e.operation().get());
                  }
                });
          }
          tweak.accept(b);
        });
  }

  /** The request timeout given on the command line, if any. */
  java.util.Optional<java.time.Duration> timeout() {
    if (timeoutSeconds != null && timeoutSeconds <= 0) {
      throw new ValidationException(
          "command line",
          java.util.List.of(
              io.clusterlifecycle.api.error.ValidationProblem.of(
                  "--timeout",
                  "must be a positive number" + " of seconds, was " + timeoutSeconds)));
    }
    return java.util.Optional.ofNullable(timeoutSeconds).map(java.time.Duration::ofSeconds);
  }

  /** Reads the version from the jar manifest. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = LifecycleCli.class.getPackage().getImplementationVersion();
      return new String[] {"lifecycle " + (v == null ? "(development build)" : v)};
    }
  }
}

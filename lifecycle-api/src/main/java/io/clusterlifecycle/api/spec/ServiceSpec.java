package io.clusterlifecycle.api.spec;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * One lifecycle script of a role (docs/design.md §2): the command and how it is scheduled.
 *
 * <p>Defaults: order {@value #DEFAULT_ORDER}, timeout {@link #DEFAULT_TIMEOUT}, all nodes of the
 * role, no post-start/post-stop, no pre-check, every metadata path watched. Which optional settings
 * a service may carry depends on its name; {@link AppSpec#validate()} checks that.
 *
 * @param cmd the shell command run on each node; must not be blank
 * @param order roles run the service in ascending order; equal orders run in parallel; {@code >= 0}
 * @param timeout how long one run may take; whole seconds from 1 to 86400
 * @param nodesToExecuteOn run on the first N nodes of each role (by node id); {@link #ALL_NODES}
 *     means every node
 * @param postStartService {@code init} and {@code upgrade} only: run after {@code start} instead of
 *     before it
 * @param postStopService {@code destroy} only: run after {@code stop} as a clean-up hook instead of
 *     before it as a guard
 * @param preCheck {@code scale_out} and {@code scale_in} only: a command whose non-zero exit
 *     rejects the operation before anything changes
 * @param watch {@code reload} only: metadata paths whose change triggers it; empty means every path
 * @param secrets names of secrets declared under the spec's {@link AppSpec#secrets()} that the
 *     command (and its pre-check) gets as environment variables {@code NAME=value}, resolved right
 *     before each run and never stored; a service that does not list a secret never sees it
 */
public record ServiceSpec(
    String cmd,
    int order,
    Duration timeout,
    int nodesToExecuteOn,
    boolean postStartService,
    boolean postStopService,
    Optional<String> preCheck,
    List<String> watch,
    List<String> secrets) {

  /** Order used when none is given: the first group. */
  public static final int DEFAULT_ORDER = 0;

  /** Timeout used when none is given: 600 seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(600);

  /** Longest timeout accepted: one day. */
  public static final Duration MAX_TIMEOUT = Duration.ofSeconds(86_400);

  /** Value of {@link #nodesToExecuteOn()} meaning every node of the role. */
  public static final int ALL_NODES = Integer.MAX_VALUE;

  /** File key of {@link #postStartService()}, allowed only on {@code init} and {@code upgrade}. */
  public static final String FIELD_POST_START = "post_start_service";

  /** File key of {@link #postStopService()}, allowed only on {@code destroy}. */
  public static final String FIELD_POST_STOP = "post_stop_service";

  /** File key of {@link #preCheck()}, allowed only on {@code scale_out} and {@code scale_in}. */
  public static final String FIELD_PRE_CHECK = "pre_check";

  /** File key of {@link #watch()}, allowed only on {@code reload}. */
  public static final String FIELD_WATCH = "watch";

  /** File key of {@link #secrets()}, allowed on every service. */
  public static final String FIELD_SECRETS = "secrets";

  /**
   * Tells whether a service of this name may carry a setting, by the setting's file key.
   *
   * @param serviceName the service's name
   * @param field a file key such as {@link #FIELD_PRE_CHECK}; keys other than the four {@code
   *     FIELD_*} constants are allowed on every service
   * @return true when the setting is allowed on that service
   */
  public static boolean permits(String serviceName, String field) {
    StandardService s = StandardService.fromServiceName(serviceName).orElse(null);
    return switch (field) {
      case FIELD_POST_START -> s != null && allowsPostStart(s);
      case FIELD_POST_STOP -> s == StandardService.DESTROY;
      case FIELD_PRE_CHECK -> s != null && allowsPreCheck(s);
      case FIELD_WATCH -> s == StandardService.RELOAD;
      default -> true;
    };
  }

  /**
   * Says which services a restricted setting is allowed on, as a validation reason.
   *
   * @param field one of the four {@code FIELD_*} constants
   * @return for example {@code is only allowed on reload}
   * @throws IllegalArgumentException for any other key
   */
  public static String onlyOn(String field) {
    return switch (field) {
      case FIELD_POST_START -> "is only allowed on init and upgrade";
      case FIELD_POST_STOP -> "is only allowed on destroy";
      case FIELD_PRE_CHECK -> "is only allowed on scale_out and scale_in";
      case FIELD_WATCH -> "is only allowed on reload";
      default -> throw new IllegalArgumentException(field);
    };
  }

  private static boolean allowsPostStart(StandardService s) {
    return s == StandardService.INIT || s == StandardService.UPGRADE;
  }

  private static boolean allowsPreCheck(StandardService s) {
    return s == StandardService.SCALE_OUT || s == StandardService.SCALE_IN;
  }

  /**
   * Checks for nulls and copies the lists; ranges are checked by {@link AppSpec#validate()}.
   *
   * @param cmd the shell command run on each node
   * @param order the service's order
   * @param timeout how long one run may take
   * @param nodesToExecuteOn run on the first N nodes of each role, or {@link #ALL_NODES}
   * @param postStartService run after {@code start} instead of before it
   * @param postStopService run after {@code stop} instead of before it
   * @param preCheck a command that must exit 0 for the operation to go ahead, if any
   * @param watch metadata paths whose change triggers the service; copied
   * @param secrets names of the declared secrets the command gets; copied
   * @throws NullPointerException if a reference component or a list element is null
   */
  public ServiceSpec {
    Objects.requireNonNull(cmd, "cmd");
    Objects.requireNonNull(timeout, "timeout");
    Objects.requireNonNull(preCheck, "preCheck");
    watch = List.copyOf(watch);
    secrets = List.copyOf(secrets);
  }

  /**
   * Creates a service that gets no secrets.
   *
   * @param cmd the shell command run on each node
   * @param order the service's order
   * @param timeout how long one run may take
   * @param nodesToExecuteOn run on the first N nodes of each role, or {@link #ALL_NODES}
   * @param postStartService run after {@code start} instead of before it
   * @param postStopService run after {@code stop} instead of before it
   * @param preCheck a command that must exit 0 for the operation to go ahead, if any
   * @param watch metadata paths whose change triggers the service; copied
   * @throws NullPointerException if a reference component is null
   */
  public ServiceSpec(
      String cmd,
      int order,
      Duration timeout,
      int nodesToExecuteOn,
      boolean postStartService,
      boolean postStopService,
      Optional<String> preCheck,
      List<String> watch) {
    this(
        cmd,
        order,
        timeout,
        nodesToExecuteOn,
        postStartService,
        postStopService,
        preCheck,
        watch,
        List.of());
  }

  /**
   * Creates a service with every setting at its default.
   *
   * @param cmd the shell command
   * @return the service
   */
  public static ServiceSpec of(String cmd) {
    return builder(cmd).build();
  }

  /**
   * Creates a service with an order and every other setting at its default.
   *
   * @param cmd the shell command
   * @param order the service's order
   * @return the service
   */
  public static ServiceSpec of(String cmd, int order) {
    return builder(cmd).order(order).build();
  }

  /**
   * Starts a builder for a service running {@code cmd}.
   *
   * @param cmd the shell command
   * @return a builder with every other setting at its default
   * @throws NullPointerException if {@code cmd} is null
   */
  public static Builder builder(String cmd) {
    return new Builder().cmd(cmd);
  }

  /**
   * Starts a builder holding this service's settings.
   *
   * @return a builder to tweak a copy
   */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .cmd(cmd)
            .order(order)
            .timeout(timeout)
            .postStartService(postStartService)
            .postStopService(postStopService)
            .watch(watch)
            .secrets(secrets);
    b.nodesToExecuteOn = nodesToExecuteOn;
    b.preCheck = preCheck.orElse(null);
    return b;
  }

  /**
   * Tells whether the service runs on every node of its role.
   *
   * @return true when {@link #nodesToExecuteOn()} is {@link #ALL_NODES}
   */
  public boolean runsOnAllNodes() {
    return nodesToExecuteOn == ALL_NODES;
  }

  /** Builds a {@link ServiceSpec}; not thread-safe. */
  public static final class Builder {
    private String cmd = "";
    private int order = DEFAULT_ORDER;
    private Duration timeout = DEFAULT_TIMEOUT;
    private int nodesToExecuteOn = ALL_NODES;
    private boolean postStartService;
    private boolean postStopService;
    private String preCheck;
    private final List<String> watch = new ArrayList<>();
    private final List<String> secrets = new ArrayList<>();

    Builder() {}

    /**
     * Sets the shell command.
     *
     * @param cmd the command; must not be blank
     * @return this builder
     */
    public Builder cmd(String cmd) {
      this.cmd = Objects.requireNonNull(cmd, "cmd");
      return this;
    }

    /**
     * Sets the order; roles run the service in ascending order.
     *
     * @param order {@code >= 0}
     * @return this builder
     */
    public Builder order(int order) {
      this.order = order;
      return this;
    }

    /**
     * Sets the timeout of one run.
     *
     * @param timeout whole seconds from 1 to 86400
     * @return this builder
     */
    public Builder timeout(Duration timeout) {
      this.timeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Limits the service to the first {@code n} nodes of each role, by node id.
     *
     * @param n {@code >= 1}
     * @return this builder
     */
    public Builder nodesToExecuteOn(int n) {
      this.nodesToExecuteOn = n;
      return this;
    }

    /**
     * For {@code init} and {@code upgrade}: runs the service after {@code start}.
     *
     * @param postStartService true to run after start
     * @return this builder
     */
    public Builder postStartService(boolean postStartService) {
      this.postStartService = postStartService;
      return this;
    }

    /**
     * For {@code destroy}: runs the service after {@code stop}, as a clean-up hook.
     *
     * @param postStopService true to run after stop
     * @return this builder
     */
    public Builder postStopService(boolean postStopService) {
      this.postStopService = postStopService;
      return this;
    }

    /**
     * For {@code scale_out} and {@code scale_in}: a command that must exit 0 for the operation to
     * go ahead.
     *
     * @param preCheck the command, or null for none
     * @return this builder
     */
    public Builder preCheck(String preCheck) {
      this.preCheck = preCheck;
      return this;
    }

    /**
     * For {@code reload}: replaces the metadata paths whose change triggers the service.
     *
     * @param paths absolute metadata paths such as {@code /hosts}; empty means every path
     * @return this builder
     */
    public Builder watch(List<String> paths) {
      watch.clear();
      watch.addAll(paths);
      return this;
    }

    /**
     * For {@code reload}: adds metadata paths whose change triggers the service.
     *
     * @param paths absolute metadata paths such as {@code /hosts}
     * @return this builder
     */
    public Builder addWatch(String... paths) {
      watch.addAll(List.of(paths));
      return this;
    }

    /**
     * Replaces the names of the secrets the command gets as environment variables.
     *
     * @param names names declared under the spec's {@link AppSpec#secrets()}
     * @return this builder
     */
    public Builder secrets(List<String> names) {
      secrets.clear();
      secrets.addAll(names);
      return this;
    }

    /**
     * Adds names of secrets the command gets as environment variables.
     *
     * @param names names declared under the spec's {@link AppSpec#secrets()}
     * @return this builder
     */
    public Builder addSecret(String... names) {
      secrets.addAll(List.of(names));
      return this;
    }

    /**
     * Builds the service. Ranges are checked when the enclosing {@link AppSpec} is built.
     *
     * @return the service
     */
    public ServiceSpec build() {
      return new ServiceSpec(
          cmd,
          order,
          timeout,
          nodesToExecuteOn,
          postStartService,
          postStopService,
          Optional.ofNullable(preCheck),
          watch,
          secrets);
    }
  }
}

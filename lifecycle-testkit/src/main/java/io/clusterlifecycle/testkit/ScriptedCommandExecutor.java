package io.clusterlifecycle.testkit;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeResource;
import io.clusterlifecycle.testkit.CommandRun.State;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;

/**
 * A {@link CommandExecutor} that runs nothing: each run ends as the first matching scripted {@link
 * Rule} says (by default at once with exit code 0 and no output), and is recorded so that a test
 * can assert which commands ran, with what environment, and in what order.
 *
 * <pre>{@code
 * executor.on("destroy").forNode("demo-worker-2").exit(1);
 * executor.on("start").forRole("zk").latency(Duration.ofMillis(20));
 * executor.on("init").hang();                        // ends only by timeout or cancellation
 * ...
 * assertThat(executor.runs("start")).allMatch(r -> r.exitCode() == 0);
 * }</pre>
 *
 * <p>Rules are matched in the order they were added ({@link #on}, {@link #onAny}); the first rule
 * whose conditions all hold and that is not used up scripts the run. Put specific rules before
 * general ones.
 *
 * <p>Timing: a run whose rule has no latency and does not hang ends before {@link #run} returns.
 * Otherwise it ends on the injected scheduler, after the latency, without any thread sleeping. When
 * the rule hangs, or its latency exceeds {@link CommandRequest#timeout()}, the run ends at the
 * timeout with {@code timedOut} and exit code {@link CommandResult#TIMEOUT_EXIT_CODE}. The result's
 * duration is the scripted latency (or the timeout), not a measured time. Cancelling the returned
 * future ({@link CompletableFuture#cancel}) ends the run as {@link State#CANCELLED} and drops its
 * scheduled completion; so does any other completion of that future by the caller (such as {@link
 * CompletableFuture#orTimeout}).
 *
 * <p>Recording: every run is recorded as a {@link CommandRun} when it is asked for, and its end is
 * recorded before its future completes, with start and end numbers from one counter (see {@link
 * CommandRun}).
 *
 * <p>Thread-safe. {@link #close()} cancels the runs still in flight; the injected scheduler belongs
 * to the caller and is not shut down.
 */
public final class ScriptedCommandExecutor implements CommandExecutor {
  private static final Script DEFAULT_SCRIPT =
      new Script(0, "", "", "", "", Duration.ZERO, false, null);

  private final Clock clock;
  private final ScheduledExecutorService scheduler;

  private final Object lock = new Object();
  // guarded by lock
  private final List<Rule> rules = new ArrayList<>();
  private final List<RunEntry> runs = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private int inFlight;
  private int maxInFlight;

  private final AtomicLong seq = new AtomicLong();

  private ScriptedCommandExecutor(Builder builder) {
    this.clock = builder.clock;
    this.scheduler = builder.scheduler;
  }

  /**
   * Starts a builder: system UTC clock, no scheduler (so no latency and no hanging).
   *
   * @return a new builder
   */
  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------- SPI

  /**
   * Ends, as cancelled, every run of this executor with {@code runKey} on {@code node} that is
   * still going, then completes; runs are simulated, so a cancelled run is gone at once.
   *
   * @param node the node
   * @param runKey the run key
   * @return a completed stage
   * @throws NullPointerException if an argument is null
   */
  @Override
  public CompletableFuture<Void> fence(NodeResource node, String runKey) {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(runKey, "runKey");
    List<RunFuture> live = new ArrayList<>();
    synchronized (lock) {
      for (RunEntry e : runs) {
        if (!e.isEnded()
            && e.future != null
            && e.request.runKey().equals(runKey)
            && e.request.node().ref().nodeId().equals(node.ref().nodeId())) {
          live.add(e.future);
        }
      }
    }
    live.forEach(f -> f.cancel(true));
    return CompletableFuture.completedFuture(null);
  }

  /**
   * Records a run and ends it as the first matching rule says.
   *
   * @param request the node, script, environment and timeout
   * @return the result; exceptionally with a rule's {@link Rule#fail error}, or with {@link
   *     RejectedExecutionException} when the scheduler refuses the run
   * @throws NullPointerException if {@code request} is null
   */
  @Override
  public CompletableFuture<CommandResult> run(CommandRequest request) {
    Objects.requireNonNull(request, "request");
    RunEntry entry;
    Script script;
    List<Waiter> satisfied;
    synchronized (lock) {
      script = DEFAULT_SCRIPT;
      for (Rule rule : rules) {
        if (rule.tryMatch(request)) {
          script = rule.script();
          break;
        }
      }
      entry = new RunEntry(seq.incrementAndGet(), request, clock.instant());
      runs.add(entry);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      satisfied = takeWaiters(entry.atStart());
    }
    CommandRun started = entry.atStart();
    satisfied.forEach(w -> w.future().complete(started));

    RunFuture future = new RunFuture(entry);
    Duration timeout = request.timeout();
    boolean timesOut = script.hang() || script.latency().compareTo(timeout) > 0;
    Duration delay = timesOut ? timeout : script.latency();
    Script s = script;
    Runnable end =
        () -> {
          if (timesOut) {
            future.end(
                State.TIMED_OUT,
                CommandResult.TIMEOUT_EXIT_CODE,
                CommandResult.builder()
                    .exitCode(CommandResult.TIMEOUT_EXIT_CODE)
                    .timedOut(true)
                    .stdoutTail("")
                    .stderrTail("")
                    .duration(max0(timeout))
                    .build(),
                null);
          } else if (s.failure() != null) {
            future.end(State.FAILED, -1, null, s.failure());
          } else {
            future.end(
                State.EXITED,
                s.exitCode(),
                CommandResult.builder()
                    .exitCode(s.exitCode())
                    .timedOut(false)
                    .stdoutTail(s.stdout())
                    .stderrTail(s.stderr())
                    .result(s.result())
                    .status(s.status())
                    .duration(s.latency())
                    .build(),
                null);
          }
        };
    if (delay.isZero() || delay.isNegative()) {
      end.run();
    } else {
      try {
        future.scheduled(scheduler.schedule(end, delay.toNanos(), TimeUnit.NANOSECONDS));
      } catch (RejectedExecutionException e) {
        future.end(State.FAILED, -1, null, e);
      }
    }
    return future;
  }

  /** Cancels every run still in flight, as {@link CompletableFuture#cancel} would. */
  @Override
  public void close() {
    List<RunEntry> open;
    synchronized (lock) {
      open = runs.stream().filter(r -> r.future != null && !r.isEnded()).toList();
    }
    open.forEach(r -> r.future.cancel(true));
  }

  // ---------------------------------------------------------------- rules

  /**
   * Adds a rule for one service; refine it with the returned rule's methods. It takes effect at
   * once, with exit code 0, no output and no latency until told otherwise.
   *
   * @param service the service name, such as {@code start} or {@code destroy}
   * @return the new rule, last in matching order
   * @throws NullPointerException if {@code service} is null
   */
  public Rule on(String service) {
    Objects.requireNonNull(service, "service");
    return addRule(new Rule(service, scheduler != null));
  }

  /**
   * Adds a rule for every service; refine it with the returned rule's methods.
   *
   * @return the new rule, last in matching order
   */
  public Rule onAny() {
    return addRule(new Rule(null, scheduler != null));
  }

  /** Removes every rule; later runs exit 0 at once. */
  public void clearRules() {
    synchronized (lock) {
      rules.clear();
    }
  }

  private Rule addRule(Rule rule) {
    synchronized (lock) {
      rules.add(rule);
    }
    return rule;
  }

  // ---------------------------------------------------------------- inspection

  /**
   * Returns every run so far, in the order they were asked for.
   *
   * @return a snapshot
   */
  public List<CommandRun> runs() {
    synchronized (lock) {
      return runs.stream().map(RunEntry::toRecord).toList();
    }
  }

  /**
   * Returns the runs of one service, in the order they were asked for.
   *
   * @param service the service name
   * @return a snapshot
   */
  public List<CommandRun> runs(String service) {
    Objects.requireNonNull(service, "service");
    return runs().stream().filter(r -> r.service().equals(service)).toList();
  }

  /**
   * Counts the runs of one service.
   *
   * @param service the service name
   * @return the number of runs
   */
  public int runCount(String service) {
    return runs(service).size();
  }

  /**
   * Counts the runs asked for and not ended.
   *
   * @return the number of runs in flight now
   */
  public int inFlight() {
    synchronized (lock) {
      return inFlight;
    }
  }

  /**
   * Returns the most runs that were in flight at the same time, to check a bound on parallelism.
   *
   * @return the highest number of runs in flight so far
   */
  public int maxInFlight() {
    synchronized (lock) {
      return maxInFlight;
    }
  }

  /**
   * Returns a future completed with the first run, already asked for or asked for later, that
   * matches; use it to wait for a command to start without sleeping.
   *
   * @param which which run; called with the run as it was when it started, must not throw
   * @return completes with the run as it was when it started
   * @throws NullPointerException if {@code which} is null
   */
  public CompletableFuture<CommandRun> whenStarted(Predicate<CommandRun> which) {
    Objects.requireNonNull(which, "which");
    synchronized (lock) {
      for (RunEntry r : runs) {
        CommandRun atStart = r.atStart();
        if (which.test(atStart)) {
          return CompletableFuture.completedFuture(atStart);
        }
      }
      CompletableFuture<CommandRun> f = new CompletableFuture<>();
      waiters.add(new Waiter(which, f));
      return f;
    }
  }

  private List<Waiter> takeWaiters(CommandRun run) {
    List<Waiter> out = new ArrayList<>();
    for (Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
      Waiter w = it.next();
      if (w.future().isDone()) {
        it.remove();
      } else if (w.which().test(run)) {
        out.add(w);
        it.remove();
      }
    }
    return out;
  }

  private static Duration max0(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  // ---------------------------------------------------------------- internals

  private record Waiter(Predicate<CommandRun> which, CompletableFuture<CommandRun> future) {}

  private record Script(
      int exitCode,
      String stdout,
      String stderr,
      String result,
      String status,
      Duration latency,
      boolean hang,
      Throwable failure) {}

  /** The mutable record of one run; its end is written once. */
  private final class RunEntry {
    final long startSeq;
    final CommandRequest request;
    final Instant startedAt;
    volatile RunFuture future;
    private long endSeq;
    private Instant endedAt;
    private State state = State.RUNNING;
    private int exitCode = -1;

    RunEntry(long startSeq, CommandRequest request, Instant startedAt) {
      this.startSeq = startSeq;
      this.request = request;
      this.startedAt = startedAt;
    }

    /** Ends the run unless it already ended; false when it had. */
    boolean end(State how, int code) {
      synchronized (this) {
        if (state != State.RUNNING) {
          return false;
        }
        endSeq = seq.incrementAndGet();
        endedAt = clock.instant();
        exitCode = code;
        state = how;
      }
      synchronized (lock) {
        inFlight--;
      }
      return true;
    }

    synchronized boolean isEnded() {
      return state != State.RUNNING;
    }

    CommandRun atStart() {
      return record(0, Optional.empty(), State.RUNNING, -1);
    }

    synchronized CommandRun toRecord() {
      return record(endSeq, Optional.ofNullable(endedAt), state, exitCode);
    }

    private CommandRun record(long end, Optional<Instant> at, State st, int code) {
      return new CommandRun(
          startSeq,
          end,
          request.node().ref().clusterId(),
          request.node().ref().nodeId(),
          request.node().role(),
          request.service(),
          request.runKey(),
          request.script(),
          request.environment(),
          request.timeout(),
          startedAt,
          at,
          st,
          code);
    }
  }

  /** The future of one run: records the run's end before completing, and on cancellation. */
  private final class RunFuture extends CompletableFuture<CommandResult> {
    private final RunEntry entry;
    private volatile ScheduledFuture<?> task;

    RunFuture(RunEntry entry) {
      this.entry = entry;
      entry.future = this;
      // a completion that bypassed the overrides below (obtrude…): the run is abandoned
      whenComplete((r, e) -> abandon());
    }

    void scheduled(ScheduledFuture<?> scheduledTask) {
      this.task = scheduledTask;
      if (isDone()) {
        dropTask();
      }
    }

    void end(State how, int code, CommandResult result, Throwable failure) {
      if (entry.end(how, code)) {
        if (failure != null) {
          super.completeExceptionally(failure);
        } else {
          super.complete(result);
        }
      }
    }

    // Completion by anyone but end() abandons the run. It is recorded before the future completes,
    // so whoever observes the completion also sees the record.

    @Override
    public boolean cancel(boolean mayInterruptIfRunning) {
      abandon();
      return super.cancel(mayInterruptIfRunning);
    }

    @Override
    public boolean complete(CommandResult value) {
      abandon();
      return super.complete(value);
    }

    @Override
    public boolean completeExceptionally(Throwable ex) {
      abandon();
      return super.completeExceptionally(ex);
    }

    private void abandon() {
      if (entry.end(State.CANCELLED, -1)) {
        dropTask();
      }
    }

    private void dropTask() {
      ScheduledFuture<?> t = task;
      if (t != null) {
        t.cancel(false);
      }
    }
  }

  /**
   * One scripted behaviour of a {@link ScriptedCommandExecutor}: conditions a run must meet and how
   * such a run ends. Created by {@link ScriptedCommandExecutor#on} and {@link
   * ScriptedCommandExecutor#onAny}, active at once; each method changes it for runs asked for after
   * it returns. Conditions are combined with "and". Thread-safe.
   */
  public static final class Rule {
    private final String service;
    private final boolean canSchedule;
    private volatile Set<String> nodeIds;
    private volatile Set<String> roles;
    private volatile Predicate<CommandRequest> condition;
    private volatile int exitCode;
    private volatile String stdout = "";
    private volatile String stderr = "";
    private volatile String result = "";
    private volatile String status = "";
    private volatile Duration latency = Duration.ZERO;
    private volatile boolean hang;
    private volatile Throwable failure;
    private volatile int remaining = -1;
    private volatile int hits;

    private Rule(String service, boolean canSchedule) {
      this.service = service;
      this.canSchedule = canSchedule;
    }

    /**
     * Limits the rule to runs on these nodes (replacing an earlier node condition).
     *
     * @param ids node ids; the run's node must have one of them
     * @return this rule
     * @throws NullPointerException if an id is null
     */
    public Rule forNode(String... ids) {
      this.nodeIds = Set.of(ids);
      return this;
    }

    /**
     * Limits the rule to runs on nodes of these roles (replacing an earlier role condition).
     *
     * @param roleNames role names; the run's {@code request.node().role()} must be one of them
     * @return this rule
     * @throws NullPointerException if a name is null
     */
    public Rule forRole(String... roleNames) {
      this.roles = Set.of(roleNames);
      return this;
    }

    /**
     * Limits the rule to runs whose request matches (replacing an earlier predicate).
     *
     * @param which the condition; called under the executor's lock, must be fast and not throw
     * @return this rule
     * @throws NullPointerException if {@code which} is null
     */
    public Rule when(Predicate<CommandRequest> which) {
      this.condition = Objects.requireNonNull(which, "which");
      return this;
    }

    /**
     * Sets the exit code.
     *
     * @param code the exit code; default {@code 0}
     * @return this rule
     */
    public Rule exit(int code) {
      this.exitCode = code;
      return this;
    }

    /**
     * Sets the standard output reported.
     *
     * @param text the output; its tail is kept, as {@link CommandResult} does
     * @return this rule
     * @throws NullPointerException if {@code text} is null
     */
    public Rule stdout(String text) {
      this.stdout = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * Sets the standard error reported.
     *
     * @param text the output; its tail is kept, as {@link CommandResult} does
     * @return this rule
     * @throws NullPointerException if {@code text} is null
     */
    public Rule stderr(String text) {
      this.stderr = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * Sets what the run reports as written to the file named by {@link CommandRequest#LC_RESULT}.
     *
     * @param text the file's text: a JSON object or {@code key=value} lines
     * @return this rule
     * @throws NullPointerException if {@code text} is null
     */
    public Rule result(String text) {
      this.result = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * Sets what the run reports as written to the file named by {@link CommandRequest#LC_STATUS}.
     *
     * @param text the file's text, such as {@code blocked disk full}
     * @return this rule
     * @throws NullPointerException if {@code text} is null
     */
    public Rule status(String text) {
      this.status = Objects.requireNonNull(text, "text");
      return this;
    }

    /**
     * Sets how long the run takes before it ends.
     *
     * @param value the latency; {@link Duration#ZERO} (the default) ends runs at once
     * @return this rule
     * @throws IllegalArgumentException if {@code value} is negative
     * @throws IllegalStateException if {@code value} is positive and the executor has no scheduler
     */
    public Rule latency(Duration value) {
      Objects.requireNonNull(value, "latency");
      if (value.isNegative()) {
        throw new IllegalArgumentException("latency must not be negative, was " + value);
      }
      if (!value.isZero()) {
        requireScheduler("a latency");
      }
      this.latency = value;
      return this;
    }

    /**
     * Makes the run hang until its request's timeout or its cancellation.
     *
     * @return this rule
     * @throws IllegalStateException if the executor has no scheduler
     */
    public Rule hang() {
      requireScheduler("hang()");
      this.hang = true;
      return this;
    }

    /**
     * Makes the run fail to start: its future completes exceptionally with {@code error} after the
     * latency (a timeout still wins when the latency exceeds it).
     *
     * @param error the error, for example a {@link
     *     io.clusterlifecycle.api.spi.TransientSpiException} to ask for a retry
     * @return this rule
     * @throws NullPointerException if {@code error} is null
     */
    public Rule fail(Throwable error) {
      this.failure = Objects.requireNonNull(error, "error");
      return this;
    }

    /**
     * Limits the rule to the next {@code count} matching runs; later runs fall through to the rules
     * after it.
     *
     * @param count how many runs, at least 1
     * @return this rule
     * @throws IllegalArgumentException if {@code count} is below 1
     */
    public Rule times(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("times must be at least 1, was " + count);
      }
      this.remaining = count;
      return this;
    }

    /**
     * Counts the runs this rule scripted.
     *
     * @return the number of runs
     */
    public int hits() {
      return hits;
    }

    private void requireScheduler(String what) {
      if (!canSchedule) {
        throw new IllegalStateException(
            what
                + " needs a scheduler: build the executor with "
                + "ScriptedCommandExecutor.builder().scheduler(...)");
      }
    }

    /** Claims the rule for a run if it matches; the caller holds the executor's lock. */
    private boolean tryMatch(CommandRequest request) {
      if (remaining == 0) {
        return false;
      }
      if (service != null && !service.equals(request.service())) {
        return false;
      }
      Set<String> ids = nodeIds;
      if (ids != null && !ids.contains(request.node().ref().nodeId())) {
        return false;
      }
      Set<String> rs = roles;
      if (rs != null && !rs.contains(request.node().role())) {
        return false;
      }
      Predicate<CommandRequest> c = condition;
      if (c != null && !c.test(request)) {
        return false;
      }
      if (remaining > 0) {
        remaining--;
      }
      hits++;
      return true;
    }

    private Script script() {
      return new Script(exitCode, stdout, stderr, result, status, latency, hang, failure);
    }

    @Override
    public String toString() {
      return "Rule["
          + (service == null ? "any service" : service)
          + (nodeIds == null ? "" : ", nodes " + nodeIds)
          + (roles == null ? "" : ", roles " + roles)
          + ", hits="
          + hits
          + "]";
    }
  }

  /**
   * Builds a {@link ScriptedCommandExecutor}; not thread-safe. Defaults: {@link Clock#systemUTC()},
   * no scheduler.
   */
  public static final class Builder {
    private Clock clock = Clock.systemUTC();
    private ScheduledExecutorService scheduler;

    private Builder() {}

    /**
     * Sets the clock that stamps the recorded runs.
     *
     * @param value the clock
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder clock(Clock value) {
      this.clock = Objects.requireNonNull(value, "clock");
      return this;
    }

    /**
     * Sets the scheduler that ends runs after their latency or timeout; required for latency and
     * hanging. The executor never shuts it down.
     *
     * @param value a real or virtual-time scheduler
     * @return this builder
     * @throws NullPointerException if {@code value} is null
     */
    public Builder scheduler(ScheduledExecutorService value) {
      this.scheduler = Objects.requireNonNull(value, "scheduler");
      return this;
    }

    /**
     * Builds the executor, with no rules and no runs.
     *
     * @return the executor
     */
    public ScriptedCommandExecutor build() {
      return new ScriptedCommandExecutor(this);
    }
  }
}

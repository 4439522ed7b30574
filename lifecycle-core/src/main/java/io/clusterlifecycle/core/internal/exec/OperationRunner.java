package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.event.EventType;
import io.clusterlifecycle.api.event.LifecycleEvent;
import io.clusterlifecycle.api.plan.CreateNodeStep;
import io.clusterlifecycle.api.plan.Plan;
import io.clusterlifecycle.api.plan.ReloadDependentStep;
import io.clusterlifecycle.api.plan.Stage;
import io.clusterlifecycle.api.plan.Step;
import io.clusterlifecycle.api.plan.WaitStep;
import io.clusterlifecycle.api.spi.JournalEntry;
import io.clusterlifecycle.api.state.NodeState;
import io.clusterlifecycle.api.state.OperationType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs one plan: stages one after another, the steps of a stage in parallel (bounded by the
 * engine's limiter), finally-stages also after a failure. A failed step stops its stage from
 * starting more steps; the steps already in flight finish and are recorded. Journals each step's
 * start and end and gathers the outcome; {@link StepRunner} runs the steps themselves.
 */
public final class OperationRunner {

  /** How the plan ended. */
  public record Result(
      String error,
      boolean refused,
      boolean timedOut,
      List<String> warnings,
      List<String> keptVolumes,
      boolean cancelled,
      java.util.Map<String, java.util.Map<String, String>> results) {
    public boolean succeeded() {
      return error.isEmpty();
    }
  }

  private final EngineContext ctx;
  private final Plan plan;
  private final String operationId;
  private final OperationType type;
  private final RecordKeeper records;
  private final JournalWriter journal;
  private final Set<String> done;
  private final StepRunner steps;
  private final SecretScrubber scrubber = new SecretScrubber();
  private final RunOutcome outcome = new RunOutcome(scrubber);

  /**
   * @param journal what the journal says of the steps: a resumed operation skips the steps done and
   *     fences the commands of those in doubt
   */
  public OperationRunner(
      EngineContext ctx,
      Plan plan,
      String operationId,
      RecordKeeper records,
      JournalState journal) {
    this.ctx = ctx;
    this.plan = plan;
    this.operationId = operationId;
    this.type = plan.type();
    this.records = records;
    this.done = journal.done();
    this.steps = new StepRunner(ctx, plan, operationId, records, journal.inDoubt(), scrubber);
    this.journal =
        new JournalWriter(
            batch -> ctx.retrying(() -> ctx.store().appendJournal(batch)), ctx.executor());
  }

  /** Runs the plan; never completes exceptionally — failures are in the result. */
  public CompletableFuture<Result> run(Duration timeout) {
    ScheduledFuture<?> timer =
        ctx.scheduler()
            .schedule(() -> onTimeout(timeout), timeout.toMillis(), TimeUnit.MILLISECONDS);
    return runStages(0)
        .handle(
            (v, e) -> {
              timer.cancel(false);
              if (e != null) {
                fail("internal error: " + Failures.describe(e), false);
              }
              return null;
            })
        .thenCompose(v -> flushJournal())
        .thenApply(v -> outcome.result(steps.keptVolumes(), steps.results()));
  }

  /** Waits until every entry recorded so far is durable; a write error fails the run, not this. */
  private CompletableFuture<Void> flushJournal() {
    return journal
        .flush()
        .handle(
            (ok, e) -> {
              if (e != null) {
                fail("could not write the journal: " + Failures.describe(e), false);
              }
              return null;
            });
  }

  private void onTimeout(Duration timeout) {
    outcome.timeOut(
        type.displayName()
            + " timed out after "
            + timeout.toSeconds()
            + " s; the journal can be resumed with recover");
    steps.cancelAll();
  }

  /**
   * Cancels the run (docs/design.md §7.8): no step is launched from now on, not even a finally
   * stage's, and the calls in flight are cancelled, which kills their commands. The run ends with
   * {@code why} as its error and {@link Result#cancelled()} set. Idempotent.
   */
  public void cancel(String why) {
    outcome.cancel(why);
    steps.cancelAll();
  }

  private CompletableFuture<Void> runStages(int index) {
    if (index >= plan.stages().size()) {
      return CompletableFuture.completedFuture(null);
    }
    Stage stage = plan.stages().get(index);
    if (outcome.failed() && !stage.always()) {
      return runStages(index + 1);
    }
    // a resumed run cannot tell whether an earlier run moved a node: it follows anyway
    if (stage.kind() == Stage.Kind.IF_ADDRESSES_CHANGED
        && !steps.addressChanged()
        && done.isEmpty()) {
      return runStages(index + 1);
    }
    long alreadyDone =
        stage.always() ? 0 : stage.steps().stream().filter(st -> done.contains(st.id())).count();
    emit(
        LifecycleEvent.builder(EventType.STAGE_STARTED)
            .stage(stage.name())
            .message(
                stage.steps().size()
                    + " steps"
                    + (alreadyDone > 0 ? ", " + alreadyDone + " already done" : "")));
    // the next stage starts once this one's entries are durable: a later stage never builds on a
    // step that a resume would run again (docs/design.md §5.8)
    return runStage(stage)
        .thenCompose(stageError -> flushJournal().thenApply(v -> stageError))
        .thenComposeAsync(
            stageError -> {
              String outcome =
                  stageError.isEmpty()
                      ? "ok"
                      : stage.onFailure() == Stage.FailurePolicy.WARN
                          ? "ok with warnings: " + stageError
                          : "failed: " + stageError;
              emit(
                  LifecycleEvent.builder(EventType.STAGE_FINISHED)
                      .stage(stage.name())
                      .message(outcome));
              return runStages(index + 1);
            },
            ctx.executor());
  }

  /** How many steps of a stage one thread launches; a larger stage is launched in chunks. */
  static final int LAUNCH_CHUNK = 256;

  /**
   * Runs a stage's steps; completes with the stage's first failure, or empty. A stage of more than
   * {@link #LAUNCH_CHUNK} steps is launched a chunk at a time by tasks of the executor, the first
   * chunk by the caller, so that launching a large stage uses every thread.
   */
  private CompletableFuture<String> runStage(Stage stage) {
    AtomicBoolean stopped = new AtomicBoolean();
    List<String> failures = new ArrayList<>();
    List<Step> todo = new ArrayList<>(stage.steps().size());
    for (Step step : stage.steps()) {
      // a clean-up stage runs again on resume even if it ran before: what it cleans up may have
      // been put back by the steps resumed before it
      if (stage.always() || !done.contains(step.id())) {
        todo.add(step);
      }
    }
    List<CompletableFuture<Void>> chunks = new ArrayList<>();
    for (int from = LAUNCH_CHUNK; from < todo.size(); from += LAUNCH_CHUNK) {
      List<Step> chunk = todo.subList(from, Math.min(todo.size(), from + LAUNCH_CHUNK));
      chunks.add(launchAsync(() -> launchAll(stage, chunk, stopped, failures)).thenCompose(f -> f));
    }
    chunks.add(
        launchAll(stage, todo.subList(0, Math.min(todo.size(), LAUNCH_CHUNK)), stopped, failures));
    return CompletableFuture.allOf(chunks.toArray(CompletableFuture[]::new))
        .thenApply(
            v -> {
              synchronized (failures) {
                return failures.isEmpty() ? "" : failures.get(0);
              }
            });
  }

  /** Runs {@code launch} on the executor, or on the caller if the executor refuses it. */
  private <T> CompletableFuture<T> launchAsync(java.util.function.Supplier<T> launch) {
    try {
      return CompletableFuture.supplyAsync(launch, ctx.executor());
    } catch (java.util.concurrent.RejectedExecutionException refused) {
      return CompletableFuture.completedFuture(launch.get());
    }
  }

  /** Launches some steps of a stage; completes when they have all finished. */
  private CompletableFuture<Void> launchAll(
      Stage stage, List<Step> chunk, AtomicBoolean stopped, List<String> failures) {
    CompletableFuture<?>[] all = new CompletableFuture<?>[chunk.size()];
    for (int i = 0; i < all.length; i++) {
      all[i] = launchOne(stage, chunk.get(i), stopped, failures);
    }
    return CompletableFuture.allOf(all);
  }

  private CompletableFuture<Void> launchOne(
      Stage stage, Step step, AtomicBoolean stopped, List<String> failures) {
    // a wait, or a dependent's operation waited for, holds no slot: that operation needs them
    boolean holdsSlot = !(step instanceof WaitStep || step instanceof ReloadDependentStep);
    CompletableFuture<Void> permit =
        holdsSlot ? ctx.limiter().acquire() : CompletableFuture.completedFuture(null);
    // a step that gets its permit while the stage is being launched is in flight together
    // with the others; only a step still waiting for a permit is held back by a failure
    boolean launchedWithStage = permit.isDone();
    return permit.thenCompose(
        p -> {
          if ((!launchedWithStage && stopped.get()) || outcome.halted()) {
            if (holdsSlot) {
              ctx.limiter().release();
            }
            return CompletableFuture.<Void>completedFuture(null);
          }
          ctx.meters().stepStarted();
          CompletableFuture<Void> started =
              journal.record(entry(step, JournalEntry.Status.STARTED, ""));
          // a command is launched only once its STARTED entry is durable: a crash then
          // leaves an entry that makes the resume fence it (docs/design.md §5.8)
          CompletableFuture<Void> f =
              isCommand(step) ? started.thenCompose(v -> launch(stage, step)) : launch(stage, step);
          return f.handle(
              (ok, e) -> {
                ctx.meters().stepEnded(e == null);
                if (holdsSlot) {
                  ctx.limiter().release();
                }
                // a failure may quote a command's output: the operation's secret values are
                // masked before it is journaled, recorded or emitted (docs/design.md §11)
                String why = e == null ? "" : scrubber.scrub(Failures.describe(e));
                journal.record(
                    e == null
                        ? entry(step, JournalEntry.Status.SUCCEEDED, "")
                        : entry(step, JournalEntry.Status.FAILED, why));
                if (e != null) {
                  synchronized (failures) {
                    failures.add(why);
                  }
                  onStepFailure(stage, step, why, stopped);
                }
                return null;
              });
        });
  }

  private CompletableFuture<Void> launch(Stage stage, Step step) {
    try {
      return steps.runStep(stage, step);
    } catch (RuntimeException e) {
      return CompletableFuture.failedFuture(e);
    }
  }

  private static boolean isCommand(Step step) {
    return step instanceof io.clusterlifecycle.api.plan.ServiceStep
        || step instanceof io.clusterlifecycle.api.plan.PreCheckStep;
  }

  private JournalEntry entry(Step step, JournalEntry.Status status, String detail) {
    return JournalEntry.builder()
        .operationId(operationId)
        .stepId(step.id())
        .status(status)
        .at(ctx.clock().instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS))
        .detail(detail)
        .build();
  }

  private void onStepFailure(Stage stage, Step step, String why, AtomicBoolean stopped) {
    switch (stage.onFailure()) {
      case WARN -> {
        outcome.warn(why);
        emit(
            LifecycleEvent.builder(EventType.WARNING)
                .stage(stage.name())
                .message("forced: " + why));
      }
      case REFUSE -> {
        fail(why, true);
        stopped.set(true);
      }
      case FAIL -> {
        fail(why, false);
        stopped.set(true);
        if (step instanceof CreateNodeStep c) {
          records.update(b -> b.putNode(steps.node(c.node()).withState(NodeState.FAILED)));
        }
      }
    }
  }

  private void fail(String why, boolean isRefusal) {
    outcome.fail(why, isRefusal);
  }

  private void emit(LifecycleEvent.Builder event) {
    steps.emit(event);
  }
}

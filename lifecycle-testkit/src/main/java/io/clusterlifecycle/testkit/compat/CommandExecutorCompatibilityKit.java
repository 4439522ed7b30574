package io.clusterlifecycle.testkit.compat;

import static io.clusterlifecycle.testkit.compat.Stages.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusterlifecycle.api.spi.CommandExecutor;
import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.NodeResource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The contract of {@link CommandExecutor} as JUnit 5 tests: every executor that runs real scripts
 * (local processes, SSH, pod exec) extends this class in a few lines and so runs the same checks as
 * the shipped local executor. A failed assertion starts with the part of the contract the executor
 * broke.
 *
 * <pre>{@code
 * class MyCommandExecutorCompatibilityTest extends CommandExecutorCompatibilityKit {
 *   @Override
 *   protected CommandExecutor newExecutor() {
 *     return MySshExecutor.connect(TestHost.sshConfig());
 *   }
 *
 *   @Override
 *   protected NodeResource node() {
 *     return TestHost.nodeResource(); // a node the executor can reach
 *   }
 * }
 * }</pre>
 *
 * <p>What the kit checks: {@link CommandExecutor#run} runs the script with {@code bash -c} exactly
 * as written; an exit of {@code 0} succeeds and carries the tails of standard output and standard
 * error; a non-zero exit (also 127 for a command that does not exist) completes the stage normally
 * with that exit code; {@link CommandRequest#environment()} arrives as environment variables and is
 * never interpolated into the script, whatever it holds (quotes, {@code $(...)}, backticks, {@code
 * ${HOME}}, semicolons, newlines, an empty value); a command that exceeds its timeout is killed and
 * reported with {@link CommandResult#timedOut()} and {@link CommandResult#TIMEOUT_EXIT_CODE};
 * cancelling the returned stage through {@link CompletableFuture#cancel} kills the command; output
 * longer than {@link CommandResult#MAX_TAIL} keeps its last {@code MAX_TAIL} characters; {@link
 * CommandRequest#LC_RESULT} and {@link CommandRequest#LC_STATUS} name files of the run's own, whose
 * text comes back in {@link CommandResult#result()} and {@link CommandResult#status()} and which
 * are gone after the run; {@link CommandExecutor#run} returns before its command ends, and eight
 * commands run at the same time; {@link CommandExecutor#fence} kills the run with that run key,
 * also when a second executor obtained from {@link #newExecutor()} fences a run the first one
 * started (as an engine that took over from a crashed one does), and leaves runs with other keys
 * alone; {@link CommandExecutor#close} may be called again and leaves no command's stage pending; a
 * null request is refused (a {@link NullPointerException} thrown at once, as the shipped executor
 * does, or a failed stage).
 *
 * <p>The kit sees the node only through commands: to prove a killed command is gone, the command
 * writes its process id ({@code $$}) and that of the {@code sleep} it waits for to files in {@link
 * #scratchDirectory()}, and a later command on the same node waits (up to 20 seconds) until neither
 * process exists (a zombie counts as gone) and checks that the killed command did not write the
 * file it would have written later: killing a command kills its children too. So the node's
 * commands must share a process namespace (one host, one container) and a scratch directory. The
 * kit's files are named {@code kit-<random>.*}; the tests that write them remove them. Every
 * request carries {@code LC_CLUSTER_ID}, {@code LC_CLUSTER_NAME} ({@code kit}), {@code LC_ROLE},
 * {@code LC_NODE_ID}, {@code LC_NODE_IP} (from {@link #node()}), {@code LC_SERVICE}, {@code
 * LC_OPERATION_ID}, and the kit's own {@code KIT_*} variables. Only ASCII text is used.
 *
 * <p>Timing: the concurrency test runs eight commands that sleep 2 seconds and needs all of them
 * done within 10 seconds (16 if run one after the other), and the eight {@link CommandExecutor#run}
 * calls to return within 2 seconds together. A timed-out or cancelled command must be gone within
 * 20 seconds; the kill itself may take a grace period. Other calls are awaited for at most 30
 * seconds. After each test the kit closes the executors it obtained; that happens after the
 * subclass's own {@code @AfterEach} methods, so keep what they need until {@code @AfterAll}.
 */
public abstract class CommandExecutorCompatibilityKit {
  private static final Duration LONG = Duration.ofMinutes(2);
  private static final String KEY = "kit-operation/kit-step";
  private static final long KILL_SECONDS = 20;
  private static final int CONCURRENT = 8;
  private static final int SLEEP_SECONDS = 2;
  private static final long CONCURRENT_BOUND_SECONDS = 10;

  private static final String EXIT =
      "CommandExecutor.run must complete normally with the "
          + "command's exit code and the tails of its standard output and standard error";
  private static final String NON_ZERO =
      "CommandExecutor.run must report a non-zero exit as a "
          + "normal completion with that exit code, not as an exception";
  private static final String BASH =
      "CommandExecutor.run must run the script with bash -c, " + "exactly as written";
  private static final String ENV =
      "CommandExecutor.run must pass the request's environment as "
          + "environment variables and never interpolate it into the command text";
  private static final String TIMEOUT =
      "CommandExecutor.run must kill a command that exceeds its "
          + "timeout and report it with timedOut and exit code "
          + CommandResult.TIMEOUT_EXIT_CODE;
  private static final String CANCEL =
      "cancelling the stage CommandExecutor.run returned (through "
          + "CompletableFuture.cancel) must kill the command";
  private static final String TAIL =
      "CommandExecutor.run must keep the last "
          + CommandResult.MAX_TAIL
          + " characters of each output stream";
  private static final String CONCURRENCY =
      "CommandExecutor.run must return at once and run " + "commands at the same time";
  private static final String CLOSE =
      "CommandExecutor.close must release what the executor "
          + "holds, leave no command's stage pending, and may be called again";
  private static final String FENCE =
      "CommandExecutor.fence must complete only once the runs with that run key on that node are"
          + " gone (killed with their children), and leave runs with other keys alone";
  private static final String REPORTS =
      "CommandExecutor.run must set LC_RESULT and LC_STATUS to files of their own for each run,"
          + " return what the command wrote there in result and status, and remove them";
  private static final String NULLS =
      "CommandExecutor.run must refuse a null request: throw "
          + "NullPointerException or return a stage that fails";

  private final List<CommandExecutor> obtained = new CopyOnWriteArrayList<>();
  private final String file = "kit-" + UUID.randomUUID().toString().substring(0, 8);
  private NodeResource node;

  /** Creates the kit; a subclass adds only {@link #newExecutor()} and {@link #node()}. */
  protected CommandExecutorCompatibilityKit() {}

  /**
   * Returns an executor to test. Called at the start of each test, and once more by the test of
   * {@link CommandExecutor#close} (which checks the first one's commands through a second); the kit
   * closes every executor it obtained after the test.
   *
   * @return the executor
   * @throws Exception if it cannot be created; the test then fails
   */
  protected abstract CommandExecutor newExecutor() throws Exception;

  /**
   * Returns the node the kit runs its commands on, as a provider reported it. Called once per test,
   * right after the first {@link #newExecutor()}, so a subclass may create the node there (with the
   * provider its executor goes with) or return a node it set up before.
   *
   * @return a node the executor can run commands on
   * @throws Exception if there is none; the test then fails
   */
  protected abstract NodeResource node() throws Exception;

  /**
   * Returns a directory on the node, as the node's commands name it, in which the kit may create
   * and remove files. The default {@code .} is the command's working directory, which must then be
   * the same for every command on the node (the node directory for the local executor, the login
   * directory for SSH, the container's working directory for pod exec). The kit passes it in the
   * variable {@code KIT_SCRATCH}, never in the script text.
   *
   * @return the directory; the default is {@code .}
   */
  protected String scratchDirectory() {
    return ".";
  }

  // ----------------------------------------------------------------------- exit and output

  @Test
  void exitZero_succeeds_withTheTailsOfStandardOutputAndError() throws Exception {
    CommandExecutor executor = open();

    CommandResult r = run(executor, "printf 'to stdout\\n'; printf 'to stderr\\n' >&2");

    assertThat(r.exitCode()).as(EXIT + ": exit code").isZero();
    assertThat(r.timedOut()).as(EXIT + ": a command that ended in time did not time out").isFalse();
    assertThat(r.succeeded()).as(EXIT + ": succeeded").isTrue();
    assertThat(r.stdoutTail()).as(EXIT + ": standard output").isEqualTo("to stdout\n");
    assertThat(r.stderrTail()).as(EXIT + ": standard error").isEqualTo("to stderr\n");
    assertThat(r.duration().isNegative()).as(EXIT + ": a duration that is not negative").isFalse();
  }

  @Test
  void reports_writtenToLcResultAndLcStatus_comeBackInTheResult() throws Exception {
    CommandExecutor executor = open();
    String names = "\"$KIT_SCRATCH/" + file + ".reports\"";

    CommandResult wrote =
        run(
            executor,
            "printf 'a=1\\nb=two words\\n' > \"$LC_RESULT\"; echo 'blocked disk full' >"
                + " \"$LC_STATUS\"; echo \"$LC_RESULT\" > "
                + names
                + "; exit 4");
    CommandResult after =
        run(
            executor,
            "test -n \"$LC_RESULT\" && test -n \"$LC_STATUS\" && test ! -e \"$LC_RESULT\""
                + " && test ! -e \"$LC_STATUS\" && test ! -e \"$(cat "
                + names
                + ")\" && test \"$LC_RESULT\" != \"$(cat "
                + names
                + ")\"; rc=$?; rm -f "
                + names
                + "; exit $rc");

    assertThat(wrote.exitCode()).as(REPORTS + ": exit code").isEqualTo(4);
    assertThat(wrote.result()).as(REPORTS + ": result").isEqualTo("a=1\nb=two words\n");
    assertThat(wrote.status()).as(REPORTS + ": status").isEqualTo("blocked disk full\n");
    assertThat(wrote.stdoutTail()).as(REPORTS + ": standard output stays apart").isEmpty();
    assertThat(after.exitCode())
        .as(REPORTS + ": a later run gets new names, and the files of the first are gone")
        .isZero();
    assertThat(after.result()).as(REPORTS + ": nothing written, nothing returned").isEmpty();
    assertThat(after.status()).as(REPORTS + ": nothing written, nothing returned").isEmpty();
  }

  @Test
  void nonZeroExit_completesNormally_withThatExitCode() throws Exception {
    CommandExecutor executor = open();

    CommandResult three = run(executor, "echo partial; echo 'went wrong' >&2; exit 3");
    CommandResult missing = run(executor, "kit-no-such-command-" + file);

    assertThat(three.exitCode()).as(NON_ZERO).isEqualTo(3);
    assertThat(three.timedOut()).as(NON_ZERO + ": it did not time out").isFalse();
    assertThat(three.succeeded()).as(NON_ZERO + ": exit 3 did not succeed").isFalse();
    assertThat(three.stdoutTail()).as(NON_ZERO + ": standard output").isEqualTo("partial\n");
    assertThat(three.stderrTail()).as(NON_ZERO + ": standard error").isEqualTo("went wrong\n");
    assertThat(missing.exitCode())
        .as(NON_ZERO + ": bash exits with 127 for a command that " + "does not exist")
        .isEqualTo(127);
    assertThat(missing.stderrTail())
        .as(NON_ZERO + ": bash says so on standard error")
        .contains("kit-no-such-command-" + file);
  }

  @Test
  void script_runsInBash_exactlyAsWritten() throws Exception {
    CommandExecutor executor = open();
    String script =
        String.join(
            "\n",
            "name='it'\"'\"'s \"quoted\"'",
            "if [[ -n \"${BASH_VERSION}\" ]]; then printf '%s|' \"$name\"; fi",
            "cat <<'EOF'",
            "$HOME `date` $(id) \\n",
            "EOF");

    CommandResult r = run(executor, script);

    assertThat(r.exitCode()).as(BASH + ": exit code (standard error: %s)", r.stderrTail()).isZero();
    assertThat(r.stdoutTail())
        .as(BASH + ": quotes, [[ ]] and a quoted here-document must reach " + "bash unchanged")
        .isEqualTo("it's \"quoted\"|$HOME `date` $(id) \\n\n");
  }

  // ---------------------------------------------------------------------------- environment

  @Test
  void environment_arrivesAsVariables_andIsNeverInterpolated() throws Exception {
    CommandExecutor executor = open();
    List<String> values =
        List.of(
            "plain",
            "with  spaces\tand a tab",
            "\"double\" and 'single' quotes",
            "$(touch " + file + ".pwned) `touch " + file + ".pwned` ${HOME} $HOME $1",
            "'; echo injected; '",
            "\"; echo injected; \"",
            "line one\nline two\n",
            "back\\slash \\n \\t",
            "*glob? [a-z] ~tilde {a,b}",
            "-n",
            "a=b && c || d ; e | f > g < h # i ! j",
            "");
    Map<String, String> env = new LinkedHashMap<>();
    StringBuilder script = new StringBuilder("printf '%s\\036'");
    for (int i = 0; i < values.size(); i++) {
      env.put("KIT_V" + i, values.get(i));
      script.append(" \"$KIT_V").append(i).append('"');
    }
    String name = values.get(3);
    env.put(CommandRequest.LC_CLUSTER_NAME, name);
    script.append(" \"$LC_CLUSTER_NAME\" \"$LC_NODE_ID\"");

    CommandResult r = run(executor, script.toString(), env, LONG);

    List<String> expected = new ArrayList<>(values);
    expected.add(name);
    expected.add(node.ref().nodeId());
    assertThat(r.exitCode()).as(ENV + ": exit code (standard error: %s)", r.stderrTail()).isZero();
    List<String> printed = Arrays.asList(r.stdoutTail().split("\u001e", -1));
    assertThat(printed.subList(0, Math.max(0, printed.size() - 1)))
        .as(
            ENV
                + ": each variable printed by printf '%s' \"$VAR\" must be its value, "
                + "unchanged")
        .containsExactlyElementsOf(expected);
    assertThat(
            run(executor, "cd -- \"$KIT_SCRATCH\" && ls -a . | grep -c -F -- \"$KIT_FILE\"")
                .stdoutTail()
                .strip())
        .as(ENV + ": a $(touch ...) in a value must not run")
        .isEqualTo("0");
  }

  // ---------------------------------------------------------------- timeout and cancellation

  @Test
  void timeout_killsTheCommand_andReportsTimedOut() throws Exception {
    CommandExecutor executor = open();
    Duration timeout = Duration.ofSeconds(2);

    long started = System.nanoTime();
    CompletionStage<CommandResult> stage = executor.run(request(longRunning(), Map.of(), timeout));
    CommandResult r =
        await(
            "run(a command that sleeps 60 s, timeout 2 s)",
            stage,
            KILL_SECONDS,
            TIMEOUT
                + ": no result "
                + KILL_SECONDS
                + " s after a "
                + timeout.toSeconds()
                + " s timeout");
    long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started);

    assertThat(r.timedOut())
        .as(TIMEOUT + ": timedOut (exit code %d after %d s)", r.exitCode(), seconds)
        .isTrue();
    assertThat(r.exitCode()).as(TIMEOUT + ": exit code").isEqualTo(CommandResult.TIMEOUT_EXIT_CODE);
    assertThat(r.succeeded()).as(TIMEOUT + ": a timed-out command did not succeed").isFalse();
    assertGone(executor, TIMEOUT, true);
  }

  @Test
  void cancellingTheStage_killsTheCommand() throws Exception {
    CommandExecutor executor = open();
    CompletionStage<CommandResult> stage = startLongRunning(executor, CANCEL);

    CompletableFuture<CommandResult> future;
    try {
      future = stage.toCompletableFuture();
    } catch (UnsupportedOperationException e) {
      throw new AssertionError(CANCEL + ": the stage does not support toCompletableFuture()", e);
    }
    future.cancel(true);

    assertThat(future.isCancelled())
        .as(
            CANCEL + ": the stage is cancelled (it completed with " + "%s)",
            future.isDone() && !future.isCancelled() ? future.getNow(null) : "nothing")
        .isTrue();
    assertGone(executor, CANCEL, true);
  }

  // ------------------------------------------------------------------------------ fencing

  @Test
  void fence_killsTheRunWithThatKey_andCompletesOnceItIsGone() throws Exception {
    CommandExecutor executor = open();
    CompletionStage<CommandResult> stage =
        executor.run(request(longRunning(), Map.of(), LONG).toBuilder().runKey(KEY).build());
    assertThat(stage).as(FENCE + ": run returned null").isNotNull();
    awaitStarted(executor, FENCE);

    Stages.Outcome<Void> fenced = Stages.outcome("fence", () -> executor.fence(node, KEY));

    assertThat(fenced.error()).as(FENCE + ": fence failed").isNull();
    assertThat(stage.toCompletableFuture())
        .as(FENCE + ": the fenced run's stage is done once fence completed")
        .isDone();
    assertGone(executor, FENCE, true);
  }

  @Test
  void fence_ofAnotherKey_completesAtOnce_andLeavesTheRunAlone() throws Exception {
    CommandExecutor executor = open();
    CompletionStage<CommandResult> stage =
        executor.run(request(longRunning(), Map.of(), LONG).toBuilder().runKey(KEY).build());
    awaitStarted(executor, FENCE);

    Stages.Outcome<Void> fenced =
        Stages.outcome("fence", () -> executor.fence(node, KEY + "-other"));

    assertThat(fenced.error()).as(FENCE + ": fence of a key with no run failed").isNull();
    assertThat(stage.toCompletableFuture())
        .as(FENCE + ": a run with another key is left alone")
        .isNotDone();
    stage.toCompletableFuture().cancel(true);
    assertGone(executor, CANCEL, true);
  }

  @Test
  void fence_fromAnotherExecutorInstance_killsTheRunTheFirstOneLeft() throws Exception {
    CommandExecutor first = open();
    CompletionStage<CommandResult> stage =
        first.run(request(longRunning(), Map.of(), LONG).toBuilder().runKey(KEY).build());
    assertThat(stage).as(FENCE + ": run returned null").isNotNull();
    awaitStarted(first, FENCE);
    CommandExecutor second = open();

    Stages.Outcome<Void> fenced = Stages.outcome("fence", () -> second.fence(node, KEY));

    assertThat(fenced.error())
        .as(FENCE + ": fence through another instance of the executor failed")
        .isNull();
    assertGone(
        second,
        FENCE
            + ": a run that another instance of the executor started (an engine that crashed)"
            + " is found and killed",
        true);
  }

  // ------------------------------------------------------------------------ output tails

  @Test
  void longOutput_keepsTheLastMaxTailCharacters() throws Exception {
    CommandExecutor executor = open();
    int lines = 1000;
    String script =
        "for ((i = 1; i <= "
            + lines
            + "; i++)); do "
            + "printf 'out %04d of the long output\\n' \"$i\"; "
            + "printf 'err %04d of the long output\\n' \"$i\" >&2; done; printf 'END'";
    StringBuilder out = new StringBuilder();
    StringBuilder err = new StringBuilder();
    for (int i = 1; i <= lines; i++) {
      out.append(String.format("out %04d of the long output\n", i));
      err.append(String.format("err %04d of the long output\n", i));
    }
    out.append("END");

    CommandResult r = run(executor, script);

    assertThat(r.exitCode()).as(EXIT).isZero();
    assertThat(r.stdoutTail())
        .as(TAIL + ": standard output (%d characters written)", out.length())
        .isEqualTo(out.substring(out.length() - CommandResult.MAX_TAIL));
    assertThat(r.stderrTail())
        .as(TAIL + ": standard error (%d characters written)", err.length())
        .isEqualTo(err.substring(err.length() - CommandResult.MAX_TAIL));
  }

  // --------------------------------------------------------------------------- concurrency

  @Test
  void run_returnsAtOnce_andCommandsRunAtTheSameTime() throws Exception {
    CommandExecutor executor = open();
    List<CompletionStage<CommandResult>> stages = new ArrayList<>();

    long started = System.nanoTime();
    for (int i = 0; i < CONCURRENT; i++) {
      stages.add(
          executor.run(
              request(
                  "sleep " + SLEEP_SECONDS + "; printf '%s' \"$KIT_N\"",
                  Map.of("KIT_N", "command " + i),
                  LONG)));
    }
    long returnedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    List<CommandResult> results = new ArrayList<>();
    for (CompletionStage<CommandResult> s : stages) {
      results.add(await("run", s));
    }
    long doneMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

    assertThat(returnedMillis)
        .as(
            CONCURRENCY
                + ": %d calls of run, each for a command that "
                + "sleeps %d s, took %d ms to return",
            CONCURRENT,
            SLEEP_SECONDS,
            returnedMillis)
        .isLessThan(TimeUnit.SECONDS.toMillis(SLEEP_SECONDS));
    for (int i = 0; i < CONCURRENT; i++) {
      assertThat(results.get(i).exitCode()).as(EXIT).isZero();
      assertThat(results.get(i).stdoutTail())
          .as(CONCURRENCY + ": each result is its own " + "command's")
          .isEqualTo("command " + i);
    }
    assertThat(doneMillis)
        .as(
            CONCURRENCY
                + ": %d commands that sleep %d s each took %d ms in "
                + "all (%d s one after the other)",
            CONCURRENT,
            SLEEP_SECONDS,
            doneMillis,
            CONCURRENT * SLEEP_SECONDS)
        .isLessThan(TimeUnit.SECONDS.toMillis(CONCURRENT_BOUND_SECONDS));
  }

  // -------------------------------------------------------------------- close and nulls

  @Test
  void close_leavesNoCommandPending_andMayBeCalledAgain() throws Exception {
    CommandExecutor executor = open();
    CompletionStage<CommandResult> stage = startLongRunning(executor, CLOSE);

    for (String which : new String[] {"the first", "a second"}) {
      try {
        executor.close();
      } catch (Exception e) {
        throw new AssertionError(CLOSE + ": " + which + " close threw " + e, e);
      }
    }

    CompletableFuture<CommandResult> settled = new CompletableFuture<>();
    stage.whenComplete((r, e) -> settled.complete(r));
    try {
      settled.get(KILL_SECONDS, TimeUnit.SECONDS);
    } catch (TimeoutException e) {
      throw new AssertionError(
          CLOSE
              + ": the stage of a command that was running when the "
              + "executor was closed is still pending "
              + KILL_SECONDS
              + " s later",
          e);
    } finally {
      // clean up through a second executor: the command may have survived the close
      CommandExecutor other = open();
      Stages.outcome(
          "run (clean-up)",
          () ->
              other.run(
                  request(
                      "cd -- \"$KIT_SCRATCH\" && "
                          + "{ kill -9 \"$(cat -- \"$KIT_FILE.pid\")\" \"$(cat -- \"$KIT_FILE.child\")\" "
                          + "2>/dev/null; rm -f -- \"$KIT_FILE.pid\" \"$KIT_FILE.child\" \"$KIT_FILE.late\"; }",
                      Map.of(),
                      LONG)));
    }
  }

  @Test
  void nullRequest_isRefused() throws Exception {
    CommandExecutor executor = open();

    CompletionStage<CommandResult> stage;
    try {
      stage = executor.run(null);
    } catch (NullPointerException e) {
      return;
    } catch (RuntimeException e) {
      throw new AssertionError(NULLS + ": run(null) threw " + e, e);
    }
    assertThat(stage).as(NULLS + ": run(null) returned null").isNotNull();
    Stages.Outcome<CommandResult> outcome = Stages.outcome("run(null)", () -> stage);
    assertThat(outcome.error())
        .as(NULLS + ": run(null) completed with %s", outcome.value())
        .isNotNull();
  }

  // ----------------------------------------------------------------------------- helpers

  /** Obtains an executor; the first one of a test also obtains the node. */
  private CommandExecutor open() throws Exception {
    CommandExecutor executor = newExecutor();
    assertThat(executor).as("newExecutor() must return an executor").isNotNull();
    obtained.add(executor);
    if (node == null) {
      node = node();
      assertThat(node).as("node() must return a node").isNotNull();
    }
    return executor;
  }

  private CommandRequest request(String script, Map<String, String> extra, Duration timeout) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put(CommandRequest.LC_CLUSTER_ID, node.ref().clusterId());
    env.put(CommandRequest.LC_CLUSTER_NAME, "kit");
    env.put(CommandRequest.LC_ROLE, node.role());
    env.put(CommandRequest.LC_NODE_ID, node.ref().nodeId());
    env.put(CommandRequest.LC_NODE_IP, node.address());
    env.put(CommandRequest.LC_SERVICE, "kit");
    env.put(CommandRequest.LC_OPERATION_ID, "kit-operation");
    env.put("KIT_SCRATCH", scratchDirectory());
    env.put("KIT_FILE", file);
    env.putAll(extra);
    return CommandRequest.builder()
        .node(node)
        .service("kit")
        .script(script)
        .environment(env)
        .timeout(timeout)
        .build();
  }

  private CommandResult run(CommandExecutor executor, String script) {
    return run(executor, script, Map.of(), LONG);
  }

  private CommandResult run(
      CommandExecutor executor, String script, Map<String, String> env, Duration timeout) {
    CommandRequest request = request(script, env, timeout);
    Stages.Outcome<CommandResult> outcome = Stages.outcome("run", () -> executor.run(request));
    if (outcome.error() != null) {
      throw new AssertionError(
          EXIT
              + ", whatever the exit code; an exception means the command "
              + "could not be run at all: the stage failed with "
              + outcome.error(),
          outcome.error());
    }
    assertThat(outcome.value()).as(EXIT + ": run completed with null").isNotNull();
    return outcome.value();
  }

  /**
   * A command that writes its process id to {@code $KIT_FILE.pid}, starts a one-minute {@code
   * sleep} whose id it writes to {@code $KIT_FILE.child}, waits for it, then writes {@code
   * $KIT_FILE.late}: if the late file ever appears, the command was not killed; if the child
   * outlives it, the command's descendants were not.
   */
  private static String longRunning() {
    return "cd -- \"$KIT_SCRATCH\" || exit 90\n"
        + "echo $$ > \"$KIT_FILE.pid\"\n"
        + "sleep 60 &\n"
        + "echo $! > \"$KIT_FILE.child\"\n"
        + "wait $!\n"
        + "echo late > \"$KIT_FILE.late\"\n";
  }

  /** Runs {@link #longRunning()} and waits, on the node, until it has started. */
  private CompletionStage<CommandResult> startLongRunning(
      CommandExecutor executor, String contract) {
    CompletionStage<CommandResult> stage = executor.run(request(longRunning(), Map.of(), LONG));
    assertThat(stage).as(contract + ": run returned null").isNotNull();
    awaitStarted(executor, contract);
    return stage;
  }

  /** Waits, on the node, until the long-running command has written its process id. */
  private void awaitStarted(CommandExecutor executor, String contract) {
    CommandResult r =
        run(
            executor,
            "cd -- \"$KIT_SCRATCH\" || exit 90\n"
                + "for ((i = 0; i < 300; i++)); do [ -s \"$KIT_FILE.pid\" ] && exit 0; sleep 0.1; done\n"
                + "exit 1\n");
    assertThat(r.exitCode())
        .as(
            contract
                + ": the long-running command did not start (write "
                + "its process id) within 30 s; standard error: %s",
            r.stderrTail())
        .isZero();
  }

  /**
   * Checks, on the node, that the long-running command's shell and its {@code sleep} are gone
   * within {@code KILL_SECONDS} (an exited process nobody has reaped yet counts as gone) and that
   * it never wrote its late file; removes the kit's files.
   *
   * @param mustHaveStarted false when the command may have been stopped before it began
   */
  private void assertGone(CommandExecutor executor, String contract, boolean mustHaveStarted) {
    CommandResult r =
        run(
            executor,
            "cd -- \"$KIT_SCRATCH\" || exit 90\n"
                + "alive() { kill -0 \"$1\" 2>/dev/null && ! grep -qs '^State:[[:space:]]*Z' "
                + "\"/proc/$1/status\"; }\n"
                + "pid=$(cat -- \"$KIT_FILE.pid\" 2>/dev/null)\n"
                + "if [ -z \"$pid\" ]; then echo 'never started'; exit 0; fi\n"
                + "child=$(cat -- \"$KIT_FILE.child\" 2>/dev/null)\n"
                + "for ((i = 0; i < "
                + KILL_SECONDS * 10
                + "; i++)); do\n"
                + "  alive \"$pid\" || { [ -n \"$child\" ] && alive \"$child\"; } || break\n"
                + "  sleep 0.1\n"
                + "done\n"
                + "out=gone\n"
                + "if alive \"$pid\"; then out=\"process $pid still runs\"; kill -9 \"$pid\"; fi\n"
                + "if [ -n \"$child\" ] && alive \"$child\"; then out=\"its child process $child (sleep 60)"
                + " still runs\"; kill -9 \"$child\"; fi\n"
                + "if [ -e \"$KIT_FILE.late\" ]; then out=\"$out, and it wrote its late file\"; fi\n"
                + "echo \"$out\"\n"
                + "rm -f -- \"$KIT_FILE.pid\" \"$KIT_FILE.child\" \"$KIT_FILE.late\"\n");
    assertThat(r.stdoutTail().strip())
        .as(
            contract
                + ": the command's process and its children "
                + "must be gone within %d s (standard error: %s)",
            KILL_SECONDS,
            r.stderrTail())
        .isIn(mustHaveStarted ? new String[] {"gone"} : new String[] {"gone", "never started"});
  }

  /** Closes every executor the test obtained. */
  @AfterEach
  void closeExecutors() {
    AssertionError failed = null;
    for (CommandExecutor e : obtained) {
      try {
        e.close();
      } catch (Exception ex) {
        failed = failed != null ? failed : new AssertionError(CLOSE + ": " + ex, ex);
      }
    }
    obtained.clear();
    if (failed != null) {
      throw failed;
    }
  }
}

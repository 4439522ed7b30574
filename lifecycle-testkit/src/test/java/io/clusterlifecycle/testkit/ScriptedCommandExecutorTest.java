package io.clusterlifecycle.testkit;

import static io.clusterlifecycle.testkit.Fixtures.await;
import static io.clusterlifecycle.testkit.Fixtures.request;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusterlifecycle.api.spi.CommandRequest;
import io.clusterlifecycle.api.spi.CommandResult;
import io.clusterlifecycle.api.spi.TransientSpiException;
import io.clusterlifecycle.testkit.CommandRun.State;
import io.clusterlifecycle.testkit.Fixtures.TestClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScriptedCommandExecutorTest {
  private final TestClock clock = new TestClock(Instant.parse("2026-01-01T00:00:00Z"));
  private final RecordingScheduler scheduler = new RecordingScheduler();
  private final ScriptedCommandExecutor executor =
      ScriptedCommandExecutor.builder().clock(clock).scheduler(scheduler).build();

  @AfterEach
  void stopScheduler() {
    scheduler.shutdownNow();
  }

  @Test
  void withoutRules_aRunExitsZeroAtOnce_andIsRecorded() {
    CommandRequest req = request("start", "demo-zk-1", "zk");

    CompletableFuture<CommandResult> f = executor.run(req);

    assertThat(f)
        .isCompletedWithValue(
            CommandResult.builder()
                .exitCode(0)
                .timedOut(false)
                .stdoutTail("")
                .stderrTail("")
                .duration(Duration.ZERO)
                .build());
    assertThat(executor.runs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.nodeId()).isEqualTo("demo-zk-1");
              assertThat(r.clusterId()).isEqualTo("c1");
              assertThat(r.role()).isEqualTo("zk");
              assertThat(r.service()).isEqualTo("start");
              assertThat(r.script()).isEqualTo("run-start");
              assertThat(r.environment()).isEqualTo(req.environment());
              assertThat(r.timeout()).isEqualTo(Duration.ofMinutes(10));
              assertThat(r.startedAt()).isEqualTo(Instant.parse("2026-01-01T00:00:00Z"));
              assertThat(r.endedAt()).contains(Instant.parse("2026-01-01T00:00:00Z"));
              assertThat(r.state()).isEqualTo(State.EXITED);
              assertThat(r.exitCode()).isZero();
              assertThat(r.startSeq()).isEqualTo(1);
              assertThat(r.endSeq()).isEqualTo(2);
            });
    assertThat(scheduler.delays).isEmpty();
  }

  @Test
  void rules_matchInTheOrderTheyWereAdded_byServiceNodeRoleAndPredicate() throws Exception {
    executor.on("destroy").forNode("demo-worker-2").exit(1).stderr("drain failed");
    executor.on("destroy").forRole("master").exit(2);
    executor.on("destroy").when(r -> r.environment().containsKey("SPECIAL")).exit(3);
    executor.onAny().forRole("worker").exit(4).stdout("generic");
    executor.on("destroy").exit(5); // shadowed for workers by the rule above

    assertThat(await(executor.run(request("destroy", "demo-worker-2", "worker"))))
        .isEqualTo(
            CommandResult.builder()
                .exitCode(1)
                .timedOut(false)
                .stdoutTail("")
                .stderrTail("drain failed")
                .duration(Duration.ZERO)
                .build());
    assertThat(await(executor.run(request("destroy", "demo-master-1", "master"))).exitCode())
        .isEqualTo(2);
    CommandRequest special =
        CommandRequest.builder()
            .node(Fixtures.node("n", "zk"))
            .service("destroy")
            .script("x")
            .environment(Map.of("SPECIAL", "1"))
            .timeout(Duration.ofSeconds(1))
            .build();
    assertThat(await(executor.run(special)).exitCode()).isEqualTo(3);
    assertThat(await(executor.run(request("destroy", "demo-worker-1", "worker"))))
        .isEqualTo(
            CommandResult.builder()
                .exitCode(4)
                .timedOut(false)
                .stdoutTail("generic")
                .stderrTail("")
                .duration(Duration.ZERO)
                .build());
    assertThat(await(executor.run(request("start", "demo-worker-1", "worker"))).exitCode())
        .isEqualTo(4);
    assertThat(await(executor.run(request("destroy", "demo-zk-1", "zk"))).exitCode()).isEqualTo(5);
    assertThat(await(executor.run(request("start", "demo-zk-1", "zk"))).exitCode()).isZero();
    assertThat(executor.runs())
        .extracting(CommandRun::exitCode)
        .containsExactly(1, 2, 3, 4, 4, 5, 0);
  }

  @Test
  void times_limitsARule_thenLaterRulesApply() throws Exception {
    ScriptedCommandExecutor.Rule flaky = executor.on("start").forNode("n1").exit(1).times(2);
    executor.on("start").forNode("n1").exit(0).stdout("ok");

    List<Integer> codes = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      codes.add(await(executor.run(request("start", "n1", "zk"))).exitCode());
    }

    assertThat(codes).containsExactly(1, 1, 0, 0);
    assertThat(flaky.hits()).isEqualTo(2);
    assertThat(executor.runCount("start")).isEqualTo(4);
  }

  @Test
  void latency_endsTheRunOnTheSchedulerAfterTheLatency() throws Exception {
    executor.on("start").forRole("zk").latency(Duration.ofMillis(60)).stdout("started");
    long t0 = System.nanoTime();

    CompletableFuture<CommandResult> f = executor.run(request("start", "demo-zk-1", "zk"));

    assertThat(f).isNotDone();
    assertThat(executor.inFlight()).isEqualTo(1);
    assertThat(executor.runs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(State.RUNNING);
              assertThat(r.endSeq()).isZero();
              assertThat(r.ended()).isFalse();
            });
    CommandResult result = await(f);
    assertThat(System.nanoTime() - t0).isGreaterThanOrEqualTo(Duration.ofMillis(60).toNanos());
    assertThat(result)
        .isEqualTo(
            CommandResult.builder()
                .exitCode(0)
                .timedOut(false)
                .stdoutTail("started")
                .stderrTail("")
                .duration(Duration.ofMillis(60))
                .build());
    assertThat(scheduler.delays).containsExactly(Duration.ofMillis(60));
    assertThat(executor.inFlight()).isZero();
    assertThat(executor.runs("start"))
        .singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(State.EXITED));
  }

  @Test
  void aLatencyBeyondTheTimeout_endsAtTheTimeout_asTimedOut() throws Exception {
    executor.on("init").latency(Duration.ofMinutes(5)).exit(0);

    CompletableFuture<CommandResult> f =
        executor.run(request("init", "n1", "zk", Duration.ofMillis(40)));

    // waiting less than the latency proves the run ended at the timeout
    CommandResult result = f.get(5, TimeUnit.SECONDS);
    assertThat(result.timedOut()).isTrue();
    assertThat(result.exitCode()).isEqualTo(CommandResult.TIMEOUT_EXIT_CODE);
    assertThat(result.duration()).isEqualTo(Duration.ofMillis(40));
    assertThat(result.succeeded()).isFalse();
    assertThat(scheduler.delays).containsExactly(Duration.ofMillis(40));
    assertThat(executor.runs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(State.TIMED_OUT);
              assertThat(r.exitCode()).isEqualTo(124);
            });
  }

  @Test
  void aLatencyEqualToTheTimeout_isNotATimeout() throws Exception {
    executor.on("init").latency(Duration.ofMillis(30)).exit(7);

    CommandResult result = await(executor.run(request("init", "n1", "zk", Duration.ofMillis(30))));

    assertThat(result.timedOut()).isFalse();
    assertThat(result.exitCode()).isEqualTo(7);
  }

  @Test
  void hang_endsOnlyAtTheTimeout() throws Exception {
    executor.on("start").hang();

    CommandResult result = await(executor.run(request("start", "n1", "zk", Duration.ofMillis(30))));

    assertThat(result.timedOut()).isTrue();
    assertThat(result.exitCode()).isEqualTo(CommandResult.TIMEOUT_EXIT_CODE);
  }

  @Test
  void cancellingTheFuture_marksTheRunCancelled_andDropsItsScheduledEnd() throws Exception {
    executor.on("start").forNode("stuck").hang();
    CompletableFuture<CommandRun> started = executor.whenStarted(r -> r.nodeId().equals("stuck"));
    assertThat(started).isNotDone();

    CompletableFuture<CommandResult> f = executor.run(request("start", "stuck", "zk"));
    CommandRun atStart = await(started);
    clock.advance(Duration.ofSeconds(3));
    assertThat(f.cancel(true)).isTrue();

    assertThat(atStart.state()).isEqualTo(State.RUNNING);
    assertThatThrownBy(f::join).isInstanceOf(CancellationException.class);
    assertThat(executor.runs())
        .singleElement()
        .satisfies(
            r -> {
              assertThat(r.state()).isEqualTo(State.CANCELLED);
              assertThat(r.endSeq()).isEqualTo(2);
              assertThat(r.endedAt()).contains(Instant.parse("2026-01-01T00:00:03Z"));
              assertThat(r.exitCode()).isEqualTo(-1);
            });
    assertThat(executor.inFlight()).isZero();
    assertThat(scheduler.getQueue()).isEmpty();
  }

  @Test
  void completingTheFutureFromOutside_marksTheRunCancelled() throws Exception {
    executor.on("start").hang();

    CompletableFuture<CommandResult> f =
        executor.run(request("start", "n1", "zk")).orTimeout(20, TimeUnit.MILLISECONDS);

    assertThatThrownBy(() -> await(f)).hasCauseInstanceOf(TimeoutException.class);
    assertThat(executor.runs())
        .singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(State.CANCELLED));
    assertThat(scheduler.getQueue()).isEmpty();
  }

  @Test
  void fail_completesExceptionally_andRecordsAFailedRun() {
    TransientSpiException lost = new TransientSpiException("ssh connection lost", null);
    executor.on("start").fail(lost);

    CompletableFuture<CommandResult> f = executor.run(request("start", "n1", "zk"));

    assertThatThrownBy(f::join).hasCause(lost);
    assertThat(executor.runs())
        .singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(State.FAILED));
  }

  @Test
  void sequenceNumbers_showThatOneGroupEndedBeforeTheNextStarted() throws Exception {
    executor.on("start").forNode("a1").latency(Duration.ofMillis(30));
    executor.on("start").forNode("a2").latency(Duration.ofMillis(10));
    executor.on("start").forNode("a3").latency(Duration.ofMillis(20));
    executor.on("start").forRole("b").latency(Duration.ofMillis(5));

    // what an engine does: run group a in parallel, then group b once all of a has ended
    CompletableFuture<?> groupA =
        CompletableFuture.allOf(
            executor.run(request("start", "a1", "a")),
            executor.run(request("start", "a2", "a")),
            executor.run(request("start", "a3", "a")));
    List<CompletableFuture<CommandResult>> groupB = new ArrayList<>();
    CompletableFuture<?> done =
        groupA.thenCompose(
            x -> {
              groupB.add(executor.run(request("start", "b1", "b")));
              groupB.add(executor.run(request("start", "b2", "b")));
              return CompletableFuture.allOf(groupB.toArray(CompletableFuture[]::new));
            });
    await(done);

    List<CommandRun> runs = executor.runs("start");
    List<CommandRun> a = runs.stream().filter(r -> r.role().equals("a")).toList();
    List<CommandRun> b = runs.stream().filter(r -> r.role().equals("b")).toList();
    assertThat(a).hasSize(3);
    assertThat(b).hasSize(2);
    for (CommandRun first : a) {
      for (CommandRun next : b) {
        assertThat(first.endedBefore(next))
            .as("%s before %s", first.nodeId(), next.nodeId())
            .isTrue();
      }
    }
    // inside a group the runs overlapped: each started before any of them ended
    long lastStartA = a.stream().mapToLong(CommandRun::startSeq).max().orElseThrow();
    long firstEndA = a.stream().mapToLong(CommandRun::endSeq).min().orElseThrow();
    assertThat(lastStartA).isLessThan(firstEndA);
    assertThat(a.get(1).endedBefore(a.get(0))).isFalse();
    assertThat(executor.maxInFlight()).isEqualTo(3);
    // every number is used once
    List<Long> all = new ArrayList<>();
    runs.forEach(
        r -> {
          all.add(r.startSeq());
          all.add(r.endSeq());
        });
    assertThat(all).doesNotHaveDuplicates().hasSize(10).allMatch(n -> n >= 1 && n <= 10);
  }

  @Test
  void whenStarted_completesForARunAlreadyAskedFor() throws Exception {
    executor.run(request("stop", "n1", "zk"));

    assertThat(executor.whenStarted(r -> r.service().equals("stop")))
        .isCompletedWithValueMatching(r -> r.nodeId().equals("n1"));
  }

  @Test
  void close_cancelsTheRunsStillInFlight() throws Exception {
    executor.on("start").hang();
    CompletableFuture<CommandResult> f = executor.run(request("start", "n1", "zk"));

    executor.close();

    assertThat(f).isCancelled();
    assertThat(executor.runs())
        .singleElement()
        .satisfies(r -> assertThat(r.state()).isEqualTo(State.CANCELLED));
  }

  @Test
  void latencyAndHang_withoutAScheduler_areRefusedUpFront() {
    ScriptedCommandExecutor plain = ScriptedCommandExecutor.builder().build();

    assertThatThrownBy(() -> plain.on("start").latency(Duration.ofMillis(1)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("scheduler");
    assertThatThrownBy(() -> plain.on("start").hang()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> executor.on("x").times(0))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void everyRun_recordsItsRunKey_andTwoRunsOfOneKeyOverlapUntilTheFirstIsFenced() throws Exception {
    executor.on("init").hang().times(1);
    CommandRequest first =
        CommandRequest.builder()
            .node(Fixtures.node("demo-zk-1", "zk"))
            .service("init")
            .script("run-init")
            .environment(Map.of())
            .timeout(Duration.ofMinutes(10))
            .runKey("op-1/init-demo-zk-1")
            .build();

    CompletableFuture<CommandResult> hanging = executor.run(first);
    CompletableFuture<CommandResult> again = executor.run(first); // not fenced: both going
    await(again);
    CommandRun a = executor.runs().get(0);
    CommandRun b = executor.runs().get(1);
    assertThat(a.runKey()).isEqualTo("op-1/init-demo-zk-1");
    assertThat(b.runKey()).isEqualTo("op-1/init-demo-zk-1");
    assertThat(a.overlaps(b)).isTrue();
    assertThat(b.overlaps(a)).isTrue();

    await(executor.fence(first.node(), first.runKey()));
    assertThat(hanging).isCancelled();
    await(executor.run(first));
    CommandRun c = executor.runs().get(2);
    assertThat(executor.runs().get(0).overlaps(c)).isFalse();
    assertThat(c.overlaps(executor.runs().get(0))).isFalse();
    assertThat(executor.runs().get(1).overlaps(c)).isFalse();
    assertThat(executor.runs("start")).isEmpty();
    assertThat(await(executor.run(request("start", "demo-zk-1", "zk"))).exitCode()).isZero();
    assertThat(executor.runs("start"))
        .singleElement()
        .satisfies(r -> assertThat(r.runKey()).isEmpty());
  }
}

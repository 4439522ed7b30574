package io.clusterlifecycle.core.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class DeadlinesTest {
  private static final Duration TICK = Duration.ofMillis(100);
  private final ScheduledThreadPoolExecutor scheduler = new ScheduledThreadPoolExecutor(1);
  private final Deadlines deadlines;

  DeadlinesTest() {
    scheduler.setRemoveOnCancelPolicy(true);
    deadlines = new Deadlines(scheduler, TICK);
  }

  @AfterEach
  void stop() {
    scheduler.shutdownNow();
  }

  @Test
  void actionsWithOneDelayInOneTick_shareOneTimer_andEachRunsOnce() {
    AtomicInteger ran = new AtomicInteger();
    for (int i = 0; i < 1_000; i++) {
      deadlines.schedule(Duration.ofMillis(300), ran::incrementAndGet);
    }
    assertThat(deadlines.openWindows()).isEqualTo(1);
    // the window's closer and its timer
    assertThat(scheduler.getQueue()).hasSize(2);
    await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1_000);
    assertThat(deadlines.openWindows()).isZero();
  }

  @Test
  void anAction_runsNoSoonerThanItsDelay_andAtMostATickLater() {
    long delay = 250;
    List<Long> late = new ArrayList<>();
    ConcurrentHashMap<Integer, Long> registered = new ConcurrentHashMap<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      registered.put(n, System.nanoTime());
      deadlines.schedule(
          Duration.ofMillis(delay),
          () -> {
            synchronized (late) {
              late.add(
                  TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - registered.get(n)) - delay);
            }
          });
      sleepMillis(30);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> late.size() == 5);
    // scheduler threads may start a task late, never early
    assertThat(late).allSatisfy(ms -> assertThat(ms).isBetween(0L, TICK.toMillis() + 150));
  }

  @Test
  void aCancelledAction_neverRuns_andAWindowWhoseActionsAreAllCancelledDropsItsTimer() {
    AtomicInteger ran = new AtomicInteger();
    List<Deadlines.Handle> handles = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      handles.add(deadlines.schedule(Duration.ofSeconds(30), ran::incrementAndGet));
    }
    Deadlines.Handle kept = deadlines.schedule(Duration.ofMillis(200), ran::incrementAndGet);
    handles.forEach(Deadlines.Handle::cancel);
    handles.forEach(Deadlines.Handle::cancel);
    await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
    // once closed, the 30 s window holds nothing and keeps no timer in the scheduler
    await().atMost(Duration.ofSeconds(5)).until(() -> scheduler.getQueue().isEmpty());
    kept.cancel();
    assertThat(ran).hasValue(1);
  }

  @Test
  void anActionRegisteredAfterTheTick_getsAWindowOfItsOwn() {
    deadlines.schedule(Duration.ofSeconds(30), () -> {});
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> deadlines.openWindows() == 0);
    deadlines.schedule(Duration.ofSeconds(30), () -> {});
    assertThat(deadlines.openWindows()).isEqualTo(1);
    // two 30 s timers and the second window's closer
    assertThat(scheduler.getQueue()).hasSize(3);
  }

  @Test
  void aFailingAction_doesNotKeepTheOthersOfItsWindowFromRunning() {
    AtomicInteger ran = new AtomicInteger();
    deadlines.schedule(
        Duration.ofMillis(50),
        () -> {
          throw new IllegalStateException("broken backstop");
        });
    deadlines.schedule(Duration.ofMillis(50), ran::incrementAndGet);
    await().atMost(Duration.ofSeconds(5)).until(() -> ran.get() == 1);
  }

  @Test
  void aSchedulerThatRefuses_setsNoTimer_andTheCallerGoesOn() {
    // a closing engine's scheduler refuses every timer; its command has started and goes on
    scheduler.shutdownNow();
    AtomicInteger ran = new AtomicInteger();

    Deadlines.Handle handle = deadlines.schedule(Duration.ofMillis(10), ran::incrementAndGet);
    handle.cancel();
    deadlines.schedule(Duration.ofMillis(10), ran::incrementAndGet);

    assertThat(deadlines.openWindows()).isZero();
    assertThat(ran).hasValue(0);
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}

package io.clusterlifecycle.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Virtual time that moves by itself when the scheduler is idle. */
class VirtualSchedulerTest {
  private final VirtualClock clock = new VirtualClock();
  private final VirtualScheduler scheduler = VirtualScheduler.on(clock);
  private final Instant start = clock.instant();

  @AfterEach
  void close() {
    scheduler.close();
  }

  private Duration since() {
    return Duration.between(start, clock.instant());
  }

  @Test
  void hoursOfDelaysPassAtOnce_inDueOrder_eachTaskSeeingItsDueTime() throws Exception {
    List<String> seen = new CopyOnWriteArrayList<>();
    long began = System.nanoTime();
    scheduler.schedule(() -> seen.add("b " + since()), 2, TimeUnit.HOURS);
    scheduler.schedule(() -> seen.add("a " + since()), 1, TimeUnit.HOURS);
    ScheduledFuture<String> last = scheduler.schedule(() -> "c " + since(), 3, TimeUnit.HOURS);

    assertThat(last.get(5, TimeUnit.SECONDS)).isEqualTo("c PT3H");
    assertThat(seen).containsExactly("a PT1H", "b PT2H");
    assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aPeriodicTaskRunsAtItsRate_untilCancelled_andATaskScheduledByATaskRunsLater()
      throws Exception {
    List<Duration> ticks = new CopyOnWriteArrayList<>();
    CountDownLatch five = new CountDownLatch(5);
    ScheduledFuture<?> rate =
        scheduler.scheduleAtFixedRate(
            () -> {
              ticks.add(since());
              five.countDown();
            },
            10,
            10,
            TimeUnit.MINUTES);
    assertThat(five.await(5, TimeUnit.SECONDS)).isTrue();
    rate.cancel(false);
    assertThat(List.copyOf(ticks).subList(0, 5))
        .containsExactly(
            Duration.ofMinutes(10),
            Duration.ofMinutes(20),
            Duration.ofMinutes(30),
            Duration.ofMinutes(40),
            Duration.ofMinutes(50));

    CompletableFuture<Duration> chained = new CompletableFuture<>();
    Duration at = since();
    scheduler.schedule(
        () -> scheduler.schedule(() -> chained.complete(since().minus(at)), 30, TimeUnit.SECONDS),
        1,
        TimeUnit.DAYS);
    assertThat(chained.get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofDays(1).plusSeconds(30));
  }

  @Test
  void timeDoesNotMoveWhileATaskRuns_norForACancelledTask() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch running = new CountDownLatch(1);
    scheduler.execute(
        () -> {
          running.countDown();
          try {
            release.await(5, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
        });
    ScheduledFuture<?> never = scheduler.schedule(() -> {}, 5, TimeUnit.HOURS);
    ScheduledFuture<Duration> later = scheduler.schedule(this::since, 1, TimeUnit.HOURS);
    assertThat(running.await(5, TimeUnit.SECONDS)).isTrue();
    never.cancel(false);
    // the running task holds time still, however long past the quiet window
    await()
        .during(Duration.ofMillis(10 * VirtualScheduler.DEFAULT_QUIET_MS))
        .atMost(Duration.ofSeconds(5))
        .until(() -> since().isZero() && !later.isDone());
    release.countDown();
    assertThat(later.get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofHours(1));
    assertThat(never.isCancelled()).isTrue();
    assertThat(since()).isEqualTo(Duration.ofHours(1));

    scheduler.shutdown();
    assertThat(scheduler.awaitTermination(5, TimeUnit.SECONDS)).isTrue();
    assertThat(scheduler.isTerminated()).isTrue();
  }

  @Test
  void timeStandsStillWhileAHoldingCallRunsOnTheCallersThread() throws Exception {
    ScheduledFuture<Duration> later = scheduler.schedule(this::since, 1, TimeUnit.HOURS);

    String done =
        scheduler.holding(
            () -> {
              await()
                  .during(Duration.ofMillis(10 * VirtualScheduler.DEFAULT_QUIET_MS))
                  .atMost(Duration.ofSeconds(5))
                  .until(() -> since().isZero() && !later.isDone());
              return "held";
            });

    assertThat(done).isEqualTo("held");
    assertThat(later.get(5, TimeUnit.SECONDS)).isEqualTo(Duration.ofHours(1));
  }
}

package io.clusterlifecycle.testkit;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/** A real single-thread scheduler that remembers the delays it was asked for. */
final class RecordingScheduler extends ScheduledThreadPoolExecutor {
  final List<Duration> delays = new CopyOnWriteArrayList<>();

  RecordingScheduler() {
    super(
        1,
        r -> {
          Thread t = new Thread(r, "test-scheduler");
          t.setDaemon(true);
          return t;
        });
    setRemoveOnCancelPolicy(true);
  }

  @Override
  public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
    delays.add(Duration.ofNanos(unit.toNanos(delay)));
    return super.schedule(command, delay, unit);
  }
}

package io.clusterlifecycle.core.sim;

import io.clusterlifecycle.testkit.SpiMethod;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A command is launched only once its STARTED journal entry is durable (docs/design.md §5.8).
 * Before, the entry was queued and the command launched at once: an engine that died while the
 * journal write was under way left a command running that no entry named, so recover did not fence
 * it and ran the step again beside it (issue 20, finding 2, in a smaller window).
 */
class JournalBeforeLaunchTest {
  @Test
  void aCrashWhileAJournalWriteIsUnderWay_leavesNoStepRunningTwiceAtOnce() {
    try (World w = new World(4)) {
      w.tolerateUnjournaledRuns = false;
      w.sim.latency(SpiMethod.STORE_APPEND_JOURNAL, Duration.ofMillis(50), Duration.ofMillis(50));
      // the first command runs hang, and the engine dies as soon as one has started
      w.crashDuring(new World.Create("c1", EngineStatefulTest.twoRoles()), 100_000, 2, false);
      w.checkInvariants();
    }
  }
}

package io.clusterlifecycle.core.internal.exec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

/**
 * A run is never seen halted without the error that halted it (docs/design.md §7.8). The stateful
 * test found what happens otherwise: a cancel that had set its flag but not yet its error made the
 * last stage of a stop skip every step, and the result, read in between, said the stop succeeded;
 * the cluster was recorded STOPPED with every node still running.
 *
 * <p>The test holds the outcome's lock, as another thread reading or changing it would, while a
 * cancel (or a time-out) is under way on a thread of its own.
 */
class RunOutcomeTest {

  private static OperationRunner.Result readWhileHalting(Consumer<RunOutcome> halt)
      throws InterruptedException {
    RunOutcome outcome = new RunOutcome(new SecretScrubber());
    Thread halting = new Thread(() -> halt.accept(outcome), "halting");
    OperationRunner.Result seen;
    synchronized (outcome) {
      halting.start();
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> halting.getState() == Thread.State.BLOCKED);
      assertThat(outcome.halted()).as("halted before its error is recorded").isFalse();
      seen = outcome.result(List.of(), Map.of());
    }
    halting.join(10_000);
    assertThat(halting.isAlive()).isFalse();
    assertThat(seen.succeeded()).isTrue();
    assertThat(seen.cancelled()).isFalse();
    assertThat(seen.timedOut()).isFalse();
    assertThat(outcome.halted()).isTrue();
    return outcome.result(List.of(), Map.of());
  }

  @Test
  void cancel_isSeenWithItsErrorOrNotAtAll() throws InterruptedException {
    OperationRunner.Result after = readWhileHalting(o -> o.cancel("cancelled by alice"));

    assertThat(after.error()).isEqualTo("cancelled by alice");
    assertThat(after.cancelled()).isTrue();
    assertThat(after.succeeded()).isFalse();
  }

  @Test
  void timeOut_isSeenWithItsErrorOrNotAtAll() throws InterruptedException {
    OperationRunner.Result after = readWhileHalting(o -> o.timeOut("create timed out after 1 s"));

    assertThat(after.error()).isEqualTo("create timed out after 1 s");
    assertThat(after.timedOut()).isTrue();
    assertThat(after.cancelled()).isFalse();
  }

  @Test
  void cancel_afterAFailure_keepsTheFirstErrorAndHalts() {
    RunOutcome outcome = new RunOutcome(new SecretScrubber());
    outcome.fail("start on db-1 exited with 3", false);

    outcome.cancel("cancelled by alice");

    OperationRunner.Result r = outcome.result(List.of(), Map.of());
    assertThat(r.error()).isEqualTo("start on db-1 exited with 3");
    assertThat(r.cancelled()).isTrue();
    assertThat(outcome.halted()).isTrue();
  }
}

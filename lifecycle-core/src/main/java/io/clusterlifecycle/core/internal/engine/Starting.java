package io.clusterlifecycle.core.internal.engine;

import io.clusterlifecycle.api.model.Operation;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * The operations of this engine between their start and their run, and the cancels asked of them
 * meanwhile (docs/design.md §7.8): such a cancel is taken up as the operation runs, instead of
 * waiting for the claim the operation holds until it ends. Thread-safe.
 */
final class Starting {

  /** A cancel asked while the operation started: why, and the future of its end. */
  record Waiting(String why, CompletableFuture<Operation> end) {}

  private final Set<String> operations = new HashSet<>();
  private final Map<String, Waiting> cancels = new HashMap<>();

  /** The operation is starting: it is about to be recorded and claim its cluster. */
  synchronized void begin(String operationId) {
    operations.add(operationId);
  }

  /**
   * The operation runs, or failed to start: it is no longer starting.
   *
   * @return the cancel asked of it meanwhile, if any
   */
  synchronized Optional<Waiting> end(String operationId) {
    operations.remove(operationId);
    return Optional.ofNullable(cancels.remove(operationId));
  }

  /**
   * Asks to cancel a starting operation.
   *
   * @return the future of the operation's end, which its run completes; empty when the operation is
   *     not starting
   */
  synchronized Optional<CompletableFuture<Operation>> cancel(String operationId, String why) {
    if (!operations.contains(operationId)) {
      return Optional.empty();
    }
    return Optional.of(
        cancels
            .computeIfAbsent(operationId, k -> new Waiting(why, new CompletableFuture<>()))
            .end());
  }
}

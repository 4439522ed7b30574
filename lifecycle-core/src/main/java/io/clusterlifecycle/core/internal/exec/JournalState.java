package io.clusterlifecycle.core.internal.exec;

import io.clusterlifecycle.api.spi.JournalEntry;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What an operation's journal says of its steps when the operation is run again (docs/design.md
 * §5.8): the steps whose last entry is {@code SUCCEEDED} are skipped; the others that have an entry
 * at all were started by an earlier run that may still be going, so their commands are fenced
 * before they run again.
 *
 * @param done ids of the steps that succeeded
 * @param inDoubt ids of the steps that were started and did not succeed
 */
public record JournalState(Set<String> done, Set<String> inDoubt) {
  /** A first run: nothing done, nothing in doubt. */
  public static final JournalState FIRST_RUN = new JournalState(Set.of(), Set.of());

  /** Copies the sets. */
  public JournalState {
    done = Set.copyOf(done);
    inDoubt = Set.copyOf(inDoubt);
  }

  /**
   * Reads a journal, in the order it was written.
   *
   * @param journal the operation's entries
   * @return the state of its steps
   */
  public static JournalState of(List<JournalEntry> journal) {
    Map<String, JournalEntry.Status> last = new HashMap<>();
    journal.forEach(e -> last.put(e.stepId(), e.status()));
    Set<String> done = new HashSet<>();
    Set<String> inDoubt = new HashSet<>();
    last.forEach(
        (step, status) -> (status == JournalEntry.Status.SUCCEEDED ? done : inDoubt).add(step));
    return new JournalState(done, inDoubt);
  }
}
